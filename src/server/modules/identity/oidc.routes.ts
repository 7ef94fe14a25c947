import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { ssoErrorCodes, type SsoErrorCode } from '../../../contracts/identity.js';
import {
  OidcClient,
  OidcError,
  oidcSettingsFrom,
  type OidcFailure,
  type OidcIdentity,
} from '../../platform/auth/oidc.js';
import { safeEqual } from '../../platform/auth/secrets.js';
import type { AppContext } from '../../platform/context.js';
import { AppError } from '../../platform/errors.js';
import type { ZodApp } from '../../platform/http/app.js';
import { rememberOidcLogin, signInWithOidc, takeOidcLogin } from './oidc.service.js';
import { setSessionCookie } from './routes.js';

const CALLBACK_PATH = '/api/v1/auth/oidc/callback';
const BINDING_COOKIE = 'vigil_oidc';
const BINDING_COOKIE_PATH = '/api/v1/auth/oidc/';
const ORIGIN_PROBE = 'http://vigil.invalid';

/** True for a path on this site ("/incidents?x=1"), false for anything that could leave it. */
function isLocalPath(value: string): boolean {
  if (!value.startsWith('/') || value.startsWith('//') || value.includes('\\')) return false;
  // Control characters (tabs, newlines) are stripped by browsers and can turn "/\t/evil" into "//evil".
  for (const char of value) {
    const code = char.charCodeAt(0);
    if (code < 0x20 || code === 0x7f) return false;
  }
  return new URL(value, ORIGIN_PROBE).origin === ORIGIN_PROBE;
}

const loginQuery = z.object({
  returnTo: z
    .string()
    .max(2000)
    .refine(isLocalPath, 'must be a path on this site, such as /incidents')
    .optional()
    .describe('Where to go after signing in: a path on this site (default /).'),
});

/**
 * The callback address registered at the provider: from VIGIL_PUBLIC_URL, or else from the
 * request's own host (a forged Host header only yields an address the provider will not accept).
 */
function redirectUriFor(ctx: AppContext, request: FastifyRequest): string {
  const base = ctx.config.VIGIL_PUBLIC_URL ?? `${request.protocol}://${request.host}`;
  return `${base.replace(/\/+$/, '')}${CALLBACK_PATH}`;
}

function loginErrorRedirect(reply: FastifyReply, code: SsoErrorCode): FastifyReply {
  void reply.clearCookie(BINDING_COOKIE, { path: BINDING_COOKIE_PATH });
  return reply.redirect(`/login?error=${code}`, 302);
}

/** Finishes a sign-in at the callback: state and browser binding, code exchange, account, session. */
async function completeSignIn(
  ctx: AppContext,
  request: FastifyRequest,
  reply: FastifyReply,
  oidc: OidcClient,
): Promise<FastifyReply> {
  // The parameters are read raw: openid-client validates the authorization response itself.
  const params = new URL(request.url, ORIGIN_PROBE).searchParams;
  const state = params.get('state');
  const bound = request.cookies[BINDING_COOKIE];
  if (!state || state.length > 200 || !bound || !safeEqual(bound, state)) {
    return loginErrorRedirect(reply, 'sso_state');
  }
  const attempt = await takeOidcLogin(ctx, state);
  if (!attempt) return loginErrorRedirect(reply, 'sso_state');

  const callbackUrl = new URL(attempt.redirectUri);
  callbackUrl.search = params.toString();
  let identity: OidcIdentity;
  try {
    identity = await oidc.completeLogin(callbackUrl, attempt);
  } catch (error) {
    if (!(error instanceof OidcError)) throw error;
    request.log.warn({ reason: error.reason, detail: error.message }, 'OIDC sign-in failed');
    return loginErrorRedirect(reply, failureCodes[error.reason]);
  }

  const result = await signInWithOidc(ctx, {
    identity,
    roleMap: oidc.settings.roleMap,
    issuerLabel: oidc.settings.issuer.host,
    ip: request.ip,
    userAgent: request.headers['user-agent'] ?? null,
    requestId: request.id,
  });
  if (!result.ok) return loginErrorRedirect(reply, result.code);
  void reply.clearCookie(BINDING_COOKIE, { path: BINDING_COOKIE_PATH });
  setSessionCookie(ctx, reply, result.sessionId);
  return reply.redirect(attempt.returnTo, 302);
}

const failureCodes: Record<OidcFailure, SsoErrorCode> = {
  unavailable: 'sso_unavailable',
  denied: 'sso_denied',
  invalid: 'sso_failed',
};

/** Registers `GET /api/v1/auth/oidc/login` and `/callback`; throws ConfigError on bad OIDC settings. */
export function registerOidcRoutes(app: ZodApp, ctx: AppContext): void {
  const settings = oidcSettingsFrom(ctx.config);
  const oidc = settings ? new OidcClient(settings, ctx.logger) : null;
  const secureCookie = ctx.config.VIGIL_PUBLIC_URL?.startsWith('https:') ?? false;
  const tags = ['auth'];

  app.get(
    '/api/v1/auth/oidc/login',
    {
      config: { access: 'public' },
      schema: {
        tags,
        summary: 'Sign in with the single sign-on provider (redirects to it)',
        description:
          'Answers 302 to the provider with a fresh state, nonce and PKCE challenge. 404 when single sign-on is not configured, 503 when the provider cannot be reached.',
        querystring: loginQuery,
      },
    },
    async (request, reply) => {
      if (!oidc) throw new AppError('not_found', 'Single sign-on is not configured.');
      const redirectUri = redirectUriFor(ctx, request);
      let started: Awaited<ReturnType<OidcClient['beginLogin']>>;
      try {
        started = await oidc.beginLogin(redirectUri);
      } catch (error) {
        if (!(error instanceof OidcError)) throw error;
        request.log.warn({ reason: error.reason, detail: error.message }, 'OIDC provider unavailable');
        throw new AppError(
          'unavailable',
          'The single sign-on provider cannot be reached right now; try again later or sign in with a password.',
        );
      }
      await rememberOidcLogin(ctx, started.checks, {
        redirectUri,
        returnTo: request.query.returnTo ?? '/',
      });
      // Binds the attempt to this browser: a callback carrying someone else's state (login CSRF,
      // where an attacker signs the victim into the attacker's account) finds no matching cookie.
      // Lax, because the provider brings the browser back with a cross-site top-level navigation.
      void reply.setCookie(BINDING_COOKIE, started.checks.state, {
        httpOnly: true,
        sameSite: 'lax',
        secure: secureCookie,
        path: BINDING_COOKIE_PATH,
        maxAge: 600,
      });
      return reply.redirect(started.url.href, 302);
    },
  );

  app.get(
    CALLBACK_PATH,
    {
      config: { access: 'public' },
      schema: {
        tags,
        summary: 'Where the single sign-on provider sends the browser back',
        description:
          'Completes the sign-in and answers 302 to the page asked for, with the session cookie set. ' +
          `Any failure answers 302 to /login?error=<code>, the code one of: ${ssoErrorCodes.join(', ')}.`,
      },
    },
    async (request, reply) => {
      if (!oidc) return loginErrorRedirect(reply, 'sso_not_configured');
      try {
        return await completeSignIn(ctx, request, reply, oidc);
      } catch (error) {
        // Whatever went wrong, the browser lands on the sign-in page with a code, never on an error body.
        request.log.error({ err: error }, 'OIDC callback failed');
        return loginErrorRedirect(reply, 'sso_failed');
      }
    },
  );
}
