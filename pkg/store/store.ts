import { InputError } from '../core/errors';
import type { Store } from './db';
import { PostgresStore } from './postgres';
import { SqliteStore } from './sqlite';

export { MIGRATIONS, type Queryable, type Row, type SqlValue, type Store } from './db';
export { PostgresStore } from './postgres';
export { SqliteStore } from './sqlite';

/**
 * Open the configured store: `store` unset or `sqlite` for the embedded SQLite file `<dataDir>/vigil.db`, a
 * `postgres://` (or `postgresql://`) URL for PostgreSQL, shared by replicas. Migrations run on open.
 *
 * @throws InputError for an unreadable SQLite file, an unreachable PostgreSQL server (the message never shows its
 *   password), a schema newer than this Vigil, or a `store` value that is neither
 */
export async function openStore(opts: { store?: string; dataDir: string }): Promise<Store> {
  const spec = opts.store?.trim();
  if (!spec || spec === 'sqlite') return SqliteStore.open({ dataDir: opts.dataDir });
  if (/^postgres(ql)?:\/\//i.test(spec)) return PostgresStore.open({ url: spec });
  throw new InputError(`store: must be "sqlite" or a postgres:// URL`, { field: 'store' });
}
