import * as client from 'openid-client';
import { z } from 'zod';
import { ConfigError, type Config } from '../config.js';
import type { Logger } from '../logger.js';
import { groupsFromClaims, parseRoleMap, type RoleMap } from './oidc-roles.js';

/** The single sign-on settings, checked at start. */
export interface OidcSettings {
  issuer: URL;
  clientId: string;
  /** Absent for a public client, which then relies on PKCE alone. */
  clientSecret: string | undefined;
  groupsClaim: string;
  roleMap: RoleMap;
}

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * Reads the OIDC settings from the configuration, or null when single sign-on is off. Throws
 * ConfigError naming the variable, so a bad role map stops the server at start, not at sign-in.
 */
export function oidcSettingsFrom(config: Config): OidcSettings | null {
  const roleMap = parseRoleMap(config.VIGIL_OIDC_ROLE_MAP);
  if (config.VIGIL_OIDC_ISSUER === undefined) return null;
  const issuer = new URL(config.VIGIL_OIDC_ISSUER);
  // Codes and tokens cross this connection; plain HTTP is only acceptable when it never leaves the host.
  if (issuer.protocol !== 'https:' && !LOOPBACK_HOSTS.has(issuer.hostname)) {
    throw new ConfigError('VIGIL_OIDC_ISSUER', 'must be an https:// URL (http:// only for localhost)');
  }
  if (config.VIGIL_OIDC_CLIENT_ID === undefined) {
    throw new ConfigError('VIGIL_OIDC_CLIENT_ID', 'is required when VIGIL_OIDC_ISSUER is set');
  }
  return {
    issuer,
    clientId: config.VIGIL_OIDC_CLIENT_ID,
    clientSecret: config.VIGIL_OIDC_CLIENT_SECRET,
    groupsClaim: config.VIGIL_OIDC_GROUPS_CLAIM,
    roleMap,
  };
}

/** Why a sign-in with the provider failed: the provider is unreachable, refused, or answered badly. */
export type OidcFailure = 'unavailable' | 'denied' | 'invalid';

/** A failure talking to the provider. The message is for logs; users see a code only. */
export class OidcError extends Error {
  constructor(
    readonly reason: OidcFailure,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'OidcError';
  }
}

/** What Vigil learns about the person from the provider, after every check has passed. */
export interface OidcIdentity {
  /** `issuer#sub`: an issuer URL has no fragment, so the pair is unambiguous and unique across providers. */
  subject: string;
  email: string | null;
  emailVerified: boolean;
  name: string | null;
  groups: string[];
}

/** The per-attempt secrets of an authorization request; kept server-side until the callback. */
export interface LoginChecks {
  state: string;
  nonce: string;
  codeVerifier: string;
}

// Seconds for any one request to the provider: a hung provider must not hold a sign-in forever.
const PROVIDER_TIMEOUT_SECONDS = 10;

const emailClaim = z.string().trim().toLowerCase().max(254).pipe(z.email());

function textClaim(value: unknown): string | null {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : null;
}

/** True for errors that mean "could not reach the provider" rather than "the provider said no". */
function isUnreachable(error: unknown): boolean {
  if (error instanceof DOMException) return error.name === 'TimeoutError' || error.name === 'AbortError';
  if (error instanceof client.ClientError) {
    // A 5xx or non-JSON answer from the provider (or a proxy in front of it) is an outage too.
    return error.code === 'OAUTH_RESPONSE_IS_NOT_CONFORM' || error.code === 'OAUTH_RESPONSE_IS_NOT_JSON';
  }
  return error instanceof TypeError;
}

/**
 * The relying party: authorization code flow with PKCE (S256), state and nonce, on openid-client.
 * Discovery runs on first use and is cached; a failed discovery is not cached, so the next
 * sign-in tries again once the provider is back.
 */
export class OidcClient {
  private configuration: Promise<client.Configuration> | null = null;

  constructor(
    readonly settings: OidcSettings,
    private readonly logger: Logger,
  ) {}

  private discover(): Promise<client.Configuration> {
    this.configuration ??= this.loadConfiguration().catch((error: unknown) => {
      this.configuration = null;
      throw error;
    });
    return this.configuration;
  }

  private async loadConfiguration(): Promise<client.Configuration> {
    const { issuer, clientId, clientSecret } = this.settings;
    const insecure = issuer.protocol === 'http:';
    let discovered: client.Configuration;
    try {
      discovered = await client.discovery(issuer, clientId, undefined, undefined, {
        timeout: PROVIDER_TIMEOUT_SECONDS,
        ...(insecure ? { execute: [client.allowInsecureRequests] } : {}),
      });
    } catch (error) {
      throw new OidcError('unavailable', `OIDC discovery at ${issuer.href} failed: ${describe(error)}`, {
        cause: error,
      });
    }
    const server = discovered.serverMetadata();
    // client_secret_basic is the registration default (OIDC Core §9), so prefer it when offered.
    const methods = server.token_endpoint_auth_methods_supported ?? ['client_secret_basic'];
    const auth =
      clientSecret === undefined
        ? client.None()
        : methods.includes('client_secret_basic')
          ? client.ClientSecretBasic(clientSecret)
          : client.ClientSecretPost(clientSecret);
    const configuration = new client.Configuration(server, clientId, clientSecret, auth);
    configuration.timeout = PROVIDER_TIMEOUT_SECONDS;
    if (insecure) client.allowInsecureRequests(configuration);
    this.logger.info({ issuer: server.issuer }, 'OIDC provider discovered');
    return configuration;
  }

  /** The scopes to ask for: standard ones, plus a groups scope when the provider offers one. */
  private scopesFor(configuration: client.Configuration): string {
    const supported = configuration.serverMetadata().scopes_supported;
    if (!supported) return 'openid email profile';
    const wanted = ['openid', 'email', 'profile', 'groups', this.settings.groupsClaim];
    return [...new Set(wanted.filter((scope) => scope === 'openid' || supported.includes(scope)))].join(' ');
  }

  /** Starts a sign-in: fresh state, nonce and PKCE verifier, and the provider URL to send the browser to. */
  async beginLogin(redirectUri: string): Promise<{ url: URL; checks: LoginChecks }> {
    const configuration = await this.discover();
    const checks: LoginChecks = {
      state: client.randomState(),
      nonce: client.randomNonce(),
      codeVerifier: client.randomPKCECodeVerifier(),
    };
    const url = client.buildAuthorizationUrl(configuration, {
      redirect_uri: redirectUri,
      response_type: 'code',
      scope: this.scopesFor(configuration),
      state: checks.state,
      nonce: checks.nonce,
      code_challenge: await client.calculatePKCECodeChallenge(checks.codeVerifier),
      code_challenge_method: 'S256',
    });
    return { url, checks };
  }

  /**
   * Finishes a sign-in: checks the authorization response (state, issuer), redeems the code with
   * the PKCE verifier, validates the ID token (signature, issuer, audience, nonce, expiry) and
   * reads the claims, completed from the UserInfo endpoint: many providers put email and groups
   * only there when an access token is issued.
   */
  async completeLogin(callbackUrl: URL, checks: LoginChecks): Promise<OidcIdentity> {
    const configuration = await this.discover();
    try {
      const tokens = await client.authorizationCodeGrant(configuration, callbackUrl, {
        expectedState: checks.state,
        expectedNonce: checks.nonce,
        pkceCodeVerifier: checks.codeVerifier,
        idTokenExpected: true,
      });
      const idClaims = tokens.claims();
      if (!idClaims) throw new OidcError('invalid', 'the token response has no ID token');
      let claims: Record<string, unknown> = { ...idClaims };
      if (configuration.serverMetadata().userinfo_endpoint !== undefined) {
        const userInfo = await client.fetchUserInfo(configuration, tokens.access_token, idClaims.sub);
        // The ID token is signed; where both carry a claim, it wins.
        claims = { ...userInfo, ...idClaims };
      }
      const email = emailClaim.safeParse(claims.email);
      const name =
        textClaim(claims.name) ??
        textClaim([textClaim(claims.given_name), textClaim(claims.family_name)].filter(Boolean).join(' ')) ??
        textClaim(claims.preferred_username);
      return {
        subject: `${idClaims.iss}#${idClaims.sub}`,
        email: email.success ? email.data : null,
        // Some providers send the string "true"; anything else is unverified.
        emailVerified: claims.email_verified === true || claims.email_verified === 'true',
        name: name?.slice(0, 200) ?? null,
        groups: groupsFromClaims(claims, this.settings.groupsClaim),
      };
    } catch (error) {
      if (error instanceof OidcError) throw error;
      if (error instanceof client.AuthorizationResponseError) {
        throw new OidcError('denied', `the provider refused: ${error.error}`, { cause: error });
      }
      const reason = isUnreachable(error) ? 'unavailable' : 'invalid';
      throw new OidcError(reason, `OIDC sign-in failed: ${describe(error)}`, { cause: error });
    }
  }
}

/** A one-line description of an error for the log, without response bodies (which may hold tokens). */
function describe(error: unknown): string {
  if (error instanceof client.ClientError) return `${error.code ?? 'client error'}: ${error.message}`;
  if (error instanceof Error) {
    const cause = error.cause instanceof Error ? ` (${error.cause.message})` : '';
    return `${error.name}: ${error.message}${cause}`;
  }
  return String(error);
}
