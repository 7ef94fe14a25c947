import type { FastifyReply, FastifyRequest } from 'fastify';
import { actorOf, type Principal } from '../access/principal.js';
import type { AuditContext } from '../audit/chain.js';
import { principalForSession } from '../auth/sessions.js';
import { principalForToken } from '../auth/tokens.js';
import { safeEqual } from '../auth/secrets.js';
import type { AppContext } from '../context.js';
import { AppError } from '../errors.js';

export const SESSION_COOKIE = 'vigil_session';
export const CSRF_HEADER = 'x-csrf-token';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Resolves the caller (bearer token or session cookie) and enforces the route's declared access
 * before the body is parsed: an anonymous caller learns nothing from validation errors, and a
 * caller without the permission gets 403 whatever the input. Routes that declare no access are
 * denied (they also fail at start-up).
 */
export async function authenticate(
  ctx: AppContext,
  request: FastifyRequest,
  _reply: FastifyReply,
): Promise<void> {
  const access = request.routeOptions.config.access;
  const principal = await resolvePrincipal(ctx, request);
  request.principal = principal;
  if (access === undefined) {
    // Not an API route (web assets, health): nothing to enforce. API routes without access cannot exist.
    if (request.url.startsWith('/api/') && request.routeOptions.url !== undefined) {
      throw new AppError('forbidden', 'This route is not available.');
    }
    return;
  }
  if (access === 'public') return;
  if (!principal) throw new AppError('unauthenticated', 'Sign in to continue.');
  if (principal.sessionIdHash && !SAFE_METHODS.has(request.method)) checkCsrf(request, principal);
  if (access === 'authenticated') return;
  if (!principal.permissions.has(access))
    throw new AppError('forbidden', 'You do not have permission to do this.');
}

async function resolvePrincipal(ctx: AppContext, request: FastifyRequest): Promise<Principal | null> {
  const authorization = request.headers.authorization;
  if (authorization !== undefined) {
    const match = /^Bearer\s+(\S+)$/i.exec(authorization);
    const principal = match?.[1] ? await principalForToken(ctx.database.db, match[1]) : null;
    // A wrong or expired token is an error even on public routes: the client meant to authenticate.
    if (!principal)
      throw new AppError('unauthenticated', 'The API token is missing, invalid, expired or revoked.');
    return principal;
  }
  const raw = request.cookies[SESSION_COOKIE];
  if (!raw || raw.length > 100) return null;
  return principalForSession(ctx.database.db, ctx.sessionPolicy, raw);
}

/**
 * Cookie-authenticated mutations must carry the session's CSRF token in a header. A cross-site
 * form cannot set headers, and SameSite=Strict cookies are the second line of defence.
 */
function checkCsrf(request: FastifyRequest, principal: Principal): void {
  const sent = request.headers[CSRF_HEADER];
  if (typeof sent !== 'string' || !principal.csrfToken || !safeEqual(sent, principal.csrfToken)) {
    throw new AppError(
      'csrf_failed',
      'The request is missing its CSRF token; reload the page and try again.',
    );
  }
}

/** The principal of an authenticated route (the access hook guarantees there is one). */
export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw new AppError('unauthenticated', 'Sign in to continue.');
  return request.principal;
}

/** The audit context of a request: who acts, and the request id that ties log lines to the entry. */
export function auditContextOf(request: FastifyRequest): AuditContext {
  return { actor: actorOf(request.principal), requestId: request.id };
}
