import { Route, Routes } from 'react-router';
import NotFoundPage from '../../app/NotFoundPage.js';
import { useSession } from '../../app/session.js';
import CasePage from './CasePage.js';
import IncidentListPage from './IncidentListPage.js';
import MetricsPage from './MetricsPage.js';
import NewIncidentPage from './NewIncidentPage.js';
import SettingsPage from './SettingsPage.js';

/**
 * The incidents section (incidents:read, checked by the shell): the case list, the intake form,
 * metrics, settings (types, SLA policies, business calendars) and the page of each case. One chunk, loaded when the section is first opened.
 */
export default function IncidentRoutes() {
  const { can } = useSession();
  return (
    <Routes>
      <Route index element={<IncidentListPage />} />
      <Route
        path="new"
        element={
          can('incidents:write') ? (
            <NewIncidentPage />
          ) : (
            <NotFoundPage reason="You do not have access to this page." />
          )
        }
      />
      <Route path="metrics" element={<MetricsPage />} />
      <Route
        path="settings"
        element={
          can('incidents:configure') ? (
            <SettingsPage />
          ) : (
            <NotFoundPage reason="You do not have access to this page." />
          )
        }
      />
      <Route path=":id" element={<CasePage />} />
      <Route path="*" element={<NotFoundPage />} />
    </Routes>
  );
}
