/** Tables of the job queue and scheduler (migration 0002), merged into the database type. */
export interface JobsTable {
  id: string;
  kind: string;
  payload: string;
  payload_version: number;
  state: string;
  run_at: string;
  attempts: number;
  max_attempts: number;
  last_error: string | null;
  locked_by: string | null;
  locked_until: string | null;
  dedupe_key: string | null;
  created_at: string;
  updated_at: string;
  finished_at: string | null;
}

export interface SchedulesTable {
  name: string;
  interval_seconds: number;
  next_run_at: string;
  last_run_at: string | null;
  enabled: number;
}

declare module '../db/schema.js' {
  interface Database {
    jobs: JobsTable;
    schedules: SchedulesTable;
  }
}
