import { mkdirSync, statSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { InputError } from '../core/errors';

/**
 * Vigil's embedded store: SQLite through `better-sqlite3` (the SQLite C library, compiled from source at
 * install), in `<dataDir>/vigil.db` with a write-ahead log.
 *
 * Durability: every statement runs synchronously and commits before it returns (`synchronous = FULL`: the WAL
 * is fsynced at each commit), so a write the API has acknowledged is on disk; `kill -9` at any moment loses
 * nothing acknowledged, and a crash mid-transaction leaves the database as it was before that transaction.
 * Databases written by earlier Vigil versions (sql.js wrote ordinary SQLite files in rollback-journal mode) open
 * as they are: the store switches them to WAL and applies the pending schema migrations.
 */

/** Schema migrations, applied in order; `PRAGMA user_version` holds how many have run. Never edit one. */
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
];

export interface StoreOptions {
  /** directory holding `vigil.db`; omit for an in-memory store (tests) */
  dataDir?: string;
  /** run only the first N migrations (tests of the migration path) */
  migrateTo?: number;
}

/** A value bound to a statement parameter. */
export type SqlValue = number | string | bigint | Buffer | null;
type Row = Record<string, SqlValue>;

/** Thin typed wrapper over a better-sqlite3 database with migrations; every write is durable when it returns. */
export class Store {
  readonly file: string | undefined;
  private readonly statements = new Map<string, Database.Statement>();
  private closed = false;

  private constructor(
    private readonly db: Database.Database,
    file: string | undefined
  ) {
    this.file = file;
  }

  /**
   * Open (or create) the store, switch it to WAL and apply pending migrations.
   * @throws InputError when the file exists but is not a SQLite database, or is newer than this version
   */
  static async open(opts: StoreOptions = {}): Promise<Store> {
    let file: string | undefined;
    let db: Database.Database;
    if (opts.dataDir) {
      mkdirSync(opts.dataDir, { recursive: true });
      file = path.join(opts.dataDir, 'vigil.db');
      try {
        db = new Database(file);
        db.pragma('schema_version');
      } catch (err) {
        throw new InputError(`${file} is not a readable SQLite database: ${(err as Error).message}`);
      }
      try {
        // WAL: readers never block the writer; FULL: the log is fsynced at every commit (durable on return)
        db.pragma('journal_mode = WAL');
        db.pragma('synchronous = FULL');
        db.pragma('busy_timeout = 5000');
      } catch (err) {
        db.close();
        throw new InputError(`${file} cannot be opened for writing: ${(err as Error).message}`);
      }
    } else db = new Database(':memory:');
    const store = new Store(db, file);
    try {
      store.migrate(opts.migrateTo ?? MIGRATIONS.length);
    } catch (err) {
      db.close();
      throw err;
    }
    return store;
  }

  /** Schema version (number of migrations applied). */
  version(): number {
    return Number(this.db.pragma('user_version', { simple: true }) ?? 0);
  }

  private migrate(target: number): void {
    const current = this.version();
    if (current > MIGRATIONS.length) {
      throw new InputError(
        `${this.file ?? 'store'}: schema version ${current} is newer than this Vigil (${MIGRATIONS.length}); upgrade Vigil`
      );
    }
    for (let v = current; v < target; v++) {
      try {
        this.db.transaction(() => {
          this.db.exec(MIGRATIONS[v]);
          this.db.pragma(`user_version = ${v + 1}`);
        })();
      } catch (err) {
        throw new Error(`store migration ${v + 1} failed: ${(err as Error).message}`, { cause: err });
      }
    }
  }

  private prepare(sql: string): Database.Statement {
    let stmt = this.statements.get(sql);
    if (!stmt) {
      stmt = this.db.prepare(sql);
      this.statements.set(sql, stmt);
    }
    return stmt;
  }

  /** Run a statement that changes data; committed (on disk) when it returns. Returns the number of rows changed. */
  run(sql: string, params: SqlValue[] = []): number {
    return this.prepare(sql).run(params.map(clean)).changes;
  }

  /** Run many parameter sets through one prepared statement inside one transaction. */
  runMany(sql: string, rows: SqlValue[][]): void {
    if (rows.length === 0) return;
    const stmt = this.prepare(sql);
    this.db.transaction(() => {
      for (const r of rows) stmt.run(r.map(clean));
    })();
  }

  /** Run `fn` in one transaction (nested calls become savepoints); rolled back when `fn` throws. */
  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }

  /** All rows of a query as objects. */
  all<T = Row>(sql: string, params: SqlValue[] = []): T[] {
    return this.prepare(sql).all(params.map(clean)) as T[];
  }

  /** The first row of a query, or undefined. */
  get<T = Row>(sql: string, params: SqlValue[] = []): T | undefined {
    return this.prepare(sql).get(params.map(clean)) as T | undefined;
  }

  /** A cheap query proving the database answers (for health). */
  check(): void {
    this.get('SELECT 1 AS ok');
  }

  /** Size of the database on disk in bytes (main file plus write-ahead log; pages in use when in memory). */
  sizeBytes(): number {
    if (this.file) {
      let n = 0;
      for (const f of [this.file, `${this.file}-wal`]) {
        try {
          n += statSync(f).size;
        } catch {
          /* no log yet */
        }
      }
      return n;
    }
    const r = this.get<{ n: number }>(
      'SELECT page_count * page_size AS n FROM pragma_page_count(), pragma_page_size()'
    );
    return Number(r?.n ?? 0);
  }

  /** Checkpoint the write-ahead log into the database file and release it. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.statements.clear();
    if (this.file) {
      try {
        this.db.pragma('wal_checkpoint(TRUNCATE)');
      } catch {
        /* the log stays and is replayed at the next open */
      }
    }
    this.db.close();
  }
}

function clean(v: SqlValue): SqlValue {
  if (typeof v === 'number' && !Number.isFinite(v)) return null;
  return v;
}
