import { Route, Routes } from 'react-router';
import NotFoundPage from '../../app/NotFoundPage.js';
import AlarmRulesPage from './AlarmRulesPage.js';
import EventLogPage from './EventLogPage.js';
import SopsPage from './SopsPage.js';

/** Alarm rules, procedures and the event log (alarms:read, checked by the shell). */
export default function MonitoringConfigRoutes() {
  return (
    <Routes>
      <Route path="rules" element={<AlarmRulesPage />} />
      <Route path="procedures" element={<SopsPage />} />
      <Route path="events" element={<EventLogPage />} />
      <Route path="*" element={<NotFoundPage />} />
    </Routes>
  );
}
