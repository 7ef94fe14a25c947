import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { Migrator, sql } from 'kysely';
import * as tar from 'tar';
import { migrations } from '../../migrations/index.js';
import { verifyAuditChain } from '../audit/chain.js';
import type { Config } from '../config.js';
import { openDatabase, type DatabaseHandle, type Dialect, type Tx } from '../db/database.js';
import { migrateToLatest } from '../db/migrate.js';
import type { Progress } from './backup.js';
import { digestFile, listFiles } from './files.js';
import {
  BLOBS_DIR,
  KEYS_DIR,
  FORMAT_VERSION,
  MANIFEST_FILE,
  manifestSchema,
  type Manifest,
} from './manifest.js';
import { BackupRefusal } from './refusal.js';
import { appliedMigrations, dependencyOrder, describeTable, listTables, type TableInfo } from './tables.js';
import { decodeValue } from './values.js';

export interface RestoreOptions {
  /** Rows per INSERT statement (capped so a statement stays under the drivers' parameter limits). */
  batchSize?: number;
  onProgress?: (progress: Progress) => void;
}

export interface RestoreSummary {
  tables: number;
  rows: number;
  blobs: number;
  audit: Manifest['audit'];
  /** When and from which dialect the archive was taken. */
  createdAt: string;
  sourceDialect: Dialect;
}

// Both drivers bind at least 32,766 parameters per statement (SQLite ≥ 3.32; PostgreSQL 65,535).
const MAX_PARAMETERS = 30_000;

/**
 * Tables that hold something of record once anyone has used the installation. Every write of
 * record is audited and the first act is creating a user, so with both empty nothing would be
 * lost — while rows that migrations seed (a default risk matrix) or a started server leaves
 * (a setup token, schedules) are replaced by the archive's own.
 */
const RECORD_TABLES = ['audit_log', 'users'] as const;

/** Refuses unless the target holds no records and no blobs. */
async function assertEmptyTarget(handle: DatabaseHandle, config: Config): Promise<void> {
  const present = new Set(await listTables(handle.db, handle.dialect));
  for (const table of RECORD_TABLES.filter((name) => present.has(name))) {
    const row = await sql`select 1 from ${sql.table(table)} limit 1`.execute(handle.db);
    if (row.rows.length > 0) {
      throw new BackupRefusal(
        `the target is not empty (table ${table} has rows); restore needs an empty data dir and database`,
      );
    }
  }
  if (listFiles(config.blobDir).length > 0) {
    throw new BackupRefusal(
      `the target is not empty (${config.blobDir} holds files); restore needs an empty data dir and database`,
    );
  }
}

/** Unpacks regular files and folders only: links in an archive could point anywhere. */
async function extractArchive(from: string, into: string): Promise<void> {
  try {
    await tar.extract({
      file: from,
      cwd: into,
      strict: true,
      preservePaths: false,
      filter: (_path, entry) => 'type' in entry && (entry.type === 'File' || entry.type === 'Directory'),
    });
  } catch (error) {
    throw new BackupRefusal(
      `--from: ${from} is not a readable backup archive (${error instanceof Error ? error.message : String(error)})`,
    );
  }
}

/** Reads the manifest and checks every member against its SHA-256 before anything is written. */
async function readVerifiedManifest(from: string, staging: string): Promise<Manifest> {
  const manifestPath = path.join(staging, MANIFEST_FILE);
  if (!fs.existsSync(manifestPath))
    throw new BackupRefusal(`--from: ${from} has no ${MANIFEST_FILE}; it is not a Vigil backup`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(manifestPath, 'utf8'));
  } catch {
    throw new BackupRefusal(`--from: the manifest of ${from} is not valid JSON (damaged archive)`);
  }
  const result = manifestSchema.safeParse(parsed);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new BackupRefusal(
      `--from: the manifest of ${from} is not valid (${issue ? `${issue.path.join('.')}: ${issue.message}` : 'unreadable'})`,
    );
  }
  const manifest = result.data;
  if (manifest.formatVersion > FORMAT_VERSION)
    throw new BackupRefusal(
      `--from: the archive has format ${manifest.formatVersion}, made by a newer Vigil; this one reads up to ${FORMAT_VERSION}`,
    );
  const listed = new Set(manifest.members.map((m) => m.path));
  for (const file of listFiles(staging)) {
    if (file !== MANIFEST_FILE && !listed.has(file))
      throw new BackupRefusal(`--from: the archive holds ${file}, which its manifest does not list`);
  }
  for (const member of manifest.members) {
    const file = path.join(staging, member.path);
    const digest = fs.existsSync(file) ? await digestFile(file) : null;
    if (!digest || digest.sha256 !== member.sha256 || digest.bytes !== member.bytes) {
      throw new BackupRefusal(
        `--from: ${member.path} in the archive is ${digest ? 'damaged (SHA-256 mismatch)' : 'missing'}; nothing was restored`,
      );
    }
  }
  for (const table of manifest.tables) {
    if (!listed.has(table.file))
      throw new BackupRefusal(`--from: the manifest names ${table.file} but does not list its hash`);
  }
  return manifest;
}

/**
 * Brings the target schema to the archive's migration, no further: rows are loaded into the schema
 * they were read from, and later migrations then transform them like any other upgrade.
 */
async function migrateToArchive(handle: DatabaseHandle, manifest: Manifest): Promise<void> {
  const known = Object.keys(migrations);
  const archived = manifest.migrations;
  const unknown = archived.find((name, index) => known[index] !== name);
  if (unknown !== undefined)
    throw new BackupRefusal(
      `--from: the archive's schema has migration ${unknown}, which this version of Vigil does not know (restore with the version that made it, or a newer one)`,
    );
  const applied = await appliedMigrations(handle.db, handle.dialect);
  if (applied.length > archived.length || applied.some((name, index) => archived[index] !== name))
    throw new BackupRefusal(
      'the target database was migrated past the archive; restore into a new, empty database',
    );
  const last = archived[archived.length - 1];
  if (last === undefined) return;
  const migrator = new Migrator({
    db: handle.db,
    provider: { getMigrations: () => Promise.resolve(migrations) },
  });
  const { error } = await migrator.migrateTo(last);
  if (error) throw error instanceof Error ? error : new Error('migration failed', { cause: error });
}

async function* readRows(file: string, columns: number): AsyncGenerator<unknown[]> {
  const lines = readline.createInterface({ input: fs.createReadStream(file), crlfDelay: Infinity });
  for await (const line of lines) {
    if (line === '') continue;
    const row: unknown = JSON.parse(line);
    if (!Array.isArray(row) || row.length !== columns)
      throw new BackupRefusal(`--from: a row of ${path.basename(file)} does not match its columns`);
    yield row;
  }
}

interface LoadState {
  dialect: Dialect;
  batchSize: number;
  done: number;
  total: number;
  onProgress?: (progress: Progress) => void;
}

/** Loads one table's rows in batches; returns how many rows it inserted. */
async function loadTable(
  tx: Tx,
  table: Manifest['tables'][number],
  info: TableInfo,
  file: string,
  state: LoadState,
): Promise<number> {
  const columns = table.columns;
  const rowsPerInsert = Math.max(1, Math.min(state.batchSize, Math.floor(MAX_PARAMETERS / columns.length)));
  const overriding =
    state.dialect === 'postgres' && info.identityColumns.some((c) => columns.includes(c))
      ? sql`overriding system value`
      : sql``;
  // A row may name a row of its own table that was inserted after it (a person whose manager was
  // added later). Such references are loaded as null and set once the whole table is in.
  const pkIndex = info.primaryKey.length === 1 ? columns.indexOf(info.primaryKey[0] ?? '') : -1;
  const selfRefs =
    pkIndex < 0
      ? []
      : info.foreignKeys
          .filter((fk) => fk.table === info.name && fk.columns.length === 1)
          .map((fk) => ({ column: fk.columns[0] ?? '', index: columns.indexOf(fk.columns[0] ?? '') }))
          .filter((ref) => ref.index >= 0);
  const seen = new Set<unknown>();
  const later: { key: unknown; column: string; value: unknown }[] = [];

  let count = 0;
  let batch: unknown[][] = [];
  const flush = async () => {
    if (batch.length === 0) return;
    if (selfRefs.length > 0) {
      for (const row of batch) seen.add(row[pkIndex]);
      for (const row of batch) {
        for (const ref of selfRefs) {
          const value = row[ref.index];
          if (value !== null && !seen.has(value)) {
            later.push({ key: row[pkIndex], column: ref.column, value });
            row[ref.index] = null;
          }
        }
      }
    }
    const values = sql.join(
      batch.map((row) => sql`(${sql.join(row.map((value) => decodeValue(value, state.dialect)))})`),
    );
    await sql`insert into ${sql.table(table.name)} (${sql.join(columns.map((c) => sql.id(c)))})
      ${overriding} values ${values}`.execute(tx);
    count += batch.length;
    state.done += batch.length;
    state.onProgress?.({ phase: 'tables', table: table.name, done: state.done, total: state.total });
    batch = [];
  };
  for await (const row of readRows(file, columns.length)) {
    batch.push(row);
    if (batch.length >= rowsPerInsert) await flush();
  }
  await flush();

  const keyColumn = info.primaryKey[0];
  if (keyColumn !== undefined) {
    for (const ref of later) {
      await sql`update ${sql.table(table.name)} set ${sql.id(ref.column)} = ${decodeValue(ref.value, state.dialect)}
        where ${sql.id(keyColumn)} = ${decodeValue(ref.key, state.dialect)}`.execute(tx);
    }
  }
  if (count !== table.rows)
    throw new BackupRefusal(`--from: ${table.file} has ${count} rows but the manifest says ${table.rows}`);
  return count;
}

/**
 * Puts the archive's key files into the data dir (mode 0600). An empty target may hold a key made
 * by a first start; it protects nothing yet, and the restored rows need the archive's key.
 */
function placeKeys(staging: string, dataDir: string): void {
  const source = path.join(staging, KEYS_DIR);
  for (const file of listFiles(source)) {
    const target = path.join(dataDir, KEYS_DIR, file);
    fs.mkdirSync(path.dirname(target), { recursive: true, mode: 0o700 });
    fs.copyFileSync(path.join(source, file), target);
    fs.chmodSync(target, 0o600);
  }
}

/** Moves the archive's blobs into the blob folder; returns the files placed, to undo on failure. */
function placeBlobs(staging: string, blobDir: string): string[] {
  const source = path.join(staging, BLOBS_DIR);
  const placed: string[] = [];
  for (const file of listFiles(source)) {
    const target = path.join(blobDir, file);
    fs.mkdirSync(path.dirname(target), { recursive: true, mode: 0o700 });
    try {
      fs.renameSync(path.join(source, file), target);
    } catch {
      fs.copyFileSync(path.join(source, file), target, fs.constants.COPYFILE_EXCL);
    }
    placed.push(target);
  }
  return placed;
}

/**
 * Restores an archive made by createBackup into an empty installation (SQLite or PostgreSQL,
 * whichever the archive came from): checks every member's hash, migrates to the archive's schema,
 * loads all tables in one transaction, verifies the audit chain ends at the archive's head before
 * committing, then migrates to the latest schema. Refuses a non-empty target.
 */
export async function restoreBackup(
  config: Config,
  fromFile: string,
  options: RestoreOptions = {},
): Promise<RestoreSummary> {
  const from = path.resolve(fromFile);
  if (!fs.existsSync(from) || !fs.statSync(from).isFile())
    throw new BackupRefusal(`--from: ${from} does not exist`);
  fs.mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  const handle = openDatabase(config, 1);
  let staging: string | undefined;
  try {
    await assertEmptyTarget(handle, config);
    staging = fs.mkdtempSync(path.join(config.dataDir, '.restore-'));
    await extractArchive(from, staging);
    const manifest = await readVerifiedManifest(from, staging);
    await migrateToArchive(handle, manifest);

    const infos = new Map<string, TableInfo>();
    const present = new Set(await listTables(handle.db, handle.dialect));
    for (const table of manifest.tables) {
      if (!present.has(table.name))
        throw new BackupRefusal(`--from: the archive's table ${table.name} is not in the schema it names`);
      const info = await describeTable(handle.db, handle.dialect, table.name);
      const missing = table.columns.find((c) => !info.columns.includes(c));
      if (missing !== undefined)
        throw new BackupRefusal(`--from: the archive's column ${table.name}.${missing} is not in the schema`);
      infos.set(table.name, info);
    }
    const byName = new Map(manifest.tables.map((t) => [t.name, t]));
    const order = dependencyOrder([...infos.values()]);
    const state: LoadState = {
      dialect: handle.dialect,
      batchSize: options.batchSize ?? 500,
      done: 0,
      total: manifest.tables.reduce((sum, t) => sum + t.rows, 0),
      onProgress: options.onProgress,
    };

    const placed = placeBlobs(staging, config.blobDir);
    placeKeys(staging, config.dataDir);
    const stagingDir = staging;
    try {
      await handle.transaction(async (tx) => {
        // Cycles between tables (none in Vigil today) load with checks deferred to commit where the
        // database allows it: always on SQLite, for DEFERRABLE constraints on PostgreSQL.
        await (
          handle.dialect === 'sqlite'
            ? sql`pragma defer_foreign_keys = on`
            : sql`set constraints all deferred`
        ).execute(tx);
        // Seeded and leftover rows give way to the archive's (dependents first).
        for (const name of [...order].reverse()) {
          if (name !== 'audit_log') await sql`delete from ${sql.table(name)}`.execute(tx);
        }
        for (const name of order) {
          const table = byName.get(name);
          const info = infos.get(name);
          if (!table || !info) continue;
          await loadTable(tx, table, info, path.join(stagingDir, table.file), state);
          for (const column of info.sequenceColumns) {
            await sql`select setval(pg_get_serial_sequence(${name}, ${column}),
              (select coalesce(max(${sql.id(column)}), 0) + 1 from ${sql.table(name)}), false)`.execute(tx);
          }
        }
        if (byName.has('audit_log')) await checkAuditChain(tx, manifest, options.onProgress);
      });
    } catch (error) {
      for (const file of placed) fs.rmSync(file, { force: true });
      throw error;
    }
    await migrateToLatest(handle);
    return {
      tables: manifest.tables.length,
      rows: state.done,
      blobs: placed.length,
      audit: manifest.audit,
      createdAt: manifest.createdAt,
      sourceDialect: manifest.dialect,
    };
  } finally {
    await handle.close();
    if (staging) fs.rmSync(staging, { recursive: true, force: true });
  }
}

/** The restored chain must verify and end at the head recorded in the manifest (no entry lost). */
async function checkAuditChain(
  tx: Tx,
  manifest: Manifest,
  onProgress: RestoreOptions['onProgress'],
): Promise<void> {
  onProgress?.({ phase: 'verify', done: 0, total: manifest.audit.count });
  const result = await verifyAuditChain({ db: tx });
  if (!result.ok) {
    throw new BackupRefusal(
      `the archive's audit log does not verify: entry #${result.badSeq} ${result.reason}; nothing was restored`,
    );
  }
  const head = await tx
    .selectFrom('audit_log')
    .select('hash')
    .orderBy('seq', 'desc')
    .limit(1)
    .executeTakeFirst();
  if (result.count !== manifest.audit.count || (head?.hash ?? null) !== manifest.audit.headHash) {
    throw new BackupRefusal(
      `the archive's audit log ends at entry #${result.count}, not at the head its manifest records; nothing was restored`,
    );
  }
  onProgress?.({ phase: 'verify', done: result.count, total: manifest.audit.count });
}
