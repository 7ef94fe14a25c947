import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import * as tar from 'tar';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { verifyAuditChain } from '../audit/chain.js';
import { loadConfig, type Config } from '../config.js';
import { openDatabase } from '../db/database.js';
import { createLogger } from '../logger.js';
import { prepareFirstRunSetup } from '../../modules/identity/index.js';
import { createServer } from '../../server.js';
import {
  call,
  dialects,
  freshDatabaseEnv,
  makeUser,
  startTestServer,
  tokenFor,
  type Credentials,
  type TestDialect,
  type TestEnv,
} from '../../test/harness.js';
import { BackupRefusal, createBackup, restoreBackup } from './index.js';
import { describeTable, listTables } from './tables.js';
import { encodeValue } from './values.js';

/** Every row of every table, keyed by primary key, values in their archive (JSON) form. */
async function tableRows(config: Config): Promise<Map<string, Map<string, string>>> {
  const handle = openDatabase(config, 1);
  try {
    const tables = new Map<string, Map<string, string>>();
    for (const name of await listTables(handle.db, handle.dialect)) {
      const info = await describeTable(handle.db, handle.dialect, name);
      const rows = await sql<Record<string, unknown>>`select * from ${sql.table(name)}`.execute(handle.db);
      tables.set(
        name,
        new Map(
          rows.rows.map((row) => [
            JSON.stringify(info.primaryKey.map((c) => encodeValue(row[c]))),
            JSON.stringify(info.columns.map((c) => encodeValue(row[c]))),
          ]),
        ),
      );
    }
    return tables;
  } finally {
    await handle.close();
  }
}

async function auditOf(config: Config) {
  const handle = openDatabase(config, 1);
  try {
    const rows = await handle.db
      .selectFrom('audit_log')
      .select(['action', 'entity_id'])
      .orderBy('seq')
      .execute();
    const people = await handle.db.selectFrom('people').select('id').execute();
    const sites = await handle.db.selectFrom('sites').select('id').execute();
    return {
      verify: await verifyAuditChain(handle),
      createdPeople: rows.filter((r) => r.action === 'person.created').map((r) => r.entity_id),
      createdSites: rows.filter((r) => r.action === 'site.created').map((r) => r.entity_id),
      people: people.map((p) => p.id),
      sites: sites.map((s) => s.id),
    };
  } finally {
    await handle.close();
  }
}

/** An empty target installation of a dialect, as `restore` would be pointed at. */
async function emptyTarget(dialect: TestDialect) {
  const fresh = await freshDatabaseEnv(dialect);
  return { config: loadConfig(fresh.env), env: fresh.env, cleanup: fresh.cleanup };
}

/**
 * Organization data made through the API: sites, users, people — one of whom names a manager
 * added after them (a forward reference within the table) — and their audit entries.
 */
async function seedThroughApi(t: TestEnv): Promise<{ admin: Credentials; siteId: string }> {
  const admin = await tokenFor(t, await makeUser(t, 'admin'));
  const siteIds: string[] = [];
  for (const [code, timezone] of [
    ['HQ', 'America/New_York'],
    ['FRA', 'Europe/Berlin'],
    ['SIN', 'Asia/Singapore'],
  ]) {
    const site = await call(t, 'POST', '/api/v1/sites', {
      as: admin,
      body: { name: `Site ${code}`, code, timezone, address: `1 ${code} Street` },
    });
    expect(site.status).toBe(201);
    siteIds.push(site.json.id);
  }
  for (const role of ['manager', 'officer']) {
    const user = await call(t, 'POST', '/api/v1/users', {
      as: admin,
      body: { email: `${role}@backup.example`, name: `A ${role}`, role, sites: siteIds.slice(0, 2) },
    });
    expect(user.status).toBe(201);
  }
  // A failed sign-in leaves a throttling row (an identity column on PostgreSQL) and an audit entry.
  const login = await call(t, 'POST', '/api/v1/auth/login', {
    body: { email: 'manager@backup.example', password: 'not the right password' },
  });
  expect(login.status).toBe(401);
  // An incident: its full-text index (FTS5 on SQLite, a generated tsvector on PostgreSQL) is
  // derived data that the restore must rebuild, not copy.
  const incident = await call(t, 'POST', '/api/v1/incidents', {
    as: admin,
    body: {
      title: 'Copper theft at the substation',
      type: 'theft',
      severity: 'high',
      siteId: siteIds[0],
      description: 'Cables cut overnight',
    },
  });
  expect(incident.status).toBe(201);
  const people: string[] = [];
  for (let i = 0; i < 30; i += 1) {
    const person = await call(t, 'POST', '/api/v1/people', {
      as: admin,
      body: {
        siteId: siteIds[i % 3],
        firstName: `Pérson ${i}`,
        lastName: `Ünicode "quoted" ${i}`,
        email: `p${i}@backup.example`,
        notes: i % 5 === 0 ? 'line one\nline two' : undefined,
        managerId: i > 0 && i % 4 === 0 ? people[0] : undefined,
      },
    });
    expect(person.status).toBe(201);
    people.push(person.json.id);
  }
  // The first person's manager is the last person: created after them.
  const patched = await call(t, 'PATCH', `/api/v1/people/${people[0]}`, {
    as: admin,
    body: { managerId: people[people.length - 1], title: 'Director' },
    headers: { 'if-match': '"v1"' },
  });
  expect(patched.status).toBe(200);
  return { admin, siteId: siteIds[0] ?? '' };
}

/** Keeps adding people through the API until stopped; records every acknowledged id. */
function startWriter(t: TestEnv, as: Credentials, siteId: string) {
  let stopped = false;
  const acked: string[] = [];
  const running = (async () => {
    for (let i = 0; !stopped; i += 1) {
      const response = await call(t, 'POST', '/api/v1/people', {
        as,
        body: { siteId, firstName: 'Writer', lastName: `Row ${i}` },
      });
      if (response.status !== 201) throw new Error(`writer got ${response.status}: ${response.body}`);
      acked.push(response.json.id);
    }
  })();
  return {
    acked,
    stop: async () => {
      stopped = true;
      await running;
    },
  };
}

async function waitFor(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !condition(); i += 1) await new Promise((r) => setTimeout(r, 10));
  expect(condition()).toBe(true);
}

function tempFile(name: string): string {
  return path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-backup-test-')), name);
}

describe.each(dialects)('backup and restore (%s)', (dialect) => {
  let t: TestEnv;
  const cleanups: (() => Promise<void>)[] = [];
  beforeEach(async () => {
    t = await startTestServer(dialect);
  });
  afterEach(async () => {
    await t.close();
    for (const cleanup of cleanups.splice(0)) await cleanup();
  });

  it('backs up online while a writer keeps writing; the restore is consistent and verifies', async () => {
    const { admin, siteId } = await seedThroughApi(t);
    const writer = startWriter(t, admin, siteId);
    await waitFor(() => writer.acked.length >= 3);
    const before = writer.acked.length;
    const file = tempFile('online.tar.gz');
    const summary = await createBackup(t.config, file, { batchSize: 5 });
    const during = writer.acked.length - before;
    await writer.stop();
    // The backup overlapped real writes, or this test would prove nothing about consistency.
    expect(during).toBeGreaterThan(0);

    const target = await emptyTarget(dialect);
    cleanups.push(target.cleanup);
    const restored = await restoreBackup(target.config, file);
    expect(restored.audit).toEqual(summary.audit);

    const audit = await auditOf(target.config);
    expect(audit.verify).toEqual({ ok: true, count: summary.audit.count });
    // One snapshot: every restored person and site has its creation entry and vice versa.
    expect(new Set(audit.people)).toEqual(new Set(audit.createdPeople));
    expect(new Set(audit.sites)).toEqual(new Set(audit.createdSites));
    // Writes acknowledged before the backup began are in it.
    const restoredPeople = new Set(audit.people);
    for (const id of writer.acked.slice(0, before)) expect(restoredPeople.has(id)).toBe(true);

    // Every restored row is identical to the source row; the source only has more (later) rows.
    const source = await tableRows(t.config);
    const copy = await tableRows(target.config);
    expect([...copy.keys()].sort()).toEqual([...source.keys()].sort());
    for (const [table, rows] of copy) {
      for (const [key, row] of rows) expect(source.get(table)?.get(key), `${table} ${key}`).toBe(row);
    }
    const seqs = [...(copy.get('audit_log')?.keys() ?? [])].map((k) => Number(JSON.parse(k)[0]));
    expect(Math.max(...seqs)).toBe(seqs.length);
  });

  it('restores a quiet installation exactly: every table row for row, blobs included', async () => {
    await seedThroughApi(t);
    fs.mkdirSync(path.join(t.config.blobDir, 'ab', 'cd'), { recursive: true });
    fs.writeFileSync(path.join(t.config.blobDir, 'ab', 'cd', 'evidence.bin'), Buffer.from([0, 1, 2, 255]));
    fs.mkdirSync(path.join(t.config.dataDir, 'keys'), { recursive: true });
    fs.writeFileSync(path.join(t.config.dataDir, 'keys', 'device-keys.key'), 'k'.repeat(44));
    const file = tempFile('quiet.tar.gz');
    const summary = await createBackup(t.config, file);
    expect((fs.statSync(file).mode & 0o777).toString(8)).toBe('600');
    expect(summary.blobs).toBe(1);

    // The target was started once and never used: migrated, seeded by migrations, a setup token
    // waiting. Nothing of record, so the restore takes it and the archive's rows replace those.
    const target = await emptyTarget(dialect);
    cleanups.push(target.cleanup);
    const started = await createServer(target.config, createLogger('silent'));
    expect(await prepareFirstRunSetup(started.ctx)).not.toBeNull();
    await started.close();
    // Small batches: the forward manager reference crosses INSERT statements.
    await restoreBackup(target.config, file, { batchSize: 4 });
    expect(await tableRows(target.config)).toEqual(await tableRows(t.config));
    expect(fs.readFileSync(path.join(target.config.blobDir, 'ab', 'cd', 'evidence.bin'))).toEqual(
      Buffer.from([0, 1, 2, 255]),
    );
    // The data dir's keys travel with the rows they unlock.
    const restoredKey = path.join(target.config.dataDir, 'keys', 'device-keys.key');
    expect(fs.readFileSync(restoredKey, 'utf8')).toBe('k'.repeat(44));
    expect((fs.statSync(restoredKey).mode & 0o777).toString(8)).toBe('600');
    const audit = await auditOf(target.config);
    expect(audit.verify).toEqual({ ok: true, count: summary.audit.count });
    // Full-text search works on the restored incidents.
    const restored = await createServer(target.config, createLogger('silent'));
    try {
      const reader = {
        dialect,
        config: target.config,
        server: restored,
        dataDir: target.config.dataDir,
        close: () => restored.close(),
      };
      const found = await call(reader, 'GET', '/api/v1/incidents?q=copper', {
        as: await tokenFor(reader, await makeUser(reader, 'admin')),
      });
      expect(found.json.items.map((i: { title: string }) => i.title)).toEqual([
        'Copper theft at the substation',
      ]);
    } finally {
      await restored.close();
    }
  });

  it('refuses a target that is not empty, and leaves it unchanged', async () => {
    await seedThroughApi(t);
    const file = tempFile('full.tar.gz');
    await createBackup(t.config, file);
    const before = await tableRows(t.config);
    await expect(restoreBackup(t.config, file)).rejects.toThrow(BackupRefusal);
    await expect(restoreBackup(t.config, file)).rejects.toThrow(/not empty \(table \w+ has rows\)/);
    expect(await tableRows(t.config)).toEqual(before);
  });

  it('refuses a damaged or altered archive and restores nothing', async () => {
    await seedThroughApi(t);
    const file = tempFile('good.tar.gz');
    await createBackup(t.config, file);
    const target = await emptyTarget(dialect);
    cleanups.push(target.cleanup);

    // Bytes damaged in transit: the gzip checksum or the tar structure no longer holds.
    const damaged = tempFile('damaged.tar.gz');
    const bytes = fs.readFileSync(file);
    for (let i = 0; i < 16; i += 1) {
      const at = Math.floor(bytes.length / 2) + i;
      bytes[at] = (bytes[at] ?? 0) ^ 0xff;
    }
    fs.writeFileSync(damaged, bytes);
    await expect(restoreBackup(target.config, damaged)).rejects.toThrow(BackupRefusal);

    // A well-formed archive whose people file was edited after the manifest was written.
    const unpacked = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-unpacked-'));
    await tar.extract({ file, cwd: unpacked });
    const peopleFile = path.join(unpacked, 'tables', 'people.jsonl');
    fs.writeFileSync(peopleFile, fs.readFileSync(peopleFile, 'utf8').replace('Pérson 3', 'Mallory 3'));
    const altered = tempFile('altered.tar.gz');
    await tar.create({ gzip: true, file: altered, cwd: unpacked }, fs.readdirSync(unpacked));
    await expect(restoreBackup(target.config, altered)).rejects.toThrow(
      /tables\/people\.jsonl in the archive is damaged \(SHA-256 mismatch\)/,
    );

    const rows = await tableRows(target.config);
    for (const [table, tableRows] of rows) expect(tableRows.size, table).toBe(0);
    // After the refusals the target is still empty, so the good archive restores.
    await restoreBackup(target.config, file);
    expect((await auditOf(target.config)).verify.ok).toBe(true);
  });
});

describe('backup portability', () => {
  it('restores a SQLite backup into PostgreSQL with identical rows', async () => {
    const t = await startTestServer('sqlite');
    const target = await emptyTarget('postgres');
    try {
      await seedThroughApi(t);
      const file = tempFile('sqlite.tar.gz');
      const summary = await createBackup(t.config, file);
      const restored = await restoreBackup(target.config, file);
      expect(restored.sourceDialect).toBe('sqlite');
      expect(await tableRows(target.config)).toEqual(await tableRows(t.config));
      expect((await auditOf(target.config)).verify).toEqual({ ok: true, count: summary.audit.count });
      // The restored installation keeps working: sequences moved past restored ids, chain extends.
      const handle = openDatabase(target.config, 1);
      try {
        await handle.db
          .insertInto('auth_failures')
          .values({ key: 'k', at: new Date().toISOString() })
          .execute();
      } finally {
        await handle.close();
      }
    } finally {
      await t.close();
      await target.cleanup();
    }
  });
});
