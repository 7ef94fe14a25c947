/*
 * npm run bench:incidents — prints JSON figures:
 * - list and search latency of GET /api/v1/incidents with 1,000,000 incidents on SQLite
 *   (target p95 < 100 ms), measured through the repository the route calls, per scenario;
 * - evidence upload throughput over HTTP on local disk (target ≥ 200 MB/s), with the disk's own
 *   write+fsync speed measured alongside so the figure can be judged on a shared machine.
 * Options: --incidents N (default 1,000,000), --upload-mb M (default 300), --runs R (default 100).
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Site } from '../src/contracts/sites.js';
import { builtinIncidentTypes, incidentStatuses, severities } from '../src/contracts/incidents.js';
import { principalFor } from '../src/server/platform/access/principal.js';
import { newId } from '../src/server/platform/ids.js';
import { listIncidents } from '../src/server/modules/incidents/repository.js';
import { reportIncident } from '../src/server/modules/incidents/testing.js';
import { makeSite, makeUser, startTestServer, tokenFor } from '../src/server/test/harness.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const arg = (name: string, fallback: number) => {
  const index = process.argv.indexOf(`--${name}`);
  return index > 0 ? Number(process.argv[index + 1]) : fallback;
};
const INCIDENTS = arg('incidents', 1_000_000);
const UPLOAD_MB = arg('upload-mb', 300);
const RUNS = arg('runs', 100);
const SITES = 50;

const log = (message: string) => process.stderr.write(`${message}\n`);

// A vocabulary with a Zipf-like use: a few words are everywhere, most are rare.
const vocabulary = Array.from({ length: 5000 }, (_, i) => `w${i.toString(36)}x`);
const realWords = [
  'theft',
  'door',
  'badge',
  'camera',
  'fence',
  'laptop',
  'visitor',
  'alarm',
  'gate',
  'vehicle',
];
function word(): string {
  if (Math.random() < 0.15) return realWords[Math.floor(Math.random() * realWords.length)] ?? 'door';
  return vocabulary[Math.floor(vocabulary.length ** Math.random()) - 1] ?? 'w0x';
}
const words = (n: number) => Array.from({ length: n }, word).join(' ');
const pick = <T>(items: readonly T[]): T => items[Math.floor(Math.random() * items.length)] as T;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

const t = await startTestServer('sqlite', { VIGIL_EVIDENCE_MAX_BYTES: String(8 * 1024 ** 3) });
try {
  const sites: Site[] = [];
  for (let i = 0; i < SITES; i++) sites.push(await makeSite(t, { code: `B${i}` }));
  const admin = await makeUser(t, 'admin');
  const auditor = await makeUser(t, 'auditor');
  const manager = await makeUser(t, 'manager', sites.slice(0, 2));
  const investigator = await makeUser(t, 'investigator', sites.slice(0, 2));
  const officer = await makeUser(t, 'officer', sites.slice(0, 1));
  const sqlite = t.server.ctx.database.sqlite;
  if (!sqlite) throw new Error('the benchmark runs on SQLite');

  // ---- seed: prepared statements in large transactions -----------------------------------------
  log(`seeding ${INCIDENTS} incidents…`);
  const seedStart = performance.now();
  const insertIncident =
    sqlite.prepare(`insert into incidents (id, reference, kind, title, description, type, severity,
    status, occurred_at, event_at, site_id, location, confidential, anonymous, reported_by, assigned_to, assets, vehicles,
    triage_due_at, triage_warn_at, resolve_due_at, resolve_warn_at, triage_breached, resolve_breached, triaged_at,
    created_at, updated_at, version)
    values (@id, @reference, 'incident', @title, @description, @type, @severity, @status, @occurred, @occurred, @site,
    null, @confidential, 0, @reporter, @assignee, '[]', '[]', @triageDue, @triageWarn, @resolveDue, @resolveWarn,
    @triageBreached, 0, @triaged, @created, @created, 1)`);
  const insertSearch = sqlite.prepare(
    'insert into incident_search (incident_id, title, description, notes) values (?, ?, ?, ?)',
  );
  const insertMember = sqlite.prepare(
    'insert into incident_members (incident_id, user_id, added_at, added_by) values (?, ?, ?, null)',
  );
  const start = Date.parse('2023-01-01T00:00:00Z');
  const span = Date.parse('2026-01-01T00:00:00Z') - start;
  const batch = 20_000;
  for (let done = 0; done < INCIDENTS; done += batch) {
    sqlite.transaction(() => {
      for (let i = done; i < Math.min(INCIDENTS, done + batch); i++) {
        const created = start + Math.floor((i / INCIDENTS) * span);
        const createdIso = new Date(created).toISOString();
        const id = newId(new Date(created));
        const site = i % 10 === 0 ? sites[0] : pick(sites);
        const confidential = Math.random() < 0.005 ? 1 : 0;
        const title = words(3 + Math.floor(Math.random() * 4));
        const description = words(10 + Math.floor(Math.random() * 15));
        insertIncident.run({
          id,
          reference: `INC-${randomBytes(6).toString('hex').toUpperCase()}`,
          title,
          description,
          type: pick(builtinIncidentTypes),
          severity: pick(severities),
          status: pick(incidentStatuses),
          occurred: new Date(created - Math.floor(Math.random() * 86_400_000)).toISOString(),
          site: site?.id,
          confidential,
          reporter: site?.id === sites[0]?.id && Math.random() < 0.2 ? officer.id : manager.id,
          assignee: Math.random() < 0.01 ? investigator.id : null,
          triageDue: new Date(created + 3_600_000).toISOString(),
          triageWarn: new Date(created + 2_700_000).toISOString(),
          resolveDue: new Date(created + 86_400_000).toISOString(),
          resolveWarn: new Date(created + 64_800_000).toISOString(),
          triageBreached: Math.random() < 0.1 ? 1 : 0,
          triaged: createdIso,
          created: createdIso,
        });
        insertSearch.run(id, title, description, Math.random() < 0.2 ? words(20) : '');
        if (confidential) insertMember.run(id, investigator.id, createdIso);
      }
    })();
    if ((done / batch) % 10 === 0) log(`  ${done + batch}`);
  }
  sqlite.pragma('wal_checkpoint(TRUNCATE)');
  if (process.env.BENCH_SAVE_DB) await sqlite.backup(process.env.BENCH_SAVE_DB);
  const seedSeconds = (performance.now() - seedStart) / 1000;

  // Search terms chosen by how many incidents hold them.
  const counts = new Map<string, number>();
  for (const row of sqlite.prepare('select title from incidents limit 50000').iterate() as Iterable<{
    title: string;
  }>) {
    for (const w of row.title.split(' ')) counts.set(w, (counts.get(w) ?? 0) + 1);
  }
  const byFrequency = [...counts.entries()].sort((a, b) => b[1] - a[1]).map(([w]) => w);
  const common = byFrequency[0] ?? 'door';
  const medium = byFrequency[Math.floor(byFrequency.length / 10)] ?? 'w10x';
  const rare = byFrequency[byFrequency.length - 1] ?? 'w99x';

  const db = t.server.ctx.database.db;
  const as = {
    admin: principalFor({ ...admin, role: 'admin' }, 'password'),
    auditor: principalFor({ ...auditor, role: 'auditor' }, 'password'),
    manager: principalFor({ ...manager, role: 'manager' }, 'password'),
    investigator: principalFor({ ...investigator, role: 'investigator' }, 'password'),
    officer: principalFor({ ...officer, role: 'officer' }, 'password'),
  };
  const recent = new Date(start + span - 30 * 86_400_000).toISOString().slice(0, 10);
  type Scenario = [string, keyof typeof as, Record<string, string | number>];
  const scenarios: Scenario[] = [
    ['list: admin, first page', 'admin', {}],
    ['list: auditor, first page', 'auditor', {}],
    ['list: manager (2 of 50 sites)', 'manager', {}],
    ['list: investigator (assigned)', 'investigator', {}],
    ['list: officer (own reports)', 'officer', {}],
    ['filter: status + type + severity', 'admin', { status: 'new', type: 'theft', severity: 'high' }],
    ['filter: site', 'admin', { siteId: sites[5]?.id ?? '' }],
    ['filter: last 30 days', 'manager', { from: recent }],
    ['filter: one month in 2023', 'admin', { from: '2023-06-01', to: '2023-06-30' }],
    [`search: common word "${common}"`, 'admin', { q: common }],
    [`search: medium word "${medium}"`, 'admin', { q: medium }],
    [`search: rare word "${rare}"`, 'admin', { q: rare }],
    ['search: two words', 'admin', { q: `${common} ${medium}` }],
    ['search: word in titles "theft"', 'manager', { q: 'theft' }],
    ['search + filter', 'admin', { q: common, status: 'closed' }],
  ];
  const latency: Record<string, { p50: number; p95: number; p99: number; rows: number }> = {};
  for (const [name, who, query] of scenarios) {
    const times: number[] = [];
    let rows = 0;
    let cursor: string | undefined;
    for (let i = 0; i < RUNS; i++) {
      const began = performance.now();
      // every 4th run fetches the next page, as a user scrolling would
      const page = await listIncidents(db, 'sqlite', as[who], {
        limit: 50,
        ...query,
        ...(i % 4 === 3 && cursor ? { cursor } : {}),
      });
      times.push(performance.now() - began);
      rows = Math.max(rows, page.items.length);
      cursor = page.nextCursor ?? undefined;
    }
    times.sort((a, b) => a - b);
    const round = (n: number) => Math.round(n * 100) / 100;
    latency[name] = {
      p50: round(percentile(times, 50)),
      p95: round(percentile(times, 95)),
      p99: round(percentile(times, 99)),
      rows,
    };
    log(`  ${name}: p95 ${round(percentile(times, 95))} ms`);
  }
  const worstP95 = Math.max(...Object.values(latency).map((l) => l.p95));

  // ---- upload throughput ----------------------------------------------------------------------
  const credentials = await tokenFor(t, admin);
  const incident = await reportIncident(t, credentials, sites[0]?.id ?? '');
  const url = await t.server.app.listen({ host: '127.0.0.1', port: 0 });
  const bytes = UPLOAD_MB * 1024 * 1024;
  const disk = diskBaseline(t.config.blobDir, bytes);
  const uploads = [];
  for (let run = 0; run < 3; run++) {
    // Asynchronous: the server answering the upload runs on this process's event loop.
    const child = await promisify(execFile)(process.execPath, [
      path.join(here, 'incidents-upload-client.mjs'),
      `${url}/api/v1/incidents/${incident.id}/evidence`,
      credentials.headers.authorization ?? '',
      String(bytes),
    ]);
    const result = JSON.parse(child.stdout) as { status: number; ms: number };
    if (result.status !== 201) throw new Error(`upload answered ${result.status}`);
    uploads.push(Math.round((bytes / 1e6 / (result.ms / 1000)) * 10) / 10);
    log(`  upload ${run + 1}: ${uploads.at(-1)} MB/s`);
  }
  const sortedUploads = [...uploads].sort((a, b) => a - b);

  process.stdout.write(
    `${JSON.stringify(
      {
        benchmark: 'incidents',
        database: 'sqlite',
        incidents: INCIDENTS,
        seedSeconds: Math.round(seedSeconds * 10) / 10,
        seedRowsPerSecond: Math.round(INCIDENTS / seedSeconds),
        runsPerScenario: RUNS,
        latencyMs: latency,
        worstP95Ms: worstP95,
        listSearchTargetMet: worstP95 < 100,
        upload: {
          megabytes: UPLOAD_MB,
          runsMBps: uploads,
          medianMBps: sortedUploads[1],
          diskWriteFsyncMBps: disk,
          targetMet: (sortedUploads[1] ?? 0) >= 200,
        },
        loadAverage: fs.readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).map(Number),
      },
      null,
      2,
    )}\n`,
  );
} finally {
  await t.close();
}

/** The disk's own speed for the same amount: write in 1 MiB blocks, then fsync. */
function diskBaseline(dir: string, bytes: number): number {
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'baseline.tmp');
  const block = randomBytes(1024 * 1024);
  const began = performance.now();
  const fd = fs.openSync(file, 'w');
  for (let written = 0; written < bytes; written += block.length) fs.writeSync(fd, block);
  fs.fsyncSync(fd);
  fs.closeSync(fd);
  const ms = performance.now() - began;
  fs.rmSync(file);
  return Math.round((bytes / 1e6 / (ms / 1000)) * 10) / 10;
}
