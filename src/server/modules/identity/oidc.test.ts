import { createHash, generateKeyPairSync } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider, { type ClientMetadata } from 'oidc-provider';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashSecret } from '../../platform/auth/secrets.js';
import { call, dialects, makeUser, sessionFor, startTestServer, type TestEnv } from '../../test/harness.js';

/*
 * End to end against a real OpenID provider (the oidc-provider package) on 127.0.0.1, with Vigil
 * listening on its own port: a "browser" made of fetch and a cookie jar follows every redirect and
 * submits the provider's own sign-in and consent forms. Nothing on either side is mocked.
 */

interface IdpAccount {
  email: string;
  emailVerified: boolean;
  name: string;
  groups: string[];
}

/** A real OIDC provider. It listens first; it is configured once the client redirect URIs are known. */
class TestIdp {
  readonly accounts = new Map<string, IdpAccount>();
  /** While true, the provider's address answers 502, as a provider behind a proxy does while it is down. */
  down = false;
  private handler: http.RequestListener | null = null;

  private constructor(
    private readonly server: http.Server,
    readonly issuer: string,
  ) {}

  static async start(): Promise<TestIdp> {
    let idp: TestIdp | null = null;
    const server = http.createServer((request, response) => {
      if (idp?.handler && !idp.down) {
        idp.handler(request, response);
        return;
      }
      response.writeHead(502, { 'content-type': 'text/plain' }).end('bad gateway');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    idp = new TestIdp(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    return idp;
  }

  configure(clients: ClientMetadata[]): void {
    const key = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' });
    const provider = new Provider(this.issuer, {
      clients,
      // Every authorization request must carry a PKCE challenge, confidential clients included.
      pkce: { required: () => true },
      claims: { email: ['email', 'email_verified'], profile: ['name'], groups: ['groups'] },
      cookies: { keys: ['test-cookie-signing-key-0123456789'] },
      ttl: { Interaction: 600, Session: 3600, Grant: 3600, AccessToken: 600, IdToken: 600 },
      jwks: { keys: [{ ...key, kid: 'test', alg: 'RS256', use: 'sig' }] },
      findAccount: (_ctx, id) => {
        const account = this.accounts.get(id);
        if (!account) return undefined;
        return {
          accountId: id,
          claims: () => ({
            sub: id,
            email: account.email,
            email_verified: account.emailVerified,
            name: account.name,
            groups: account.groups,
          }),
        };
      },
    });
    const callback = provider.callback();
    this.handler = (request, response) => void callback(request, response);
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

/** A cookie jar per origin and manual redirects: enough of a browser for the code flow. */
class Browser {
  constructor(readonly jar = new Map<string, Map<string, string>>()) {}

  clone(): Browser {
    return new Browser(new Map([...this.jar].map(([origin, cookies]) => [origin, new Map(cookies)])));
  }

  cookie(origin: string, name: string): string | undefined {
    return this.jar.get(origin)?.get(name);
  }

  setCookie(origin: string, name: string, value: string): void {
    const cookies = this.jar.get(origin) ?? new Map<string, string>();
    cookies.set(name, value);
    this.jar.set(origin, cookies);
  }

  async request(url: URL, init: { method?: string; form?: Record<string, string> } = {}): Promise<Response> {
    const cookies = this.jar.get(url.origin) ?? new Map<string, string>();
    const headers: Record<string, string> = {
      cookie: [...cookies].map(([name, value]) => `${name}=${value}`).join('; '),
    };
    if (init.form) headers['content-type'] = 'application/x-www-form-urlencoded';
    const response = await fetch(url, {
      method: init.method ?? 'GET',
      headers,
      redirect: 'manual',
      ...(init.form ? { body: new URLSearchParams(init.form).toString() } : {}),
    });
    for (const line of response.headers.getSetCookie()) {
      const [pair = '', ...attributes] = line.split(';');
      const split = pair.indexOf('=');
      const name = pair.slice(0, split).trim();
      const value = pair.slice(split + 1).trim();
      const expired = attributes.some((attribute) => {
        const [key = '', val = ''] = attribute.trim().split('=');
        if (key.toLowerCase() === 'max-age') return Number(val) <= 0;
        if (key.toLowerCase() === 'expires') return Date.parse(val) <= Date.now();
        return false;
      });
      if (expired || value === '') cookies.delete(name);
      else cookies.set(name, value);
    }
    this.jar.set(url.origin, cookies);
    return response;
  }
}

const location = (response: Response, base: URL) => new URL(response.headers.get('location') ?? '', base);

/** Submits the HTML form of a provider page (sign-in or consent) as a person would. */
function formOf(html: string, page: URL, login: string): { action: URL; fields: Record<string, string> } {
  const action = /<form[^>]*action="([^"]+)"/.exec(html)?.[1];
  if (!action) throw new Error(`no form on ${page.href}: ${html.slice(0, 300)}`);
  const fields: Record<string, string> = {};
  for (const [input] of html.matchAll(/<input[^>]*>/g)) {
    const name = /name="([^"]+)"/.exec(input)?.[1];
    if (name) fields[name] = /value="([^"]*)"/.exec(input)?.[1] ?? '';
  }
  if ('login' in fields) Object.assign(fields, { login, password: 'any password' });
  return { action: new URL(action.replaceAll('&amp;', '&'), page), fields };
}

interface Flow {
  /** The authorization request Vigil sent the browser to. */
  authorizationUrl: URL;
  /** The callback URL the provider sent the browser back to. */
  callbackUrl: URL;
}

/**
 * Runs the browser from Vigil's login route through the provider (forms included) up to the moment
 * the provider sends it back to Vigil's callback, which is not followed yet.
 */
async function toCallback(browser: Browser, vigil: URL, login: string, returnTo?: string): Promise<Flow> {
  const start = new URL('/api/v1/auth/oidc/login', vigil);
  if (returnTo !== undefined) start.searchParams.set('returnTo', returnTo);
  const first = await browser.request(start);
  expect(first.status).toBe(302);
  const authorizationUrl = location(first, start);
  let url = authorizationUrl;
  let response = await browser.request(url);
  for (let hop = 0; hop < 20; hop++) {
    if (response.status >= 300 && response.status < 400) {
      url = location(response, url);
      if (url.origin === vigil.origin) return { authorizationUrl, callbackUrl: url };
      response = await browser.request(url);
    } else if (response.status === 200) {
      const { action, fields } = formOf(await response.text(), url, login);
      url = action;
      response = await browser.request(action, { method: 'POST', form: fields });
    } else {
      throw new Error(`unexpected ${response.status} at ${url.href}: ${await response.text()}`);
    }
  }
  throw new Error('too many redirects');
}

/** Follows the callback; answers where Vigil sent the browser (a path on Vigil). */
async function finish(browser: Browser, callbackUrl: URL): Promise<string> {
  const response = await browser.request(callbackUrl);
  expect(response.status).toBe(302);
  const target = response.headers.get('location') ?? '';
  expect(target.startsWith('/')).toBe(true);
  return target;
}

async function signIn(browser: Browser, vigil: URL, login: string, returnTo?: string): Promise<string> {
  const { callbackUrl } = await toCallback(browser, vigil, login, returnTo);
  return finish(browser, callbackUrl);
}

async function me(browser: Browser, vigil: URL) {
  const response = await browser.request(new URL('/api/v1/me', vigil));
  return { status: response.status, json: response.status === 200 ? await response.json() : null };
}

async function listen(t: TestEnv): Promise<URL> {
  await t.server.app.listen({ port: 0, host: '127.0.0.1' });
  return new URL(`http://127.0.0.1:${(t.server.app.server.address() as AddressInfo).port}`);
}

const CLIENT_SECRET = 'a-long-client-secret-for-the-test-provider';
const callbackOf = (vigil: URL) => new URL('/api/v1/auth/oidc/callback', vigil).href;

describe.each(dialects)('OIDC single sign-on against a real provider (%s)', (dialect) => {
  let idp: TestIdp;
  let t: TestEnv; // confidential client (client secret + PKCE)
  let tPublic: TestEnv; // public client (PKCE only)
  let vigil: URL;
  let vigilPublic: URL;

  beforeAll(async () => {
    idp = await TestIdp.start();
    t = await startTestServer(dialect, {
      VIGIL_OIDC_ISSUER: idp.issuer,
      VIGIL_OIDC_CLIENT_ID: 'vigil',
      VIGIL_OIDC_CLIENT_SECRET: CLIENT_SECRET,
      VIGIL_OIDC_ROLE_MAP: 'security-admins=admin,soc=operator,guards=officer',
    });
    tPublic = await startTestServer(dialect, {
      VIGIL_OIDC_ISSUER: idp.issuer,
      VIGIL_OIDC_CLIENT_ID: 'vigil-public',
      VIGIL_OIDC_ROLE_MAP: 'security-admins=admin,soc=operator',
    });
    vigil = await listen(t);
    vigilPublic = await listen(tPublic);
    idp.configure([
      {
        client_id: 'vigil',
        client_secret: CLIENT_SECRET,
        redirect_uris: [callbackOf(vigil)],
        token_endpoint_auth_method: 'client_secret_basic',
      },
      {
        client_id: 'vigil-public',
        redirect_uris: [callbackOf(vigilPublic)],
        token_endpoint_auth_method: 'none',
      },
    ]);
  });
  afterAll(async () => {
    await t.close();
    await tPublic.close();
    await idp.close();
  });

  const account = (login: string, groups: string[], overrides: Partial<IdpAccount> = {}) => {
    const value = {
      email: `${login}@corp.example.test`,
      emailVerified: true,
      name: `${login[0]?.toUpperCase()}${login.slice(1)} Example`,
      groups,
      ...overrides,
    };
    idp.accounts.set(login, value);
    return value;
  };

  const auditOf = (env: TestEnv, action: string, entityId: string | null) =>
    env.server.ctx.database.db
      .selectFrom('audit_log')
      .selectAll()
      .where('action', '=', action)
      .$if(entityId !== null, (qb) => qb.where('entity_id', '=', entityId ?? ''))
      .orderBy('seq')
      .execute();

  it('answers 503 problem+json while the provider is down, and recovers without a restart', async () => {
    // Runs first, so tPublic has not discovered the provider yet.
    idp.down = true;
    const down = await call(tPublic, 'GET', '/api/v1/auth/oidc/login');
    idp.down = false;
    expect(down.status).toBe(503);
    expect(down.headers['content-type']).toContain('application/problem+json');
    expect(down.json.code).toBe('unavailable');
    expect(down.body).not.toMatch(/at .*\.ts:\d+/);
    // A failed discovery is not cached: the next attempt reaches the provider.
    const up = await call(tPublic, 'GET', '/api/v1/auth/oidc/login');
    expect(up.status).toBe(302);
    expect(up.headers.location).toMatch(new RegExp(`^${idp.issuer}/auth\\?`));
  });

  it('provisions a new user just in time with the highest mapped role and opens an oidc session', async () => {
    account('alice', ['guards', 'soc', 'marketing']);
    const browser = new Browser();
    const flow = await toCallback(browser, vigil, 'alice', '/incidents?tab=open');

    const params = flow.authorizationUrl.searchParams;
    expect(params.get('response_type')).toBe('code');
    expect(params.get('code_challenge_method')).toBe('S256');
    expect(params.get('scope')?.split(' ')).toEqual(expect.arrayContaining(['openid', 'email', 'groups']));
    // Only a hash of the state is stored, next to the verifier whose S256 hash was sent as challenge.
    const state = params.get('state') ?? '';
    const stored = await t.server.ctx.database.db
      .selectFrom('oidc_logins')
      .selectAll()
      .where('state_hash', '=', hashSecret(state))
      .executeTakeFirstOrThrow();
    expect(createHash('sha256').update(stored.code_verifier).digest('base64url')).toBe(
      params.get('code_challenge'),
    );
    expect(stored.nonce).toBe(params.get('nonce'));
    expect(stored.return_to).toBe('/incidents?tab=open');

    expect(await finish(browser, flow.callbackUrl)).toBe('/incidents?tab=open');
    const session = await me(browser, vigil);
    expect(session.status).toBe(200);
    expect(session.json).toMatchObject({
      email: 'alice@corp.example.test',
      name: 'Alice Example',
      role: 'operator',
      authMethod: 'oidc',
    });
    // The attempt was used up.
    expect(
      await t.server.ctx.database.db
        .selectFrom('oidc_logins')
        .select('state_hash')
        .where('state_hash', '=', hashSecret(state))
        .execute(),
    ).toHaveLength(0);

    const admin = await sessionFor(t, await makeUser(t, 'admin'));
    const user = await call(t, 'GET', `/api/v1/users/${session.json.id}`, { as: admin });
    expect(user.json).toMatchObject({ role: 'operator', sso: true, status: 'active' });
    const row = await t.server.ctx.database.db
      .selectFrom('users')
      .selectAll()
      .where('id', '=', session.json.id)
      .executeTakeFirstOrThrow();
    expect(row.password_hash).toBeNull();
    expect(row.oidc_subject).toBe(`${idp.issuer}#alice`);

    const [created] = await auditOf(t, 'user.created', session.json.id);
    expect(created?.actor_type).toBe('system');
    expect(JSON.parse(created?.changes ?? '{}')).toMatchObject({ role: 'operator', via: 'oidc' });
    const [login] = await auditOf(t, 'auth.login', session.json.id);
    expect(login?.actor_id).toBe(session.json.id);
    expect(JSON.parse(login?.changes ?? '{}')).toMatchObject({ method: 'oidc' });
  });

  it('follows group changes at the next sign-in and ends the sessions of the old role', async () => {
    account('bruno', ['guards']);
    const browser = new Browser();
    expect(await signIn(browser, vigil, 'bruno')).toBe('/');
    const first = await me(browser, vigil);
    expect(first.json.role).toBe('officer');
    const oldSession = browser.clone();

    account('bruno', ['security-admins', 'guards']);
    // Same browser: the provider remembers the person and the consent, so no form is shown.
    expect(await signIn(browser, vigil, 'bruno')).toBe('/');
    const second = await me(browser, vigil);
    expect(second.json).toMatchObject({ id: first.json.id, role: 'admin', authMethod: 'oidc' });
    expect((await me(oldSession, vigil)).status).toBe(401);

    account('bruno', ['soc']);
    expect(await signIn(browser, vigil, 'bruno')).toBe('/');
    expect((await me(browser, vigil)).json.role).toBe('operator');

    const updates = await auditOf(t, 'user.updated', first.json.id);
    expect(updates.map((entry) => JSON.parse(entry.changes).role)).toEqual([
      ['officer', 'admin'],
      ['admin', 'operator'],
    ]);
    expect(JSON.parse(updates[0]?.changes ?? '{}').sessionsEnded).toBe(1);
  });

  it('refuses a person none of whose groups is mapped, and creates nobody', async () => {
    account('carla', ['marketing', 'everyone']);
    const browser = new Browser();
    expect(await signIn(browser, vigil, 'carla')).toBe('/login?error=sso_no_role');
    expect((await me(browser, vigil)).status).toBe(401);
    const users = await t.server.ctx.database.db
      .selectFrom('users')
      .select('id')
      .where('email', '=', 'carla@corp.example.test')
      .execute();
    expect(users).toHaveLength(0);
    const refusals = await auditOf(t, 'auth.login_failed', null);
    expect(refusals.map((entry) => JSON.parse(entry.changes))).toContainEqual(
      expect.objectContaining({ method: 'oidc', reason: 'sso_no_role', subject: `${idp.issuer}#carla` }),
    );
  });

  it('links an existing user by verified email, who keeps their role without mapped groups', async () => {
    const existing = await makeUser(t, 'investigator', [], { email: 'dora@corp.example.test' });
    account('dora', []);
    const browser = new Browser();
    expect(await signIn(browser, vigil, 'dora')).toBe('/');
    expect((await me(browser, vigil)).json).toMatchObject({
      id: existing.id,
      role: 'investigator',
      authMethod: 'oidc',
    });
    const [linked] = await auditOf(t, 'user.updated', existing.id);
    expect(JSON.parse(linked?.changes ?? '{}')).toEqual({ sso: [false, true] });
    const admin = await sessionFor(t, await makeUser(t, 'admin'));
    expect((await call(t, 'GET', `/api/v1/users/${existing.id}`, { as: admin })).json.sso).toBe(true);
  });

  it('never links or provisions on an unverified email', async () => {
    await makeUser(t, 'manager', [], { email: 'eve@corp.example.test' });
    account('eve-impostor', ['security-admins'], { email: 'eve@corp.example.test', emailVerified: false });
    const browser = new Browser();
    expect(await signIn(browser, vigil, 'eve-impostor')).toBe('/login?error=sso_email_unverified');
    expect((await me(browser, vigil)).status).toBe(401);
  });

  it('refuses a disabled user', async () => {
    account('femi', ['soc']);
    const browser = new Browser();
    expect(await signIn(browser, vigil, 'femi')).toBe('/');
    const { json: femi } = await me(browser, vigil);
    const admin = await sessionFor(t, await makeUser(t, 'admin'));
    const current = await call(t, 'GET', `/api/v1/users/${femi.id}`, { as: admin });
    const disabled = await call(t, 'PATCH', `/api/v1/users/${femi.id}`, {
      as: admin,
      headers: { 'if-match': current.headers.etag as string },
      body: { status: 'disabled' },
    });
    expect(disabled.status).toBe(200);

    expect(await signIn(browser, vigil, 'femi')).toBe('/login?error=sso_disabled');
    expect((await me(browser, vigil)).status).toBe(401);
    const refusals = await auditOf(t, 'auth.login_failed', femi.id);
    expect(JSON.parse(refusals.at(-1)?.changes ?? '{}')).toMatchObject({ reason: 'sso_disabled' });
  });

  it('refuses a tampered state, a callback from another browser, and a replayed callback', async () => {
    account('gus', ['soc']);
    const browser = new Browser();
    const { callbackUrl } = await toCallback(browser, vigil, 'gus');

    const tampered = new URL(callbackUrl);
    tampered.searchParams.set('state', `${callbackUrl.searchParams.get('state') ?? ''}x`);
    const forger = browser.clone();
    // Even with a binding cookie that matches the forged state, no attempt exists for it.
    forger.setCookie(vigil.origin, 'vigil_oidc', tampered.searchParams.get('state') ?? '');
    expect(await finish(forger, tampered)).toBe('/login?error=sso_state');

    // Login CSRF: the victim's browser is handed the attacker's genuine callback URL.
    expect(await finish(new Browser(), callbackUrl)).toBe('/login?error=sso_state');

    // Neither refusal used up the genuine attempt.
    const replayer = browser.clone();
    expect(await finish(browser, callbackUrl)).toBe('/');
    expect((await me(browser, vigil)).json.role).toBe('operator');

    // The same callback again, with its binding cookie: the state is single use.
    expect(await finish(replayer, callbackUrl)).toBe('/login?error=sso_state');
    expect((await me(replayer, vigil)).status).toBe(401);
  });

  it('sends the PKCE verifier: a wrong one makes the provider refuse the code', async () => {
    account('hana', ['soc']);
    const browser = new Browser();
    const { authorizationUrl, callbackUrl } = await toCallback(browser, vigil, 'hana');
    const state = authorizationUrl.searchParams.get('state') ?? '';
    await t.server.ctx.database.db
      .updateTable('oidc_logins')
      .set({ code_verifier: 'a'.repeat(64) })
      .where('state_hash', '=', hashSecret(state))
      .execute();
    expect(await finish(browser, callbackUrl)).toBe('/login?error=sso_failed');
    expect((await me(browser, vigil)).status).toBe(401);
  });

  it('answers sso_denied when the person declines at the provider', async () => {
    const browser = new Browser();
    const start = await browser.request(new URL('/api/v1/auth/oidc/login', vigil));
    const authorizationUrl = location(start, vigil);
    const interaction = await browser.request(authorizationUrl);
    const page = location(interaction, authorizationUrl);
    const abort = await browser.request(new URL(`${page.pathname}/abort`, page));
    let url = location(abort, page);
    let response = await browser.request(url);
    while (new URL(response.headers.get('location') ?? '/', url).origin !== vigil.origin) {
      url = location(response, url);
      response = await browser.request(url);
    }
    expect(await finish(browser, location(response, url))).toBe('/login?error=sso_denied');
  });

  it('accepts only a path on this site as returnTo', async () => {
    for (const returnTo of [
      '//evil.example/x',
      'https://evil.example/',
      '/\\evil.example',
      '/\t/evil.example',
    ]) {
      const response = await call(
        t,
        'GET',
        `/api/v1/auth/oidc/login?returnTo=${encodeURIComponent(returnTo)}`,
      );
      expect(response.status, returnTo).toBe(400);
      expect(response.json.code).toBe('validation_failed');
    }
  });

  it('signs in through a public client with PKCE alone', async () => {
    account('ines', ['soc']);
    const browser = new Browser();
    expect(await signIn(browser, vigilPublic, 'ines')).toBe('/');
    expect((await me(browser, vigilPublic)).json).toMatchObject({ role: 'operator', authMethod: 'oidc' });
  });

  it('never demotes the last active admin from group changes', async () => {
    account('jo', ['security-admins']);
    const browser = new Browser();
    expect(await signIn(browser, vigilPublic, 'jo')).toBe('/');
    expect((await me(browser, vigilPublic)).json.role).toBe('admin');
    account('jo', ['soc']);
    expect(await signIn(browser, vigilPublic, 'jo')).toBe('/');
    expect((await me(browser, vigilPublic)).json.role).toBe('admin');
    const { json: jo } = await me(browser, vigilPublic);
    const logins = await auditOf(tPublic, 'auth.login', jo.id);
    expect(JSON.parse(logins.at(-1)?.changes ?? '{}').roleKept).toMatchObject({
      role: 'admin',
      groupsRole: 'operator',
    });
  });
});

describe.each(dialects)('OIDC with an unreachable provider (%s)', (dialect) => {
  let t: TestEnv;
  beforeAll(async () => {
    // A port that was just free: nothing listens there.
    const probe = http.createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const port = (probe.address() as AddressInfo).port;
    await new Promise((resolve) => probe.close(resolve));
    t = await startTestServer(dialect, {
      VIGIL_OIDC_ISSUER: `http://127.0.0.1:${port}`,
      VIGIL_OIDC_CLIENT_ID: 'vigil',
      VIGIL_OIDC_ROLE_MAP: 'soc=operator',
    });
  });
  afterAll(() => t.close());

  it('answers 503 problem+json on login, and a callback lands on the sign-in page', async () => {
    const login = await call(t, 'GET', '/api/v1/auth/oidc/login');
    expect(login.status).toBe(503);
    expect(login.headers['content-type']).toContain('application/problem+json');
    expect(login.json).toMatchObject({ code: 'unavailable', status: 503 });

    const callback = await call(t, 'GET', '/api/v1/auth/oidc/callback?code=x&state=y', {
      headers: { cookie: 'vigil_oidc=y' },
    });
    expect(callback.status).toBe(302);
    expect(callback.headers.location).toBe('/login?error=sso_state');
  });

  it('documents both routes in the OpenAPI document', async () => {
    const openapi = await call(t, 'GET', '/api/v1/openapi.json');
    expect(openapi.status).toBe(200);
    expect(Object.keys(openapi.json.paths)).toEqual(
      expect.arrayContaining(['/api/v1/auth/oidc/login', '/api/v1/auth/oidc/callback']),
    );
  });

  it('answers 404 on login when single sign-on is not configured', async () => {
    const plain = await startTestServer(dialect);
    try {
      const response = await call(plain, 'GET', '/api/v1/auth/oidc/login');
      expect(response.status).toBe(404);
      const callback = await call(plain, 'GET', '/api/v1/auth/oidc/callback');
      expect(callback.headers.location).toBe('/login?error=sso_not_configured');
    } finally {
      await plain.close();
    }
  });
});
