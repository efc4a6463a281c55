import {
  mkdirSync,
  readFileSync,
  renameSync,
  writeFileSync,
  openSync,
  fsyncSync,
  closeSync,
  existsSync,
} from 'node:fs';
import path from 'node:path';
import initSqlJs, { type Database, type SqlJsStatic, type SqlValue } from 'sql.js';
import { InputError } from '../core/errors';

/**
 * Vigil's embedded store: SQLite compiled to WebAssembly (`sql.js`), persisted to `<dataDir>/vigil.db`.
 *
 * Why sql.js and not better-sqlite3: better-sqlite3 needs an install script (blocked by default in npm 11)
 * and either a prebuilt binary downloaded from GitHub or a node-gyp build with a C++ toolchain and Node
 * headers; sql.js is pure npm (JS + .wasm), so a fresh machine or CI runner installs it with no network
 * beyond the registry and no compiler. The price: the database lives in memory and is written to disk as a
 * whole. Writes are therefore atomic (temp file + fsync + rename), so a crash leaves either the old or the
 * new file, never a torn one; `flushSync()` runs after each batch of writes (debounced by `flushDelayMs`, and by
 * ten times the last write's duration so a large database is not rewritten continuously) and on close.
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

let sqlPromise: Promise<SqlJsStatic> | undefined;
function loadSql(): Promise<SqlJsStatic> {
  if (!sqlPromise) {
    const wasmPath = path.join(path.dirname(require.resolve('sql.js')), 'sql-wasm.wasm');
    const wasmBinary = readFileSync(wasmPath);
    sqlPromise = initSqlJs({
      wasmBinary: wasmBinary.buffer.slice(
        wasmBinary.byteOffset,
        wasmBinary.byteOffset + wasmBinary.byteLength
      ) as ArrayBuffer,
    });
  }
  return sqlPromise;
}

export interface StoreOptions {
  /** directory holding `vigil.db`; omit for an in-memory store (tests) */
  dataDir?: string;
  /** ms to wait after a write before writing the file (default 2000); 0 writes synchronously after each write */
  flushDelayMs?: number;
  /** run only the first N migrations (tests of the migration path) */
  migrateTo?: number;
}

type Row = Record<string, SqlValue>;

/** Thin typed wrapper over the sql.js database with migrations and atomic persistence. */
export class Store {
  readonly file: string | undefined;
  private timer: NodeJS.Timeout | undefined;
  private dirty = false;
  private closed = false;
  /** duration of the last file write, ms */
  private lastFlushMs = 0;

  private constructor(
    private readonly db: Database,
    file: string | undefined,
    private readonly flushDelayMs: number
  ) {
    this.file = file;
  }

  /**
   * Open (or create) the store and apply pending migrations.
   * @throws InputError when the file exists but is not a Vigil SQLite database, or is newer than this version
   */
  static async open(opts: StoreOptions = {}): Promise<Store> {
    const SQL = await loadSql();
    let file: string | undefined;
    let db: Database;
    if (opts.dataDir) {
      mkdirSync(opts.dataDir, { recursive: true });
      file = path.join(opts.dataDir, 'vigil.db');
      if (existsSync(file)) {
        try {
          db = new SQL.Database(readFileSync(file));
          db.exec('PRAGMA schema_version');
        } catch (err) {
          throw new InputError(`${file} is not a readable SQLite database: ${(err as Error).message}`);
        }
      } else db = new SQL.Database();
    } else db = new SQL.Database();
    const store = new Store(db, file, opts.flushDelayMs ?? 2000);
    store.migrate(opts.migrateTo ?? MIGRATIONS.length);
    return store;
  }

  /** Schema version (number of migrations applied). */
  version(): number {
    return Number(this.get<{ user_version: number }>('PRAGMA user_version')?.user_version ?? 0);
  }

  private migrate(target: number): void {
    const current = this.version();
    if (current > MIGRATIONS.length) {
      throw new InputError(
        `${this.file ?? 'store'}: schema version ${current} is newer than this Vigil (${MIGRATIONS.length}); upgrade Vigil`
      );
    }
    if (current >= target) return;
    for (let v = current; v < target; v++) {
      this.db.exec('BEGIN');
      try {
        this.db.exec(MIGRATIONS[v]);
        this.db.exec(`PRAGMA user_version = ${v + 1}`);
        this.db.exec('COMMIT');
      } catch (err) {
        this.db.exec('ROLLBACK');
        throw new Error(`store migration ${v + 1} failed: ${(err as Error).message}`, { cause: err });
      }
    }
    this.dirty = true;
    this.flushSync();
  }

  /** Run a statement that changes data; schedules a flush. */
  run(sql: string, params: SqlValue[] = []): void {
    this.db.run(sql, params.map(clean));
    this.touch();
  }

  /** Run many parameter sets through one prepared statement inside a transaction. */
  runMany(sql: string, rows: SqlValue[][]): void {
    if (rows.length === 0) return;
    this.db.exec('BEGIN');
    const stmt = this.db.prepare(sql);
    try {
      for (const r of rows) stmt.run(r.map(clean));
      stmt.free();
      this.db.exec('COMMIT');
    } catch (err) {
      stmt.free();
      this.db.exec('ROLLBACK');
      throw err;
    }
    this.touch();
  }

  /** Run `fn` in one transaction. */
  transaction<T>(fn: () => T): T {
    this.db.exec('BEGIN');
    try {
      const out = fn();
      this.db.exec('COMMIT');
      this.touch();
      return out;
    } catch (err) {
      this.db.exec('ROLLBACK');
      throw err;
    }
  }

  /** All rows of a query as objects. */
  all<T = Row>(sql: string, params: SqlValue[] = []): T[] {
    const stmt = this.db.prepare(sql);
    try {
      stmt.bind(params.map(clean));
      const out: T[] = [];
      while (stmt.step()) out.push(stmt.getAsObject() as T);
      return out;
    } finally {
      stmt.free();
    }
  }

  /** The first row of a query, or undefined. */
  get<T = Row>(sql: string, params: SqlValue[] = []): T | undefined {
    return this.all<T>(sql, params)[0];
  }

  /** A cheap query proving the database answers (for health). */
  check(): void {
    this.get('SELECT 1 AS ok');
  }

  private touch(): void {
    this.dirty = true;
    if (!this.file || this.closed) return;
    if (this.flushDelayMs === 0) {
      this.flushSync();
      return;
    }
    if (!this.timer) {
      // a large database takes long to export: keep writing it at most ~10% of the time
      const delay = Math.max(this.flushDelayMs, 10 * this.lastFlushMs);
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.flushSync();
      }, delay);
      this.timer.unref();
    }
  }

  /** Write the database file now if anything changed (atomic: temp file, fsync, rename). */
  flushSync(): void {
    if (!this.file || !this.dirty) return;
    const started = performance.now();
    const bytes = this.db.export();
    const tmp = `${this.file}.${process.pid}.tmp`;
    writeFileSync(tmp, bytes);
    const fd = openSync(tmp, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, this.file);
    this.dirty = false;
    this.lastFlushMs = performance.now() - started;
  }

  /** Size of the database image in bytes (as last written, or now when in memory only). */
  sizeBytes(): number {
    const r = this.get<{ n: number }>(
      'SELECT page_count * page_size AS n FROM pragma_page_count(), pragma_page_size()'
    );
    return Number(r?.n ?? 0);
  }

  /** Flush and release the database. */
  close(): void {
    if (this.closed) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.flushSync();
    this.closed = true;
    this.db.close();
  }
}

function clean(v: SqlValue): SqlValue {
  if (typeof v === 'number' && !Number.isFinite(v)) return null;
  return v;
}
