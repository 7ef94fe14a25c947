/**
 * Platform API benchmark: an authenticated list endpoint over 100,000 people, measured with
 * autocannon against a real `vigil serve` process on 127.0.0.1. Prints one JSON document.
 *
 *   npm run bench:api                                   SQLite in a temporary data dir
 *   DATABASE_URL=postgres://…/postgres npm run bench:api   PostgreSQL: a fresh database on that server
 *
 * BENCH_DURATION_SECONDS (12), BENCH_CONNECTIONS (16) and BENCH_PEOPLE (100000) tune the run.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { loadConfig } from '../src/server/platform/config.js';
import { openDatabase } from '../src/server/platform/db/database.js';
import { migrateToLatest } from '../src/server/platform/db/migrate.js';
import type { PeopleTable } from '../src/server/platform/db/schema.js';
import { newId, nowIso } from '../src/server/platform/ids.js';
import { assertBuilt, repoRoot, runCli, startServerProcess } from '../src/server/test/process.js';
import { load } from './lib/measure.js';

const DURATION = Number(process.env.BENCH_DURATION_SECONDS ?? 12);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 16);
const PEOPLE = Number(process.env.BENCH_PEOPLE ?? 100_000);
const TARGET = { requestsPerSecond: 2000, p99Ms: 50 };

const log = (message: string) => process.stderr.write(`bench:api ${message}\n`);

function ensureBuilt(): void {
  try {
    assertBuilt();
  } catch {
    log('building the server (npm run build)');
    execFileSync(
      process.execPath,
      [path.join(repoRoot, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'],
      {
        cwd: repoRoot,
        stdio: 'inherit',
      },
    );
  }
}

/** A fresh database to fill: a temporary data dir, or a new database on the given PostgreSQL server. */
async function freshTarget(): Promise<{ env: Record<string, string>; cleanup: () => Promise<void> }> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-bench-'));
  const env: Record<string, string> = { VIGIL_DATA_DIR: dataDir, VIGIL_LOG_LEVEL: 'warn' };
  let drop = () => Promise.resolve();
  const serverUrl = process.env.DATABASE_URL;
  if (serverUrl) {
    const name = `vigil_bench_${randomBytes(4).toString('hex')}`;
    const admin = new pg.Client({ connectionString: serverUrl });
    await admin.connect();
    await admin.query(`create database ${name}`);
    await admin.end();
    const url = new URL(serverUrl);
    url.pathname = `/${name}`;
    env.DATABASE_URL = url.toString();
    drop = async () => {
      const client = new pg.Client({ connectionString: serverUrl });
      await client.connect();
      await client.query(`drop database if exists ${name} with (force)`);
      await client.end();
    };
  }
  return {
    env,
    cleanup: async () => {
      await drop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

const FIRST = ['Ada', 'Grace', 'Alan', 'Edsger', 'Barbara', 'Ken', 'Radia', 'Linus', 'Margaret', 'Dennis'];
const LAST = ['Lovelace', 'Hopper', 'Turing', 'Dijkstra', 'Liskov', 'Thompson', 'Perlman', 'Torvalds'];

/** Bulk-loads sites and people straight through Kysely (a benchmark fixture, not audited data). */
async function seed(env: Record<string, string>): Promise<string[]> {
  const database = openDatabase(loadConfig(env), 2);
  try {
    await migrateToLatest(database);
    const now = nowIso();
    const sites = Array.from({ length: 5 }, (_, i) => ({
      id: newId(),
      code: `BENCH${i}`,
      name: `Bench site ${i}`,
      timezone: 'UTC',
      address: null,
      status: 'active',
      created_at: now,
      updated_at: now,
      version: 1,
    }));
    await database.db.insertInto('sites').values(sites).execute();
    const batch = 500;
    for (let done = 0; done < PEOPLE;) {
      await database.transaction(async (tx) => {
        for (let inTx = 0; inTx < 20 && done < PEOPLE; inTx += 1) {
          const rows: PeopleTable[] = [];
          for (let i = 0; i < batch && done < PEOPLE; i += 1, done += 1) {
            rows.push({
              id: newId(),
              site_id: sites[done % sites.length]?.id ?? '',
              kind: 'employee',
              first_name: FIRST[done % FIRST.length] ?? 'A',
              last_name: `${LAST[done % LAST.length] ?? 'B'}-${done}`,
              email: `person${done}@bench.example`,
              phone: null,
              employee_number: `B${done}`,
              department: 'Operations',
              title: 'Analyst',
              status: 'active',
              manager_id: null,
              user_id: null,
              notes: null,
              created_at: now,
              updated_at: now,
              version: 1,
            });
          }
          await tx.insertInto('people').values(rows).execute();
        }
      });
    }
    return sites.map((s) => s.code);
  } finally {
    await database.close();
  }
}

/**
 * CPU time (user + system, ms) a process has used, from /proc (Linux; USER_HZ is 100 there), or
 * null elsewhere. Per request it is a figure that other load on the machine barely skews.
 */
function cpuMs(pid: number | undefined): number | null {
  try {
    const fields =
      fs
        .readFileSync(`/proc/${String(pid)}/stat`, 'utf8')
        .split(') ')[1]
        ?.split(' ') ?? [];
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return null;
  }
}

async function cli(args: string[], env: Record<string, string>): Promise<string> {
  const result = await runCli(args, { env });
  if (result.code !== 0) throw new Error(`vigil ${args.join(' ')} failed: ${result.stderr}`);
  return result.stdout.trim();
}

interface Scenario {
  name: string;
  path: string;
  token: string;
  calibration?: boolean;
}

async function main(): Promise<void> {
  ensureBuilt();
  const target = await freshTarget();
  const dialect = target.env.DATABASE_URL ? 'postgres' : 'sqlite';
  let server: Awaited<ReturnType<typeof startServerProcess>> | undefined;
  // The benchmark stops by itself even if something hangs.
  const watchdog = setTimeout(() => {
    log('took too long; stopping');
    server?.child.kill('SIGKILL');
    process.exit(1);
  }, 600_000);
  try {
    log(`seeding ${PEOPLE} people (${dialect})`);
    const started = Date.now();
    const siteCodes = await seed(target.env);
    const seedSeconds = (Date.now() - started) / 1000;
    await cli(
      ['user', 'add', '--email', 'bench-admin@bench.example', '--name', 'Bench Admin', '--role', 'admin'],
      target.env,
    );
    await cli(
      [
        'user',
        'add',
        '--email',
        'bench-manager@bench.example',
        '--name',
        'Bench Manager',
        '--role',
        'manager',
        '--site',
        siteCodes[0] ?? '',
        '--site',
        siteCodes[1] ?? '',
      ],
      target.env,
    );
    const adminToken = await cli(
      ['token', 'create', '--email', 'bench-admin@bench.example', '--name', 'bench'],
      target.env,
    );
    const managerToken = await cli(
      ['token', 'create', '--email', 'bench-manager@bench.example', '--name', 'bench'],
      target.env,
    );

    server = await startServerProcess(target.env);
    const auth = (token: string) => ({ authorization: `Bearer ${token}` });

    // A cursor about half-way down the list, reached by following pages like a client would.
    let cursor: string | null = null;
    for (let page = 0; page < Math.floor(PEOPLE / 2 / 500); page += 1) {
      const response = await fetch(
        `${server.url}/api/v1/people?limit=500${cursor ? `&cursor=${cursor}` : ''}`,
        {
          headers: auth(adminToken),
        },
      );
      const body = (await response.json()) as { nextCursor: string | null };
      cursor = body.nextCursor;
    }
    const scenarios: Scenario[] = [
      { name: 'people list, first page (admin)', path: '/api/v1/people?limit=50', token: adminToken },
      {
        name: 'people list, page half-way down via cursor (admin)',
        path: `/api/v1/people?limit=50&cursor=${cursor ?? ''}`,
        token: adminToken,
      },
      {
        name: 'people list, first page (manager scoped to 2 of 5 sites)',
        path: '/api/v1/people?limit=50',
        token: managerToken,
      },
      {
        // Not a target: the cost of the HTTP stack alone on this machine, to read the others by.
        name: 'calibration: GET /healthz (no auth, no database)',
        path: '/healthz',
        token: adminToken,
        calibration: true,
      },
    ];

    log('warming up');
    await load({
      url: `${server.url}${scenarios[0]?.path ?? '/'}`,
      headers: auth(adminToken),
      connections: CONNECTIONS,
      durationSeconds: 3,
    });
    const results = [];
    for (const scenario of scenarios) {
      log(`${scenario.name}: ${DURATION} s, ${CONNECTIONS} connections`);
      const cpuBefore = cpuMs(server.child.pid);
      const loadBefore = os.loadavg()[0] ?? 0;
      const result = await load({
        url: `${server.url}${scenario.path}`,
        headers: auth(scenario.token),
        connections: CONNECTIONS,
        durationSeconds: DURATION,
      });
      results.push({
        name: scenario.name,
        path: scenario.path.replace(/cursor=[^&]+/, 'cursor=…'),
        ...result,
        serverCpuMsPerRequest: (() => {
          const after = cpuMs(server.child.pid);
          return cpuBefore === null || after === null
            ? null
            : Math.round(((after - cpuBefore) / Math.max(1, result.requests)) * 1000) / 1000;
        })(),
        // Other processes competing for the cores make requests/s and latency worse; say so.
        loadAverage1m: [Math.round(loadBefore * 100) / 100, Math.round((os.loadavg()[0] ?? 0) * 100) / 100],
        meetsTarget: scenario.calibration
          ? null
          : result.requestsPerSecond >= TARGET.requestsPerSecond &&
            (result.latencyMs.p99 ?? Infinity) < TARGET.p99Ms &&
            result.errors === 0 &&
            result.non2xx === 0,
      });
    }
    process.stdout.write(
      `${JSON.stringify(
        {
          bench: 'api',
          dialect,
          cores: os.availableParallelism(),
          cpu: os.cpus()[0]?.model ?? 'unknown',
          node: process.version,
          people: PEOPLE,
          seedSeconds,
          connections: CONNECTIONS,
          durationSeconds: DURATION,
          target: TARGET,
          scenarios: results,
        },
        null,
        2,
      )}\n`,
    );
  } finally {
    if (server) {
      server.child.kill('SIGTERM');
      await server.exited;
    }
    await target.cleanup();
    clearTimeout(watchdog);
  }
}

await main();
