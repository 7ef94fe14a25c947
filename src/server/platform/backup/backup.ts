import fs from 'node:fs';
import path from 'node:path';
import { setImmediate } from 'node:timers/promises';
import { sql, type QueryResult, type RawBuilder } from 'kysely';
import * as tar from 'tar';
import type { Config } from '../config.js';
import { openDatabase, type DatabaseHandle, type Tx } from '../db/database.js';
import { nowIso } from '../ids.js';
import { digestFile, HashingWriter, listFiles } from './files.js';
import { BLOBS_DIR, KEYS_DIR, FORMAT_VERSION, MANIFEST_FILE, TABLES_DIR, type Manifest } from './manifest.js';
import { BackupRefusal } from './refusal.js';
import { appliedMigrations, dependencyOrder, describeTable, listTables, type TableInfo } from './tables.js';
import { encodeValue } from './values.js';

/** Progress of a long backup or restore, for a progress display. */
export interface Progress {
  phase: 'tables' | 'blobs' | 'verify';
  table?: string;
  done: number;
  total: number;
}

export interface BackupOptions {
  /** Rows read per query (smaller batches interleave better with a busy server). */
  batchSize?: number;
  onProgress?: (progress: Progress) => void;
}

export interface BackupSummary {
  file: string;
  tables: number;
  rows: number;
  blobs: number;
  bytes: number;
  audit: Manifest['audit'];
}

/**
 * Runs `fn` inside one consistent read snapshot while other connections keep writing.
 * SQLite (WAL): a deferred read transaction pins the snapshot at its first read and never blocks
 * the writer. PostgreSQL: REPEATABLE READ READ ONLY sees one snapshot for the whole transaction.
 */
async function withSnapshot<T>(handle: DatabaseHandle, fn: (q: Tx) => Promise<T>): Promise<T> {
  if (handle.dialect === 'postgres') {
    return handle.db
      .transaction()
      .setIsolationLevel('repeatable read')
      .setAccessMode('read only')
      .execute(fn);
  }
  return handle.db.connection().execute(async (conn) => {
    await sql`begin`.execute(conn);
    try {
      return await fn(conn);
    } finally {
      await sql`commit`.execute(conn);
    }
  });
}

/** Reads a table in primary-key order, one batch at a time (keyset pagination inside the snapshot). */
async function* readTable(
  q: Tx,
  table: TableInfo,
  batchSize: number,
): AsyncGenerator<Record<string, unknown>[]> {
  const columns = sql.join(table.columns.map((c) => sql.id(c)));
  if (table.primaryKey.length === 0) {
    // No key to page on: one ordered read (Vigil's tables all have keys; this is the safe fallback).
    const all = await sql<Record<string, unknown>>`select ${columns} from ${sql.table(table.name)}
      order by ${columns}`.execute(q);
    yield all.rows;
    return;
  }
  const key = sql.join(table.primaryKey.map((c) => sql.id(c)));
  let after: unknown[] | null = null;
  for (;;) {
    const where: RawBuilder<unknown> = after === null ? sql`` : sql`where (${key}) > (${sql.join(after)})`;
    const page: QueryResult<Record<string, unknown>> = await sql<
      Record<string, unknown>
    >`select ${columns} from ${sql.table(table.name)}
      ${where} order by ${key} limit ${batchSize}`.execute(q);
    if (page.rows.length === 0) return;
    yield page.rows;
    if (page.rows.length < batchSize) return;
    const last: Record<string, unknown> = page.rows[page.rows.length - 1] ?? {};
    after = table.primaryKey.map((c): unknown => last[c]);
  }
}

/**
 * Takes a consistent online backup into one .tar.gz: a manifest, one JSON-lines file per table
 * (rows as arrays in the manifest's column order) and the blob folder. The server may keep running.
 * The archive appears under its final name only when complete, readable by its owner alone.
 */
export async function createBackup(
  config: Config,
  outFile: string,
  options: BackupOptions = {},
): Promise<BackupSummary> {
  const out = path.resolve(outFile);
  const batchSize = options.batchSize ?? 1000;
  if (fs.existsSync(out)) throw new BackupRefusal(`--out: ${out} already exists; choose a new file name`);
  if (!fs.existsSync(path.dirname(out)))
    throw new BackupRefusal(`--out: the folder ${path.dirname(out)} does not exist`);
  if (config.dialect === 'sqlite' && !fs.existsSync(config.sqlitePath))
    throw new BackupRefusal(`nothing to back up: there is no database at ${config.sqlitePath}`);

  const staging = fs.mkdtempSync(path.join(path.dirname(out), `.${path.basename(out)}.tmp-`));
  const partial = `${staging}.partial`;
  const handle = openDatabase(config, 1);
  try {
    fs.mkdirSync(path.join(staging, TABLES_DIR), { mode: 0o700 });
    const members: Manifest['members'] = [];
    const snapshot = await withSnapshot(handle, async (q) => {
      const migrations = await appliedMigrations(q, handle.dialect);
      const infos = await Promise.all(
        (await listTables(q, handle.dialect)).map((name) => describeTable(q, handle.dialect, name)),
      );
      const byName = new Map(infos.map((info) => [info.name, info]));
      const order = dependencyOrder(infos);
      const counts = new Map<string, number>();
      for (const name of order) {
        const row = await sql<{ n: number | string }>`select count(*) as n from ${sql.table(name)}`.execute(
          q,
        );
        counts.set(name, Number(row.rows[0]?.n ?? 0));
      }
      const total = [...counts.values()].reduce((a, b) => a + b, 0);
      let done = 0;
      const tables: Manifest['tables'] = [];
      for (const name of order) {
        const info = byName.get(name);
        if (!info) continue;
        const file = `${TABLES_DIR}/${name}.jsonl`;
        const writer = new HashingWriter(path.join(staging, file));
        let rows = 0;
        for await (const batch of readTable(q, info, batchSize)) {
          await writer.write(
            batch.map((row) => `${JSON.stringify(info.columns.map((c) => encodeValue(row[c])))}\n`).join(''),
          );
          rows += batch.length;
          done += batch.length;
          options.onProgress?.({ phase: 'tables', table: name, done, total });
          // Let other work of this process run between batches (SQLite reads are synchronous):
          // a backup started inside a running server must not stall its requests.
          await setImmediate();
        }
        members.push({ path: file, ...(await writer.close()) });
        tables.push({ name, file, columns: info.columns, rows });
      }
      const audit = byName.has('audit_log')
        ? {
            count: tables.find((t) => t.name === 'audit_log')?.rows ?? 0,
            headHash:
              (
                await q
                  .selectFrom('audit_log')
                  .select('hash')
                  .orderBy('seq', 'desc')
                  .limit(1)
                  .executeTakeFirst()
              )?.hash ?? null,
          }
        : { count: 0, headHash: null };
      return { migrations, tables, audit };
    });

    // Blobs are written before the rows that name them and never rewritten, so copying them after
    // the snapshot includes every blob the snapshot refers to.
    const blobs = listFiles(config.blobDir);
    if (blobs.length > 0) fs.symlinkSync(config.blobDir, path.join(staging, BLOBS_DIR), 'dir');
    for (const [index, blob] of blobs.entries()) {
      members.push({ path: `${BLOBS_DIR}/${blob}`, ...(await digestFile(path.join(config.blobDir, blob))) });
      options.onProgress?.({ phase: 'blobs', done: index + 1, total: blobs.length });
    }
    const keysDir = path.join(config.dataDir, KEYS_DIR);
    const keys = listFiles(keysDir);
    if (keys.length > 0) fs.symlinkSync(keysDir, path.join(staging, KEYS_DIR), 'dir');
    for (const key of keys)
      members.push({ path: `${KEYS_DIR}/${key}`, ...(await digestFile(path.join(keysDir, key))) });

    const manifest: Manifest = {
      format: 'vigil-backup',
      formatVersion: FORMAT_VERSION,
      createdAt: nowIso(),
      dialect: handle.dialect,
      migrations: snapshot.migrations,
      tables: snapshot.tables,
      audit: snapshot.audit,
      members,
    };
    fs.writeFileSync(path.join(staging, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`, {
      mode: 0o600,
    });
    // The archive holds password hashes and personal data: owner-only from the first byte.
    fs.writeFileSync(partial, '', { mode: 0o600 });
    await tar.create({ gzip: true, file: partial, cwd: staging, portable: true }, [
      MANIFEST_FILE,
      ...members.map((m) => m.path),
    ]);
    if (fs.existsSync(out)) throw new BackupRefusal(`--out: ${out} appeared while backing up; not replaced`);
    fs.renameSync(partial, out);
    return {
      file: out,
      tables: snapshot.tables.length,
      rows: snapshot.tables.reduce((sum, t) => sum + t.rows, 0),
      blobs: blobs.length,
      bytes: fs.statSync(out).size,
      audit: snapshot.audit,
    };
  } finally {
    await handle.close();
    fs.rmSync(staging, { recursive: true, force: true });
    fs.rmSync(partial, { force: true });
  }
}
