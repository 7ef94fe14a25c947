import Database from 'better-sqlite3';
import type { Dc09PipelineEvent } from '../pipeline-adapter.js';

// A stand-in for the monitoring pipeline's commit, for the bench and the crash test: a real
// durable write (WAL, synchronous=FULL, one transaction per batch, dedupe on sourceEventId),
// without the rest of the module. The production commit belongs to the ingestion pipeline.

export interface SqliteEventStore {
  commit: (events: Dc09PipelineEvent[]) => Promise<void>;
  count: () => number;
  ids: () => string[];
  /** Durations of the commits so far, in milliseconds. */
  commitDurations: number[];
  close: () => void;
}

/** Opens (creating if needed) an event table in a SQLite file with full durability. */
export function openSqliteEventStore(file: string): SqliteEventStore {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.exec(`create table if not exists dc09_event (
    source_event_id text primary key, account text not null, receiver text, prefix text,
    type text not null, raw_code text not null, zone text, user_ref text,
    occurred_at text not null, received_at text not null, details text)`);
  const insert = db.prepare('insert or ignore into dc09_event values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)');
  const insertBatch = db.transaction((events: Dc09PipelineEvent[]) => {
    for (const e of events) {
      insert.run(
        e.sourceEventId,
        e.account,
        e.receiver ?? null,
        e.prefix ?? null,
        e.type,
        e.rawCode,
        e.zone ?? null,
        e.user ?? null,
        e.occurredAt,
        e.receivedAt,
        JSON.stringify(e.details ?? {}),
      );
    }
  });
  const count = db.prepare('select count(*) as n from dc09_event').pluck();
  const ids = db.prepare('select source_event_id from dc09_event').pluck();
  const commitDurations: number[] = [];
  return {
    commit: (events) => {
      const started = performance.now();
      insertBatch(events);
      commitDurations.push(performance.now() - started);
      return Promise.resolve();
    },
    count: () => Number(count.get()),
    ids: () => ids.all().map(String),
    commitDurations,
    close: () => db.close(),
  };
}
