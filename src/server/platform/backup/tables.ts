import { sql } from 'kysely';
import type { Dialect, Tx } from '../db/database.js';

/** Kysely's own bookkeeping: never backed up, because a restore runs the migrations itself. */
export const MIGRATION_TABLES = ['kysely_migration', 'kysely_migration_lock'] as const;

/** What backup and restore need to know about one table, read from the database catalog. */
export interface TableInfo {
  name: string;
  /** Column names in their declared order. */
  columns: string[];
  /** Primary-key columns in key order (empty when the table has none). */
  primaryKey: string[];
  /** Foreign keys: the referenced table and the referencing columns (in key order). */
  foreignKeys: { table: string; columns: string[] }[];
  /** PostgreSQL identity columns (inserting explicit values needs OVERRIDING SYSTEM VALUE). */
  identityColumns: string[];
  /** PostgreSQL columns fed by a sequence (identity or serial): moved past the restored values. */
  sequenceColumns: string[];
}

interface NameRow {
  name: string;
}

/** Names of the migrations applied to a database, in order (none when it was never migrated). */
export async function appliedMigrations(q: Tx, dialect: Dialect): Promise<string[]> {
  const table = MIGRATION_TABLES[0];
  const exists =
    dialect === 'sqlite'
      ? await sql`select 1 from sqlite_master where type = 'table' and name = ${table}`.execute(q)
      : await sql`select 1 from information_schema.tables
          where table_schema = current_schema() and table_name = ${table}`.execute(q);
  if (exists.rows.length === 0) return [];
  const rows = await sql<{ name: string }>`select name from ${sql.table(table)} order by name`.execute(q);
  return rows.rows.map((r) => r.name);
}

/** Every application table of the current database (SQLite file or PostgreSQL current schema). */
export async function listTables(db: Tx, dialect: Dialect): Promise<string[]> {
  const rows =
    dialect === 'sqlite'
      ? await sql<NameRow>`select name from sqlite_master
          where type = 'table' and name not like 'sqlite_%' order by name`.execute(db)
      : await sql<NameRow>`select table_name as name from information_schema.tables
          where table_schema = current_schema() and table_type = 'BASE TABLE' order by table_name`.execute(
          db,
        );
  const skip: readonly string[] = MIGRATION_TABLES;
  // SQLite full-text indexes (FTS5 virtual tables and their shadow tables) are derived data, kept
  // in step by triggers on their content tables: restoring the content rebuilds them.
  const virtual =
    dialect === 'sqlite'
      ? (
          await sql<NameRow>`select name from sqlite_master
            where type = 'table' and sql like 'CREATE VIRTUAL TABLE%'`.execute(db)
        ).rows.map((row) => row.name)
      : [];
  const derived = (name: string) => virtual.some((v) => name === v || name.startsWith(`${v}_`));
  return rows.rows.map((row) => row.name).filter((name) => !skip.includes(name) && !derived(name));
}

/** Reads columns, primary key, foreign keys and identity columns of a table from the catalog. */
export async function describeTable(db: Tx, dialect: Dialect, table: string): Promise<TableInfo> {
  if (dialect === 'sqlite') {
    const columns = await sql<{ name: string; pk: number }>`
      select name, pk from pragma_table_info(${table}) order by cid`.execute(db);
    const keys = await sql<{ id: number; seq: number; table: string; from: string }>`
      select id, seq, "table", "from" from pragma_foreign_key_list(${table}) order by id, seq`.execute(db);
    return {
      name: table,
      columns: columns.rows.map((c) => c.name),
      primaryKey: columns.rows
        .filter((c) => c.pk > 0)
        .sort((a, b) => a.pk - b.pk)
        .map((c) => c.name),
      foreignKeys: groupForeignKeys(keys.rows.map((k) => ({ id: k.id, table: k.table, column: k.from }))),
      identityColumns: [],
      sequenceColumns: [],
    };
  }
  // Generated columns (e.g. a full-text tsvector) are computed again on insert: never copied.
  const columns = await sql<{ name: string; is_identity: string; column_default: string | null }>`
    select column_name as name, is_identity, column_default from information_schema.columns
    where table_schema = current_schema() and table_name = ${table} and is_generated = 'NEVER'
    order by ordinal_position`.execute(db);
  const primaryKey = await sql<NameRow>`
    select a.attname as name
    from pg_constraint c
    join pg_class cl on cl.oid = c.conrelid
    join pg_namespace n on n.oid = cl.relnamespace
    cross join lateral unnest(c.conkey) with ordinality as k(attnum, position)
    join pg_attribute a on a.attrelid = c.conrelid and a.attnum = k.attnum
    where c.contype = 'p' and n.nspname = current_schema() and cl.relname = ${table}
    order by k.position`.execute(db);
  const keys = await sql<{ id: number; table: string; column: string }>`
    select c.oid::int8 as id, ref.relname as "table", a.attname as "column"
    from pg_constraint c
    join pg_class cl on cl.oid = c.conrelid
    join pg_class ref on ref.oid = c.confrelid
    join pg_namespace n on n.oid = cl.relnamespace
    cross join lateral unnest(c.conkey) with ordinality as k(attnum, position)
    join pg_attribute a on a.attrelid = c.conrelid and a.attnum = k.attnum
    where c.contype = 'f' and n.nspname = current_schema() and cl.relname = ${table}
    order by c.oid, k.position`.execute(db);
  return {
    name: table,
    columns: columns.rows.map((c) => c.name),
    primaryKey: primaryKey.rows.map((r) => r.name),
    foreignKeys: groupForeignKeys(keys.rows),
    identityColumns: columns.rows.filter((c) => c.is_identity === 'YES').map((c) => c.name),
    sequenceColumns: columns.rows
      .filter((c) => c.is_identity === 'YES' || (c.column_default ?? '').startsWith('nextval('))
      .map((c) => c.name),
  };
}

function groupForeignKeys(rows: { id: number; table: string; column: string }[]): TableInfo['foreignKeys'] {
  const byId = new Map<number, { table: string; columns: string[] }>();
  for (const row of rows) {
    const key = byId.get(row.id) ?? { table: row.table, columns: [] };
    key.columns.push(row.column);
    byId.set(row.id, key);
  }
  return [...byId.values()];
}

/**
 * Orders tables so that every table comes after the tables it references (Kahn's algorithm,
 * alphabetical among equals so the order is stable). Self references (people.manager_id) are not
 * ordering constraints; the restore handles them row by row. Tables caught in a cycle between
 * tables come last, alphabetically: the restore defers foreign-key checks where the database allows.
 */
export function dependencyOrder(tables: readonly TableInfo[]): string[] {
  const names = new Set(tables.map((t) => t.name));
  const dependsOn = new Map<string, Set<string>>();
  for (const table of tables) {
    const deps = new Set(
      table.foreignKeys.map((fk) => fk.table).filter((ref) => ref !== table.name && names.has(ref)),
    );
    dependsOn.set(table.name, deps);
  }
  const ordered: string[] = [];
  const remaining = new Set([...names].sort());
  for (;;) {
    const ready = [...remaining].filter((name) =>
      [...(dependsOn.get(name) ?? [])].every((dep) => !remaining.has(dep)),
    );
    if (ready.length === 0) break;
    for (const name of ready) {
      ordered.push(name);
      remaining.delete(name);
    }
  }
  return [...ordered, ...remaining];
}
