import { mkdirSync, statSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { InputError } from '../core/errors';
import { MIGRATIONS, cleanParam, type Queryable, type Row, type SqlValue, type Store } from './db';

/**
 * Vigil's embedded store: SQLite through `better-sqlite3` (the SQLite C library, compiled from source at
 * install), in `<dataDir>/vigil.db` with a write-ahead log.
 *
 * Durability: every statement runs synchronously and commits before it returns (`synchronous = FULL`: the WAL
 * is fsynced at each commit), so a write the API has acknowledged is on disk; `kill -9` at any moment loses
 * nothing acknowledged, and a crash mid-transaction leaves the database as it was before that transaction.
 * Databases written by earlier Vigil versions (sql.js wrote ordinary SQLite files in rollback-journal mode) open
 * as they are: the store switches them to WAL and applies the pending schema migrations.
 *
 * The methods return promises (the interface PostgreSQL shares) but do their work before they return. A
 * transaction holds the connection: statements from outside it wait until it commits or rolls back.
 */

export interface SqliteStoreOptions {
  /** directory holding `vigil.db`; omit for an in-memory store (tests) */
  dataDir?: string;
  /** run only the first N migrations (tests of the migration path) */
  migrateTo?: number;
}

export class SqliteStore implements Store {
  readonly dialect = 'sqlite' as const;
  readonly location: string;
  readonly file: string | undefined;
  private readonly statements = new Map<string, Database.Statement>();
  private closed = false;
  /** resolves when the transaction in progress ends; undefined when none is */
  private txDone: Promise<void> | undefined;
  /** the statements of the transaction in progress */
  private readonly direct: Queryable;

  private constructor(
    private readonly db: Database.Database,
    file: string | undefined
  ) {
    this.file = file;
    this.location = file ?? ':memory:';
    this.direct = {
      all: async <T>(sql: string, params: SqlValue[] = []) => this.allNow<T>(sql, params),
      get: async <T>(sql: string, params: SqlValue[] = []) => this.getNow<T>(sql, params),
      run: async (sql: string, params: SqlValue[] = []) => this.runNow(sql, params),
      runMany: async (sql: string, rows: SqlValue[][]) => this.runManyNow(sql, rows),
    };
  }

  /**
   * Open (or create) the store, switch it to WAL and apply pending migrations.
   * @throws InputError when the file exists but is not a SQLite database, or is newer than this version
   */
  static async open(opts: SqliteStoreOptions = {}): Promise<SqliteStore> {
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
    const store = new SqliteStore(db, file);
    try {
      store.migrate(opts.migrateTo ?? MIGRATIONS.length);
    } catch (err) {
      db.close();
      throw err;
    }
    return store;
  }

  async version(): Promise<number> {
    return this.versionNow();
  }

  private versionNow(): number {
    return Number(this.db.pragma('user_version', { simple: true }) ?? 0);
  }

  private migrate(target: number): void {
    const current = this.versionNow();
    if (current > MIGRATIONS.length) {
      throw new InputError(
        `${this.location}: schema version ${current} is newer than this Vigil (${MIGRATIONS.length}); upgrade Vigil`
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

  private allNow<T>(sql: string, params: SqlValue[]): T[] {
    return this.prepare(sql).all(params.map(cleanParam)) as T[];
  }
  private getNow<T>(sql: string, params: SqlValue[]): T | undefined {
    return this.prepare(sql).get(params.map(cleanParam)) as T | undefined;
  }
  private runNow(sql: string, params: SqlValue[]): number {
    return this.prepare(sql).run(params.map(cleanParam)).changes;
  }
  private runManyNow(sql: string, rows: SqlValue[][]): void {
    if (rows.length === 0) return;
    const stmt = this.prepare(sql);
    this.db.transaction(() => {
      for (const r of rows) stmt.run(r.map(cleanParam));
    })();
  }

  /*
   * Other callers' statements never run inside a transaction in progress: each waits while one is (`txDone`), and
   * checks again with no await between the check and its statement (or its BEGIN); an `await` on a helper there
   * would let another caller begin a transaction in between (two concurrent transactions then failed with "cannot
   * start a transaction within a transaction", and a statement could join another's transaction and its rollback).
   */

  async all<T = Row>(sql: string, params: SqlValue[] = []): Promise<T[]> {
    while (this.txDone) await this.txDone;
    return this.allNow<T>(sql, params);
  }
  async get<T = Row>(sql: string, params: SqlValue[] = []): Promise<T | undefined> {
    while (this.txDone) await this.txDone;
    return this.getNow<T>(sql, params);
  }
  async run(sql: string, params: SqlValue[] = []): Promise<number> {
    while (this.txDone) await this.txDone;
    return this.runNow(sql, params);
  }
  async runMany(sql: string, rows: SqlValue[][]): Promise<void> {
    while (this.txDone) await this.txDone;
    this.runManyNow(sql, rows);
  }

  async transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
    while (this.txDone) await this.txDone;
    let end!: () => void;
    this.txDone = new Promise<void>((r) => (end = r));
    this.db.exec('BEGIN IMMEDIATE');
    try {
      const out = await fn(this.direct);
      this.db.exec('COMMIT');
      return out;
    } catch (err) {
      if (this.db.inTransaction) this.db.exec('ROLLBACK');
      throw err;
    } finally {
      this.txDone = undefined;
      end();
    }
  }

  async check(): Promise<void> {
    this.getNow('SELECT 1 AS ok', []);
  }

  /** Size of the database on disk in bytes (main file plus write-ahead log; pages in use when in memory). */
  async sizeBytes(): Promise<number> {
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
    const r = this.getNow<{ n: number }>(
      'SELECT page_count * page_size AS n FROM pragma_page_count(), pragma_page_size()',
      []
    );
    return Number(r?.n ?? 0);
  }

  /** Checkpoint the write-ahead log into the database file and release it. */
  async close(): Promise<void> {
    if (this.closed) return;
    while (this.txDone) await this.txDone;
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

  /** A PRAGMA's rows (tests and diagnostics). */
  pragma(text: string): unknown {
    return this.db.pragma(text);
  }
}
