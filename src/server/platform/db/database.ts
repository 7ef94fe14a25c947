import fs from 'node:fs';
import BetterSqlite3 from 'better-sqlite3';
import {
  Kysely,
  PostgresDialect,
  SqliteDialect,
  sql,
  type SqliteDatabase,
  type Transaction as KyselyTransaction,
} from 'kysely';
import pg from 'pg';
import type { Config } from '../config.js';
import type { Database } from './schema.js';

export type Dialect = 'sqlite' | 'postgres';
/** A query executor inside a transaction (or the pool outside one). */
export type Db = Kysely<Database>;
export type Tx = Kysely<Database> | KyselyTransaction<Database>;

export interface DatabaseHandle {
  db: Db;
  dialect: Dialect;
  /** The raw better-sqlite3 handle (SQLite only): used for online backup. */
  sqlite?: BetterSqlite3.Database;
  /**
   * Runs `fn` in one write transaction. SQLite: `BEGIN IMMEDIATE`, so the single writer lock is
   * taken up front and a read-then-write never fails with SQLITE_BUSY_SNAPSHOT when another
   * process (the CLI) wrote in between. PostgreSQL: a READ COMMITTED transaction.
   */
  transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

// pg returns int8 and numeric as strings; Vigil's counts and sums fit in a double, so normalise once here.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value));
pg.types.setTypeParser(pg.types.builtins.NUMERIC, (value) => Number(value));

/** Opens the configured database (SQLite under the data dir, or PostgreSQL from DATABASE_URL). */
export function openDatabase(
  config: Pick<Config, 'dialect' | 'DATABASE_URL' | 'sqlitePath' | 'dataDir'>,
  poolSize = 10,
): DatabaseHandle {
  if (config.dialect === 'postgres') {
    const pool = new pg.Pool({ connectionString: config.DATABASE_URL, max: poolSize });
    // An idle client that errors (server restart) must not crash the process; the pool replaces it.
    pool.on('error', () => undefined);
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    return {
      db,
      dialect: 'postgres',
      transaction: (fn) => db.transaction().execute(fn),
      close: () => db.destroy(),
    };
  }
  fs.mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  const sqlite = openSqliteFile(config.sqlitePath);
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(sqlite) }) });
  return {
    db,
    dialect: 'sqlite',
    sqlite,
    transaction: (fn) =>
      db.connection().execute(async (conn) => {
        await sql`begin immediate`.execute(conn);
        try {
          const result = await fn(conn);
          await sql`commit`.execute(conn);
          return result;
        } catch (error) {
          await sql`rollback`.execute(conn);
          throw error;
        }
      }),
    close: () => db.destroy(),
  };
}

/**
 * better-sqlite3 behind a statement cache (least recently used, bounded). Kysely prepares every
 * query anew; parsing and planning the same SQL on each request was measurable on the hot list
 * path (bench/api.ts). A cached statement is safe to reuse: Kysely runs one query at a time on the
 * connection and `all`/`run` finish before they return.
 */
function withStatementCache(sqlite: BetterSqlite3.Database, size = 1000): SqliteDatabase {
  const cache = new Map<string, BetterSqlite3.Statement>();
  return {
    close: () => sqlite.close(),
    prepare: (text: string) => {
      const cached = cache.get(text);
      if (cached) {
        cache.delete(text);
        cache.set(text, cached);
        return cached;
      }
      const statement = sqlite.prepare(text);
      cache.set(text, statement);
      if (cache.size > size) {
        const oldest = cache.keys().next();
        if (!oldest.done) cache.delete(oldest.value);
      }
      return statement;
    },
  };
}

/** Opens a SQLite file with Vigil's durability settings. */
export function openSqliteFile(file: string): BetterSqlite3.Database {
  const sqlite = new BetterSqlite3(file);
  // WAL + synchronous=FULL: a committed transaction is on disk before the client hears "done",
  // so an acknowledged write survives kill -9 and power loss.
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = FULL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 10000');
  return sqlite;
}
