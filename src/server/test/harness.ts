import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { Role } from '../../contracts/access.js';
import type { Site } from '../../contracts/sites.js';
import type { User } from '../../contracts/identity.js';
import { loadConfig, type Config } from '../platform/config.js';
import { createSession, csrfTokenFor } from '../platform/auth/sessions.js';
import { createLogger } from '../platform/logger.js';
import { SESSION_COOKIE } from '../platform/http/authenticate.js';
import { createServer, type Server } from '../server.js';
import { createSite } from '../modules/sites/index.js';
import { createUser, issueToken } from '../modules/identity/index.js';
import { rolePermissions } from '../../contracts/access.js';
import { testPostgresUrl, type TestDialect } from './env.js';

export { dialects, type TestDialect } from './env.js';

/** A strong password that passes the policy, shared by test users. */
export const TEST_PASSWORD = 'correct horse battery staple 42';

export interface TestEnv {
  dialect: TestDialect;
  config: Config;
  server: Server;
  dataDir: string;
  close(): Promise<void>;
}

/** Makes a fresh, empty database of the dialect (a temp dir for SQLite, a new database on PostgreSQL). */
export async function freshDatabaseEnv(dialect: TestDialect, extra: Record<string, string> = {}) {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-test-'));
  const env: Record<string, string> = {
    VIGIL_DATA_DIR: dataDir,
    VIGIL_LOG_LEVEL: 'silent',
    VIGIL_JOBS: 'off',
    ...extra,
  };
  let dropDatabase = (): Promise<void> => Promise.resolve();
  if (dialect === 'postgres') {
    const name = `vigil_t_${randomBytes(6).toString('hex')}`;
    const admin = new pg.Client({ connectionString: testPostgresUrl() });
    await admin.connect();
    await admin.query(`create database ${name}`);
    await admin.end();
    env.DATABASE_URL = testPostgresUrl(name);
    dropDatabase = async () => {
      const client = new pg.Client({ connectionString: testPostgresUrl() });
      await client.connect();
      await client.query(`drop database if exists ${name} with (force)`);
      await client.end();
    };
  }
  const cleanup = async () => {
    await dropDatabase();
    fs.rmSync(dataDir, { recursive: true, force: true });
  };
  return { env, dataDir, cleanup };
}

/** Starts a Vigil server (not listening; use `app.inject`) on a fresh database of the dialect. */
export async function startTestServer(
  dialect: TestDialect,
  extra: Record<string, string> = {},
): Promise<TestEnv> {
  const { env, dataDir, cleanup } = await freshDatabaseEnv(dialect, extra);
  const config = loadConfig(env);
  const server = await createServer(config, createLogger('silent'));
  return {
    dialect,
    config,
    server,
    dataDir,
    close: async () => {
      await server.close();
      await cleanup();
    },
  };
}

const system = { actor: { type: 'system' as const, id: null, label: 'test' }, requestId: null };

let counter = 0;
const unique = () => `${Date.now().toString(36)}${(counter++).toString(36)}`;

/** Factory: a site, with overrides. */
export async function makeSite(
  t: TestEnv,
  overrides: Partial<{ name: string; code: string; timezone: string }> = {},
): Promise<Site> {
  const tag = unique();
  return createSite(t.server.ctx, system, {
    name: overrides.name ?? `Site ${tag}`,
    code: overrides.code ?? `S${tag}`.slice(0, 20),
    timezone: overrides.timezone ?? 'Europe/Paris',
  });
}

/** Factory: a user of a role at some sites, with the test password. */
export async function makeUser(
  t: TestEnv,
  role: Role,
  sites: Site[] = [],
  overrides: Partial<{ email: string; name: string; password: string | null }> = {},
): Promise<User> {
  const tag = unique();
  const password = overrides.password === null ? undefined : (overrides.password ?? TEST_PASSWORD);
  return createUser(t.server.ctx, system, {
    email: overrides.email ?? `${role}-${tag}@example.test`,
    name: overrides.name ?? `${role} ${tag}`,
    role,
    sites: sites.map((s) => s.id),
    password,
  });
}

/**
 * Runs the job worker once, deterministically: recovers expired locks, enqueues due schedules and
 * runs every due job (the harness starts servers with VIGIL_JOBS=off, so nothing runs on its own).
 */
export function runDueJobs(t: TestEnv): Promise<number> {
  return t.server.ctx.jobs.runDueJobs();
}

/** Credentials for requests: a session cookie with its CSRF token, or a bearer token. */
export interface Credentials {
  headers: Record<string, string>;
}

/** Opens a session for a user without going through the login route. */
export async function sessionFor(t: TestEnv, user: User): Promise<Credentials> {
  const raw = await t.server.ctx.database.transaction((tx) =>
    createSession(tx, t.server.ctx.sessionPolicy, {
      userId: user.id,
      method: 'password',
      ip: '127.0.0.1',
      userAgent: 'vitest',
    }),
  );
  return { headers: { cookie: `${SESSION_COOKIE}=${raw}`, 'x-csrf-token': csrfTokenFor(raw) } };
}

/** An API token for a user with all of their role's permissions. */
export async function tokenFor(t: TestEnv, user: User): Promise<Credentials> {
  const issued = await issueToken(t.server.ctx, system, {
    userId: user.id,
    name: 'test',
    permissions: rolePermissions[user.role],
    expiresInDays: 1,
  });
  return { headers: { authorization: `Bearer ${issued.token}` } };
}

type Method = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

/** Sends a request through the app (no network) and parses the JSON answer. */
export async function call(
  t: TestEnv,
  method: Method,
  url: string,
  options: { as?: Credentials; body?: unknown; headers?: Record<string, string>; rawBody?: string } = {},
) {
  const headers: Record<string, string> = { ...(options.as?.headers ?? {}), ...(options.headers ?? {}) };
  const hasBody = options.body !== undefined || options.rawBody !== undefined;
  if (hasBody && !headers['content-type']) headers['content-type'] = 'application/json';
  const response = await t.server.app.inject({
    method,
    url,
    headers,
    ...(hasBody ? { payload: options.rawBody ?? JSON.stringify(options.body) } : {}),
  });
  let json: unknown;
  try {
    json = response.body ? JSON.parse(response.body) : undefined;
  } catch {
    // not JSON (HTML, a file): leave json undefined and let the test read `body`
  }
  return { status: response.statusCode, headers: response.headers, body: response.body, json: json as any };
}
