import pg from 'pg';
import { InputError } from '../core/errors';
import {
  MIGRATIONS,
  cleanParam,
  numberedParams,
  postgresDdl,
  type Queryable,
  type Row,
  type SqlValue,
  type Store,
} from './db';

/**
 * The PostgreSQL store (`store: postgres://user:password@host:5432/db`), shared by several `vigil serve`
 * replicas. Same tables and migrations as the embedded store (`MIGRATIONS`, translated by `postgresDdl`); the
 * version lives in `vigil_schema`, and replicas starting together migrate one at a time (an advisory lock held by
 * the migrating transaction). Each statement outside a transaction commits before its promise resolves.
 *
 * Driver: `pg` (node-postgres) with a connection pool; 64-bit integers (epoch ms, counts) are read as numbers.
 */

export interface PostgresStoreOptions {
  /** `postgres://` or `postgresql://` connection URL */
  url: string;
  /** most connections in the pool (default 10) */
  maxConnections?: number;
  /** run only the first N migrations (tests of the migration path) */
  migrateTo?: number;
}

/** int8 (64-bit) and numeric as JavaScript numbers; epoch ms and counts stay far below 2^53. */
const types = {
  getTypeParser(oid: number, format?: string) {
    if (oid === 20 || oid === 1700) return (v: string) => (v === null ? null : Number(v));
    return pg.types.getTypeParser(oid, format as 'text');
  },
};

/** Key of the advisory lock replicas take while migrating (any constant; "vigil" in ASCII). */
const MIGRATION_LOCK = 0x7669676c;

/** Rows per multi-row INSERT (PostgreSQL allows 65,535 parameters per statement). */
const BATCH_PARAMS = 30_000;

/** The URL with its password masked, for messages. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'postgres://(unparsable URL)';
  }
}

class PgQueryable implements Queryable {
  constructor(protected readonly client: pg.Pool | pg.PoolClient) {}

  async all<T = Row>(sql: string, params: SqlValue[] = []): Promise<T[]> {
    const r = await this.client.query(numberedParams(sql), params.map(cleanParam));
    return r.rows as T[];
  }
  async get<T = Row>(sql: string, params: SqlValue[] = []): Promise<T | undefined> {
    return (await this.all<T>(sql, params))[0];
  }
  async run(sql: string, params: SqlValue[] = []): Promise<number> {
    const r = await this.client.query(numberedParams(sql), params.map(cleanParam));
    return r.rowCount ?? 0;
  }
  /**
   * `INSERT ... VALUES (?, ...) [ON CONFLICT ...]` for many rows: sent as multi-row INSERTs of up to 30,000
   * parameters each. Any other statement runs once per row. Inside a transaction when not already in one.
   */
  async runMany(sql: string, rows: SqlValue[][]): Promise<void> {
    if (rows.length === 0) return;
    const m = /^(\s*INSERT\s+INTO\s+[\s\S]+?\s+VALUES\s*)(\([^)]*\))([\s\S]*)$/i.exec(sql);
    const exec = async (q: PgQueryable) => {
      if (!m) {
        for (const r of rows) await q.run(sql, r);
        return;
      }
      const width = rows[0].length;
      const per = Math.max(1, Math.floor(BATCH_PARAMS / width));
      for (let i = 0; i < rows.length; i += per) {
        const chunk = rows.slice(i, i + per);
        const tuple = `(${new Array(width).fill('?').join(', ')})`;
        await q.run(`${m[1]}${chunk.map(() => tuple).join(', ')}${m[3]}`, chunk.flat());
      }
    };
    if (this.client instanceof pg.Pool) {
      const client = await this.client.connect();
      try {
        await client.query('BEGIN');
        await exec(new PgQueryable(client));
        await client.query('COMMIT');
      } catch (err) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw err;
      } finally {
        client.release();
      }
    } else await exec(this);
  }
}

export class PostgresStore extends PgQueryable implements Store {
  readonly dialect = 'postgres' as const;
  readonly location: string;
  private closed = false;

  private constructor(
    private readonly pool: pg.Pool,
    url: string
  ) {
    super(pool);
    this.location = redactUrl(url);
  }

  /**
   * Connect and apply pending migrations (one replica at a time).
   * @throws InputError when the server cannot be reached or refuses the login (the message names the URL without
   *   its password), or when its schema is newer than this Vigil
   */
  static async open(opts: PostgresStoreOptions): Promise<PostgresStore> {
    const pool = new pg.Pool({
      connectionString: opts.url,
      max: opts.maxConnections ?? 10,
      types,
      connectionTimeoutMillis: 10_000,
    });
    // an idle connection the server dropped must not crash the process; the next query reconnects
    pool.on('error', () => undefined);
    const store = new PostgresStore(pool, opts.url);
    try {
      await store.migrate(opts.migrateTo ?? MIGRATIONS.length);
    } catch (err) {
      await pool.end().catch(() => undefined);
      if (err instanceof InputError) throw err;
      throw new InputError(`store ${store.location}: ${(err as Error).message}`);
    }
    return store;
  }

  private async migrate(target: number): Promise<void> {
    await this.transaction(async (tx) => {
      await tx.run(`SELECT pg_advisory_xact_lock(${MIGRATION_LOCK})`);
      await tx.run('CREATE TABLE IF NOT EXISTS vigil_schema (version INTEGER NOT NULL)');
      let row = await tx.get<{ version: number }>('SELECT version FROM vigil_schema');
      if (!row) {
        await tx.run('INSERT INTO vigil_schema (version) VALUES (0)');
        row = { version: 0 };
      }
      const current = Number(row.version);
      if (current > MIGRATIONS.length) {
        throw new InputError(
          `store ${this.location}: schema version ${current} is newer than this Vigil (${MIGRATIONS.length}); upgrade Vigil`
        );
      }
      for (let v = current; v < target; v++) {
        try {
          for (const stmt of splitStatements(postgresDdl(MIGRATIONS[v]))) await tx.run(stmt);
        } catch (err) {
          throw new Error(`store migration ${v + 1} failed: ${(err as Error).message}`, { cause: err });
        }
        await tx.run('UPDATE vigil_schema SET version = ?', [v + 1]);
      }
    });
  }

  async version(): Promise<number> {
    const r = await this.get<{ version: number }>('SELECT version FROM vigil_schema');
    return Number(r?.version ?? 0);
  }

  async transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const out = await fn(new PgQueryable(client));
      await client.query('COMMIT');
      return out;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
  }

  async check(): Promise<void> {
    await this.pool.query('SELECT 1');
  }

  async sizeBytes(): Promise<number> {
    const r = await this.get<{ n: number }>('SELECT pg_database_size(current_database()) AS n');
    return Number(r?.n ?? 0);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.pool.end();
  }

  /** The pool (for libraries that share its connections, such as the job queue). */
  get connections(): pg.Pool {
    return this.pool;
  }
}

/** Split a migration into statements (migrations hold no `;` inside literals). */
function splitStatements(sql: string): string[] {
  return sql
    .split(';')
    .map((s) => s.trim())
    .filter(Boolean);
}
