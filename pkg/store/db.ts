/**
 * What the repository needs from a database, implemented by the embedded SQLite store (`sqlite.ts`) and the
 * PostgreSQL store (`postgres.ts`). Statements are written once, in the SQL both understand: `?` placeholders
 * (rewritten to `$n` for PostgreSQL), `INSERT ... ON CONFLICT (...) DO UPDATE/NOTHING` for upserts, and the
 * column named `end` always double-quoted.
 */

/** A value bound to a statement parameter; NaN and infinities are stored as NULL. */
export type SqlValue = number | string | null;

/** A row as the database returns it (integers and reals as numbers, text as strings). */
export type Row = Record<string, SqlValue>;

/** The statements of one connection, inside or outside a transaction. */
export interface Queryable {
  /** All rows of a query as objects. */
  all<T = Row>(sql: string, params?: SqlValue[]): Promise<T[]>;
  /** The first row of a query, or undefined. */
  get<T = Row>(sql: string, params?: SqlValue[]): Promise<T | undefined>;
  /** Run a statement that changes data; committed when it resolves (outside a transaction). Rows changed. */
  run(sql: string, params?: SqlValue[]): Promise<number>;
  /** Run one statement for many parameter sets, all or nothing. */
  runMany(sql: string, rows: SqlValue[][]): Promise<void>;
}

/** A database holding Vigil's tables, migrated on open. */
export interface Store extends Queryable {
  /** `sqlite` (embedded, one process) or `postgres` (shared by replicas) */
  readonly dialect: 'sqlite' | 'postgres';
  /** Where the data lives, for messages: the SQLite file path or the PostgreSQL URL without its password. */
  readonly location: string;
  /**
   * Run `fn` in one transaction: committed when it resolves, rolled back when it rejects. Statements must go
   * through the `tx` it receives; other callers wait (SQLite) or do not see the changes (PostgreSQL) until it ends.
   */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  /** Schema version: number of migrations applied. */
  version(): Promise<number>;
  /** A cheap query proving the database answers. @throws the driver's error when it does not */
  check(): Promise<void>;
  /** Size of the stored data in bytes. */
  sizeBytes(): Promise<number>;
  /** Release the database (SQLite: checkpoint the log into the file). */
  close(): Promise<void>;
}

/** NaN and infinities become NULL (SQL has no such numbers). */
export function cleanParam(v: SqlValue): SqlValue {
  if (typeof v === 'number' && !Number.isFinite(v)) return null;
  return v;
}

/**
 * Schema migrations, applied in order, written once in SQLite's dialect and translated for PostgreSQL by
 * `postgresDdl`. The version (how many have run) is `PRAGMA user_version` in SQLite and the `vigil_schema` table in
 * PostgreSQL. Never edit one; append a new one.
 */
export const MIGRATIONS: string[] = [
  // 1: the initial schema
  `CREATE TABLE jobs (
     id TEXT PRIMARY KEY, spec TEXT NOT NULL, enabled INTEGER NOT NULL, created_at INTEGER NOT NULL,
     updated_at INTEGER NOT NULL, last_run TEXT, state TEXT);
   CREATE TABLE models (job_id TEXT PRIMARY KEY, model TEXT NOT NULL, trained_at INTEGER NOT NULL,
     train_from INTEGER, train_to INTEGER);
   CREATE TABLE baselines (key TEXT PRIMARY KEY, labels TEXT NOT NULL, model TEXT NOT NULL,
     interval_ms INTEGER NOT NULL, trained_at INTEGER NOT NULL, info TEXT NOT NULL);
   CREATE TABLE series (id INTEGER PRIMARY KEY, job_id TEXT NOT NULL, key TEXT NOT NULL, labels TEXT NOT NULL,
     UNIQUE (job_id, key));
   CREATE TABLE results (series_id INTEGER NOT NULL, t INTEGER NOT NULL, value REAL, expected REAL, lower REAL,
     upper REAL, score REAL, direction INTEGER NOT NULL, anomalous INTEGER NOT NULL, PRIMARY KEY (series_id, t))
     WITHOUT ROWID;
   CREATE TABLE anomalies (id TEXT PRIMARY KEY, job_id TEXT NOT NULL, series_key TEXT NOT NULL,
     start INTEGER NOT NULL, end INTEGER NOT NULL, score REAL NOT NULL, event TEXT NOT NULL,
     created_at INTEGER NOT NULL);
   CREATE TABLE feedback (id TEXT PRIMARY KEY, anomaly_id TEXT NOT NULL, job_id TEXT NOT NULL, verdict TEXT NOT NULL,
     comment TEXT, at INTEGER NOT NULL);`,
  // 2: suppression of false positives, forecasts, drift, and look-up indexes
  `ALTER TABLE anomalies ADD COLUMN suppressed_by TEXT;
   CREATE INDEX anomalies_job_time ON anomalies (job_id, start);
   CREATE INDEX feedback_job ON feedback (job_id);
   CREATE TABLE forecasts (series_id INTEGER NOT NULL, t INTEGER NOT NULL, mean REAL, lower REAL, upper REAL,
     PRIMARY KEY (series_id, t)) WITHOUT ROWID;
   CREATE TABLE drift (job_id TEXT NOT NULL, series_key TEXT NOT NULL, labels TEXT NOT NULL, drifting INTEGER NOT NULL,
     p_value REAL, statistic REAL, checked_at INTEGER NOT NULL, PRIMARY KEY (job_id, series_key));`,
  // 3: incidents (with the events of open ones, to resume after a restart), the jobs they touch, notification
  //    deliveries, and the last period each scheduled report covered
  `CREATE TABLE incidents (id TEXT PRIMARY KEY, status TEXT NOT NULL, start INTEGER NOT NULL, end INTEGER NOT NULL,
     severity TEXT NOT NULL, triage REAL NOT NULL, updated_at INTEGER NOT NULL, incident TEXT NOT NULL, events TEXT,
     annotation_id INTEGER);
   CREATE INDEX incidents_start ON incidents (start);
   CREATE INDEX incidents_status ON incidents (status);
   CREATE TABLE incident_jobs (incident_id TEXT NOT NULL, job_id TEXT NOT NULL, PRIMARY KEY (incident_id, job_id));
   CREATE INDEX incident_jobs_job ON incident_jobs (job_id);
   CREATE TABLE deliveries (id TEXT PRIMARY KEY, at INTEGER NOT NULL, receiver TEXT NOT NULL, incident_id TEXT,
     status TEXT NOT NULL, record TEXT NOT NULL);
   CREATE INDEX deliveries_at ON deliveries (at);
   CREATE INDEX deliveries_incident ON deliveries (incident_id);
   CREATE TABLE report_runs (name TEXT PRIMARY KEY, period_end INTEGER NOT NULL);`,
  // 4: the mined log templates of each log query (the template miner's state, redacted)
  `CREATE TABLE log_templates (key TEXT PRIMARY KEY, state TEXT NOT NULL, updated_at INTEGER NOT NULL);`,
  // 5: the runs of each job that advanced it (shared by replicas on PostgreSQL): the range each covered, after the
  //    newest point the one before had scored (from_t, exclusive; NULL for a run that did not continue one) up to
  //    the newest it scored (to_t); at most one run continues a given point of a job
  `CREATE TABLE job_runs (job_id TEXT NOT NULL, from_t INTEGER, to_t INTEGER NOT NULL, at INTEGER NOT NULL,
     duration_ms INTEGER NOT NULL, points INTEGER NOT NULL, replica TEXT NOT NULL);
   CREATE UNIQUE INDEX job_runs_from ON job_runs (job_id, from_t);
   CREATE INDEX job_runs_at ON job_runs (at);`,
];

/**
 * A migration in PostgreSQL's dialect: SQLite's 64-bit `INTEGER` becomes `BIGINT` (epoch ms do not fit 32 bits),
 * `REAL` (8 bytes in SQLite) `DOUBLE PRECISION`, the rowid alias `INTEGER PRIMARY KEY` an identity column,
 * `WITHOUT ROWID` is dropped and the column `end` (a reserved word) is quoted.
 */
export function postgresDdl(sql: string): string {
  return sql
    .replace(/\bINTEGER PRIMARY KEY\b/g, 'BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY')
    .replace(/\bINTEGER\b/g, 'BIGINT')
    .replace(/\bREAL\b/g, 'DOUBLE PRECISION')
    .replace(/\s*WITHOUT ROWID/g, '')
    .replace(/(?<!")\bend\b(?!")/g, '"end"');
}

/** `?` placeholders as PostgreSQL's `$1, $2, ...` (statements never hold a literal `?`). */
export function numberedParams(sql: string): string {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
}
