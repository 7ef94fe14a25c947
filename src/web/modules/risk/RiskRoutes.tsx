import { lazy } from 'react';
import { Route, Routes } from 'react-router';
import NotFoundPage from '../../app/NotFoundPage.js';
import { useSession } from '../../app/session.js';

// Each page is its own chunk; charts (ECharts) load only with the pages that draw them.
const RegisterPage = lazy(() => import('./RegisterPage.js'));
const HeatMapPage = lazy(() => import('./HeatMapPage.js'));
const PortfolioPage = lazy(() => import('./PortfolioPage.js'));
const SettingsPage = lazy(() => import('./SettingsPage.js'));
const RiskPage = lazy(() => import('./RiskPage.js'));

/**
 * The risk section: register, heat map, portfolio, settings and the page of each risk. It checks
 * risk:read itself (the shell's route stays one line: the first load is near its size budget).
 */
export default function RiskRoutes() {
  const { can } = useSession();
  const denied = <NotFoundPage reason="You do not have access to this page." />;
  if (!can('risk:read')) return denied;
  return (
    <Routes>
      <Route index element={<RegisterPage />} />
      <Route path="heatmap" element={<HeatMapPage />} />
      <Route path="portfolio" element={<PortfolioPage />} />
      <Route path="settings" element={can('risk:configure') ? <SettingsPage /> : denied} />
      <Route path=":id" element={<RiskPage />} />
      <Route path="*" element={<NotFoundPage />} />
    </Routes>
  );
}
