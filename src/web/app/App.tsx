import { MantineProvider } from '@mantine/core';
import { Notifications } from '@mantine/notifications';
import { MutationCache, QueryCache, QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { lazy, Suspense, type ReactNode } from 'react';
import { BrowserRouter, Navigate, Route, Routes, useLocation } from 'react-router';
import type { Permission } from '../../contracts/access.js';
import { ApiError } from './api.js';
import { LoadError, PageLoader } from './components.js';
import {
  endedBySignOut,
  endSession,
  meKey,
  SessionProvider,
  useMeQuery,
  useSession,
  useSetupStatus,
} from './session.js';
import { Shell } from './Shell.js';
import { theme } from './theme.js';

const LoginPage = lazy(() => import('../modules/identity/LoginPage.js'));
const SetupPage = lazy(() => import('../modules/identity/SetupPage.js'));
const HomePage = lazy(() => import('../modules/home/HomePage.js'));
const UsersPage = lazy(() => import('../modules/identity/UsersPage.js'));
const AccountPage = lazy(() => import('../modules/identity/AccountPage.js'));
const SitesPage = lazy(() => import('../modules/sites/SitesPage.js'));
const PeoplePage = lazy(() => import('../modules/people/PeoplePage.js'));
const AuditPage = lazy(() => import('../modules/audit/AuditPage.js'));
const RiskRoutes = lazy(() => import('../modules/risk/RiskRoutes.js'));
const NotificationsPage = lazy(() => import('../modules/notifications/NotificationsPage.js'));
const JobsPage = lazy(() => import('../modules/admin/JobsPage.js'));
const WebhooksPage = lazy(() => import('../modules/admin/WebhooksPage.js'));
const AlarmDeskPage = lazy(() => import('../modules/monitoring/AlarmDeskPage.js'));
const DevicesPage = lazy(() => import('../modules/monitoring/DevicesPage.js'));
const SiteHealthPage = lazy(() => import('../modules/monitoring/SiteHealthPage.js'));
const MonitoringConfigRoutes = lazy(() => import('../modules/monitoring/MonitoringConfigRoutes.js'));
const IncidentRoutes = lazy(() => import('../modules/incidents/IncidentRoutes.js'));
const ConcernPage = lazy(() => import('../modules/incidents/concern/ConcernPage.js'));
const FollowUpPage = lazy(() => import('../modules/incidents/concern/FollowUpPage.js'));
const NotFoundPage = lazy(() => import('./NotFoundPage.js'));

function isSessionGone(error: unknown): boolean {
  return error instanceof ApiError && error.status === 401;
}

/** One client per tab; any 401 after sign-in means the session ended (expired, revoked, signed out elsewhere). */
export function makeQueryClient(): QueryClient {
  const client: QueryClient = new QueryClient({
    queryCache: new QueryCache({
      onError: (error, query) => {
        if (isSessionGone(error) && query.queryKey[0] !== 'session') endSession(client);
      },
    }),
    mutationCache: new MutationCache({
      onError: (error) => {
        if (isSessionGone(error) && client.getQueryData(meKey)) endSession(client);
      },
    }),
    defaultOptions: {
      queries: {
        retry: (failures, error) => !(error instanceof ApiError && error.status < 500) && failures < 2,
        refetchOnWindowFocus: true,
      },
    },
  });
  return client;
}

/** Pages that need a session: without one, go to sign-in (or to first-run setup on a fresh installation). */
function RequireSession({ children }: { children: ReactNode }) {
  const me = useMeQuery();
  const setup = useSetupStatus();
  const location = useLocation();
  if (me.isPending) return <PageLoader label="Checking your session…" />;
  if (me.isError) return <LoadError error={me.error} onRetry={() => void me.refetch()} />;
  if (!me.data) {
    if (setup.data?.needsSetup) return <Navigate to="/setup" replace />;
    const next =
      location.pathname === '/' || endedBySignOut()
        ? ''
        : `?next=${encodeURIComponent(location.pathname + location.search)}`;
    return <Navigate to={`/login${next}`} replace />;
  }
  return <SessionProvider me={me.data}>{children}</SessionProvider>;
}

/** A page that needs a permission; without it the page says so instead of failing on every call. */
function RequirePermission({ permission, children }: { permission: Permission; children: ReactNode }) {
  const { can } = useSession();
  if (!can(permission)) return <NotFoundPage reason="You do not have access to this page." />;
  return children;
}

function AppRoutes() {
  return (
    <Suspense fallback={<PageLoader />}>
      <Routes>
        <Route path="/login" element={<LoginPage />} />
        <Route path="/setup" element={<SetupPage />} />
        {/* Public: any employee reports a concern, signed in or not, and follows it up with a code. */}
        <Route path="/report" element={<ConcernPage />} />
        <Route path="/report/follow-up" element={<FollowUpPage />} />
        <Route
          element={
            <RequireSession>
              <Shell />
            </RequireSession>
          }
        >
          <Route index element={<HomePage />} />
          <Route
            path="people"
            element={
              <RequirePermission permission="people:read">
                <PeoplePage />
              </RequirePermission>
            }
          />
          <Route
            path="risk/*"
            element={
              <RequirePermission permission="risk:read">
                <RiskRoutes />
              </RequirePermission>
            }
          />
          <Route
            path="incidents/*"
            element={
              <RequirePermission permission="incidents:read">
                <IncidentRoutes />
              </RequirePermission>
            }
          />
          <Route
            path="sites"
            element={
              <RequirePermission permission="sites:read">
                <SitesPage />
              </RequirePermission>
            }
          />
          <Route
            path="users"
            element={
              <RequirePermission permission="users:read">
                <UsersPage />
              </RequirePermission>
            }
          />
          <Route
            path="audit"
            element={
              <RequirePermission permission="audit:read">
                <AuditPage />
              </RequirePermission>
            }
          />
          <Route
            path="alarms"
            element={
              <RequirePermission permission="alarms:read">
                <AlarmDeskPage />
              </RequirePermission>
            }
          />
          <Route
            path="devices"
            element={
              <RequirePermission permission="devices:read">
                <DevicesPage />
              </RequirePermission>
            }
          />
          <Route
            path="monitoring/health"
            element={
              <RequirePermission permission="devices:read">
                <SiteHealthPage />
              </RequirePermission>
            }
          />
          <Route
            path="monitoring/*"
            element={
              <RequirePermission permission="alarms:read">
                <MonitoringConfigRoutes />
              </RequirePermission>
            }
          />
          <Route path="notifications" element={<NotificationsPage />} />
          <Route
            path="admin/jobs"
            element={
              <RequirePermission permission="jobs:manage">
                <JobsPage />
              </RequirePermission>
            }
          />
          <Route
            path="admin/webhooks"
            element={
              <RequirePermission permission="webhooks:manage">
                <WebhooksPage />
              </RequirePermission>
            }
          />
          <Route path="account" element={<AccountPage />} />
          <Route path="*" element={<NotFoundPage />} />
        </Route>
      </Routes>
    </Suspense>
  );
}

/** The whole web app: theme, notifications, data cache, routes. */
export function App({ queryClient }: { queryClient: QueryClient }) {
  return (
    <MantineProvider theme={theme} defaultColorScheme="light">
      <Notifications position="bottom-right" />
      <QueryClientProvider client={queryClient}>
        <BrowserRouter>
          <AppRoutes />
        </BrowserRouter>
      </QueryClientProvider>
    </MantineProvider>
  );
}
