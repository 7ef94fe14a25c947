import { useQuery, useQueryClient, type QueryClient } from '@tanstack/react-query';
import { createContext, useCallback, useContext, useMemo, type ReactNode } from 'react';
import type { Permission } from '../../contracts/access.js';
import { okSchema } from '../../contracts/common.js';
import { meResponse, setupStatus, type Me } from '../../contracts/identity.js';
import { ApiError, apiGet, apiSend, setCsrfToken } from './api.js';

export const meKey = ['session', 'me'] as const;
export const setupKey = ['session', 'setup'] as const;

/** The signed-in user, or null when there is no session (401). Other failures are errors. */
export function useMeQuery() {
  return useQuery({
    queryKey: meKey,
    queryFn: async (): Promise<Me | null> => {
      try {
        const me = await apiGet('/api/v1/me', meResponse);
        setCsrfToken(me.csrfToken);
        return me;
      } catch (error) {
        if (error instanceof ApiError && error.status === 401) {
          setCsrfToken(null);
          return null;
        }
        throw error;
      }
    },
    staleTime: 60_000,
    retry: false,
  });
}

/** Whether first-run setup is pending and whether single sign-on is configured. */
export function useSetupStatus() {
  return useQuery({
    queryKey: setupKey,
    queryFn: () => apiGet('/api/v1/setup', setupStatus),
    staleTime: 5 * 60_000,
  });
}

// Set when the user signs out, cleared at the next sign-in. The sign-in page that follows a sign-out
// carries no `?next=`: the next person at the screen starts from home, not from the page the last
// one left (a session that expired keeps it, to come back to the same page).
let signedOut = false;

/** Whether the session ended because the user signed out (not because it expired). */
export function endedBySignOut(): boolean {
  return signedOut;
}

/** Makes a sign-in answer the session: remembers its CSRF token and drops any previous user's data. */
export function startSession(queryClient: QueryClient, me: Me): void {
  signedOut = false;
  setCsrfToken(me.csrfToken);
  forgetUserData(queryClient);
  queryClient.setQueryData(meKey, me);
}

/** Ends the session in the browser: no token and nothing of the user's data stays in memory. */
export function endSession(queryClient: QueryClient): void {
  setCsrfToken(null);
  forgetUserData(queryClient);
  queryClient.setQueryData(meKey, null);
}

function forgetUserData(queryClient: QueryClient): void {
  queryClient.removeQueries({ predicate: (query) => query.queryKey[0] !== 'session' });
}

interface Session {
  me: Me;
  can: (permission: Permission) => boolean;
  signOut: () => Promise<void>;
}

const SessionContext = createContext<Session | null>(null);

/** Provides the signed-in user to the pages of the shell. */
export function SessionProvider({ me, children }: { me: Me; children: ReactNode }) {
  const queryClient = useQueryClient();
  const can = useCallback((permission: Permission) => me.permissions.includes(permission), [me]);
  const signOut = useCallback(async () => {
    try {
      await apiSend('POST', '/api/v1/auth/logout', okSchema);
    } finally {
      // Even when the server call fails (session already gone), the browser forgets the user.
      signedOut = true;
      endSession(queryClient);
    }
  }, [queryClient]);
  const value = useMemo(() => ({ me, can, signOut }), [me, can, signOut]);
  return <SessionContext value={value}>{children}</SessionContext>;
}

/** The session of the signed-in user; only inside the shell. */
export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession is used outside the signed-in shell');
  return session;
}
