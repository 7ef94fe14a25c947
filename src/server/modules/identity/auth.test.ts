import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOGIN_LIMITS } from '../../platform/auth/throttle.js';
import {
  call,
  dialects,
  makeSite,
  makeUser,
  sessionFor,
  startTestServer,
  TEST_PASSWORD,
  type TestEnv,
} from '../../test/harness.js';

function sessionCookieOf(setCookie: string | string[] | undefined): { raw: string; header: string } {
  const header = [setCookie ?? []].flat().find((c) => c.startsWith('vigil_session='));
  if (!header) throw new Error('no session cookie was set');
  return { raw: header.split(';')[0]!.split('=')[1]!, header };
}

describe.each(dialects)('sign-in, sessions and tokens (%s)', (dialect) => {
  let t: TestEnv;
  beforeAll(async () => {
    t = await startTestServer(dialect);
  });
  afterAll(() => t.close());

  const login = (email: string, password: string, ip = '10.0.0.1') =>
    t.server.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email, password },
      remoteAddress: ip,
    });

  it('signs in with a hardened session cookie and a CSRF token', async () => {
    const user = await makeUser(t, 'manager');
    const response = await login(user.email, TEST_PASSWORD);
    expect(response.statusCode).toBe(200);
    const cookie = sessionCookieOf(response.headers['set-cookie']);
    expect(cookie.header).toMatch(/HttpOnly/i);
    expect(cookie.header).toMatch(/SameSite=Strict/i);
    expect(Buffer.from(cookie.raw, 'base64url').length).toBeGreaterThanOrEqual(16);
    const body = response.json();
    expect(body.csrfToken).toBeTruthy();
    const me = await call(t, 'GET', '/api/v1/me', { headers: { cookie: `vigil_session=${cookie.raw}` } });
    expect(me.status).toBe(200);
    expect(me.json.email).toBe(user.email);
    // The session id is stored only as a hash.
    const stored = await t.server.ctx.database.db.selectFrom('sessions').select('id_hash').execute();
    expect(stored.some((s) => s.id_hash === cookie.raw)).toBe(false);
  });

  it('gives a new session id at every login', async () => {
    const user = await makeUser(t, 'officer');
    const first = sessionCookieOf((await login(user.email, TEST_PASSWORD)).headers['set-cookie']).raw;
    const second = sessionCookieOf((await login(user.email, TEST_PASSWORD)).headers['set-cookie']).raw;
    expect(first).not.toBe(second);
  });

  it('answers the same for an unknown email and a wrong password', async () => {
    const user = await makeUser(t, 'officer');
    const unknown = await login('nobody@example.test', 'whatever-password-1', '10.0.0.2');
    const wrong = await login(user.email, 'whatever-password-1', '10.0.0.3');
    expect(unknown.statusCode).toBe(401);
    expect(wrong.statusCode).toBe(401);
    expect(unknown.json().code).toBe('invalid_credentials');
    expect(wrong.json().code).toBe(unknown.json().code);
    expect(wrong.json().detail).toBe(unknown.json().detail);
  });

  it('throttles repeated failures per account (429 with Retry-After)', async () => {
    const user = await makeUser(t, 'hr');
    for (let i = 0; i < LOGIN_LIMITS.perAccount; i += 1) {
      expect((await login(user.email, 'not-the-password-x', `10.1.0.${i}`)).statusCode).toBe(401);
    }
    const blocked = await login(user.email, TEST_PASSWORD, '10.1.1.1');
    expect(blocked.statusCode).toBe(429);
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
    expect(blocked.json().code).toBe('rate_limited');
  });

  it('throttles repeated failures per address', async () => {
    for (let i = 0; i < LOGIN_LIMITS.perAddress; i += 1) {
      await login(`someone${i}@example.test`, 'not-the-password-x', '10.2.0.1');
    }
    const user = await makeUser(t, 'hr');
    expect((await login(user.email, TEST_PASSWORD, '10.2.0.1')).statusCode).toBe(429);
    expect((await login(user.email, TEST_PASSWORD, '10.2.0.2')).statusCode).toBe(200);
  });

  it('requires the CSRF token on cookie-authenticated mutations', async () => {
    const admin = await makeUser(t, 'admin');
    const session = await sessionFor(t, admin);
    const withoutCsrf = { headers: { cookie: session.headers.cookie! } };
    const denied = await call(t, 'POST', '/api/v1/sites', {
      as: withoutCsrf,
      body: { name: 'X', code: 'CSRF1', timezone: 'UTC' },
    });
    expect(denied.status).toBe(403);
    expect(denied.json.code).toBe('csrf_failed');
    const forged = { headers: { ...withoutCsrf.headers, 'x-csrf-token': 'forged' } };
    expect(
      (
        await call(t, 'POST', '/api/v1/sites', {
          as: forged,
          body: { name: 'X', code: 'CSRF1', timezone: 'UTC' },
        })
      ).status,
    ).toBe(403);
    expect(
      (
        await call(t, 'POST', '/api/v1/sites', {
          as: session,
          body: { name: 'X', code: 'CSRF1', timezone: 'UTC' },
        })
      ).status,
    ).toBe(201);
  });

  it('ends every session of a user who is disabled, and refuses their tokens', async () => {
    const admin = await sessionFor(t, await makeUser(t, 'admin'));
    const user = await makeUser(t, 'investigator');
    const session = await sessionFor(t, user);
    const token = await call(t, 'POST', '/api/v1/tokens', { as: session, body: { name: 'script' } });
    expect(token.status).toBe(201);
    const bearer = { headers: { authorization: `Bearer ${token.json.token}` } };
    expect((await call(t, 'GET', '/api/v1/me', { as: bearer })).status).toBe(200);
    const disabled = await call(t, 'PATCH', `/api/v1/users/${user.id}`, {
      as: admin,
      body: { status: 'disabled' },
      headers: { 'if-match': '"v1"' },
    });
    expect(disabled.status).toBe(200);
    expect((await call(t, 'GET', '/api/v1/me', { as: session })).status).toBe(401);
    expect((await call(t, 'GET', '/api/v1/me', { as: bearer })).status).toBe(401);
    expect((await login(user.email, TEST_PASSWORD, '10.3.0.1')).statusCode).toBe(401);
  });

  it('ends all sessions on password change and keeps the changing browser signed in', async () => {
    const user = await makeUser(t, 'operator');
    const other = await sessionFor(t, user);
    const current = await sessionFor(t, user);
    const weak = await call(t, 'POST', '/api/v1/me/password', {
      as: current,
      body: { currentPassword: TEST_PASSWORD, newPassword: 'password1234' },
    });
    expect(weak.status).toBe(400);
    expect(weak.json.errors[0].path).toBe('newPassword');
    const changed = await call(t, 'POST', '/api/v1/me/password', {
      as: current,
      body: { currentPassword: TEST_PASSWORD, newPassword: 'a much better secret 9' },
    });
    expect(changed.status).toBe(200);
    expect((await call(t, 'GET', '/api/v1/me', { as: other })).status).toBe(401);
    expect((await call(t, 'GET', '/api/v1/me', { as: current })).status).toBe(401);
    const fresh = sessionCookieOf(changed.headers['set-cookie']).raw;
    expect(
      (await call(t, 'GET', '/api/v1/me', { headers: { cookie: `vigil_session=${fresh}` } })).status,
    ).toBe(200);
    expect((await login(user.email, 'a much better secret 9', '10.4.0.1')).statusCode).toBe(200);
  });

  it('expires idle sessions', async () => {
    const user = await makeUser(t, 'officer');
    const session = await sessionFor(t, user);
    const longAgo = new Date(
      Date.now() - (t.server.ctx.sessionPolicy.idleMinutes + 1) * 60_000,
    ).toISOString();
    await t.server.ctx.database.db
      .updateTable('sessions')
      .set({ last_seen_at: longAgo })
      .where('user_id', '=', user.id)
      .execute();
    expect((await call(t, 'GET', '/api/v1/me', { as: session })).status).toBe(401);
  });

  it('expires sessions at the absolute timeout even when active', async () => {
    const user = await makeUser(t, 'officer');
    const session = await sessionFor(t, user);
    await t.server.ctx.database.db
      .updateTable('sessions')
      .set({ absolute_expires_at: new Date(Date.now() - 1000).toISOString() })
      .where('user_id', '=', user.id)
      .execute();
    expect((await call(t, 'GET', '/api/v1/me', { as: session })).status).toBe(401);
  });

  it('logs out', async () => {
    const user = await makeUser(t, 'employee');
    const session = await sessionFor(t, user);
    expect((await call(t, 'POST', '/api/v1/auth/logout', { as: session })).status).toBe(200);
    expect((await call(t, 'GET', '/api/v1/me', { as: session })).status).toBe(401);
  });

  it('stores tokens hashed, shows them once, expires and revokes them', async () => {
    const user = await makeUser(t, 'auditor');
    const session = await sessionFor(t, user);
    const created = await call(t, 'POST', '/api/v1/tokens', {
      as: session,
      body: { name: 'reports', expiresInDays: 1 },
    });
    expect(created.json.token).toMatch(/^vgl_/);
    const listed = await call(t, 'GET', '/api/v1/tokens', { as: session });
    expect(JSON.stringify(listed.json)).not.toContain(created.json.token);
    const rows = await t.server.ctx.database.db.selectFrom('api_tokens').select('token_hash').execute();
    expect(rows.some((r) => r.token_hash === created.json.token)).toBe(false);
    const bearer = { headers: { authorization: `Bearer ${created.json.token}` } };
    expect((await call(t, 'GET', '/api/v1/audit', { as: bearer })).status).toBe(200);
    // A token cannot mint tokens, nor exceed its user's role.
    expect((await call(t, 'POST', '/api/v1/tokens', { as: bearer, body: { name: 'x' } })).status).toBe(403);
    expect(
      (
        await call(t, 'POST', '/api/v1/tokens', {
          as: session,
          body: { name: 'x', permissions: ['users:write'] },
        })
      ).status,
    ).toBe(400);
    // Expired
    await t.server.ctx.database.db
      .updateTable('api_tokens')
      .set({ expires_at: new Date(Date.now() - 1000).toISOString() })
      .where('id', '=', created.json.id)
      .execute();
    expect((await call(t, 'GET', '/api/v1/audit', { as: bearer })).status).toBe(401);
    // Revoked
    const second = await call(t, 'POST', '/api/v1/tokens', { as: session, body: { name: 'second' } });
    const bearer2 = { headers: { authorization: `Bearer ${second.json.token}` } };
    expect((await call(t, 'DELETE', `/api/v1/tokens/${second.json.id}`, { as: session })).status).toBe(200);
    expect((await call(t, 'GET', '/api/v1/audit', { as: bearer2 })).status).toBe(401);
    // Someone else's token is invisible (404), even to revoke.
    const stranger = await sessionFor(t, await makeUser(t, 'manager'));
    expect((await call(t, 'DELETE', `/api/v1/tokens/${created.json.id}`, { as: stranger })).status).toBe(404);
  });

  it('enforces the password policy and argon2id hashing', async () => {
    const admin = await sessionFor(t, await makeUser(t, 'admin'));
    const site = await makeSite(t);
    for (const password of ['short1', 'password1234', 'aaaaaaaaaaaaaaaa']) {
      const response = await call(t, 'POST', '/api/v1/users', {
        as: admin,
        body: {
          email: `p${password.length}${password[0]}@example.test`,
          name: 'P',
          role: 'officer',
          sites: [site.id],
          password,
        },
      });
      expect(response.status, password).toBe(400);
      expect(response.json.errors[0].path).toBe('password');
    }
    const ok = await call(t, 'POST', '/api/v1/users', {
      as: admin,
      body: {
        email: 'strong@example.test',
        name: 'S',
        role: 'officer',
        sites: [site.id],
        password: 'violet tractor midnight 77',
      },
    });
    expect(ok.status).toBe(201);
    const row = await t.server.ctx.database.db
      .selectFrom('users')
      .select('password_hash')
      .where('id', '=', ok.json.id)
      .executeTakeFirstOrThrow();
    expect(row.password_hash).toMatch(/^\$argon2id\$v=19\$m=(\d+),t=(\d+)/);
    const memory = Number(/m=(\d+)/.exec(row.password_hash ?? '')?.[1]);
    expect(memory).toBeGreaterThanOrEqual(19 * 1024);
  });

  it('keeps at least one active admin', async () => {
    const t2 = await startTestServer(dialect);
    try {
      const only = await makeUser(t2, 'admin');
      const session = await sessionFor(t2, only);
      const demote = await call(t2, 'PATCH', `/api/v1/users/${only.id}`, {
        as: session,
        body: { role: 'manager' },
        headers: { 'if-match': '"v1"' },
      });
      expect(demote.status).toBe(409);
    } finally {
      await t2.close();
    }
  });
});
