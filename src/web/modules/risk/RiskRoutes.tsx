import { Route, Routes } from 'react-router';
import NotFoundPage from '../../app/NotFoundPage.js';
import { useSession } from '../../app/session.js';
import HeatMapPage from './HeatMapPage.js';
import PortfolioPage from './PortfolioPage.js';
import RegisterPage from './RegisterPage.js';
import RiskPage from './RiskPage.js';
import SettingsPage from './SettingsPage.js';

/**
 * The risk section (risk:read, checked by the shell): register, heat map, portfolio, settings and
 * the page of each risk. The section is one chunk, loaded when it is first opened; splitting it
 * page by page would fragment the chunks it shares with other pages and grow the first load.
 * ECharts loads on demand with the first chart.
 */
export default function RiskRoutes() {
  const { can } = useSession();
  return (
    <Routes>
      <Route index element={<RegisterPage />} />
      <Route path="heatmap" element={<HeatMapPage />} />
      <Route path="portfolio" element={<PortfolioPage />} />
      <Route
        path="settings"
        element={
          can('risk:configure') ? (
            <SettingsPage />
          ) : (
            <NotFoundPage reason="You do not have access to this page." />
          )
        }
      />
      <Route path=":id" element={<RiskPage />} />
      <Route path="*" element={<NotFoundPage />} />
    </Routes>
  );
}
