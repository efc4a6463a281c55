/**
 * The PostgreSQL store against a real PostgreSQL (tests/servers/postgres.ts): the repository contract the SQLite
 * store passes, migrations (from an older version, several replicas at once, a newer schema refused), and
 * connection errors that never show the password.
 */
import pg from 'pg';
import { MIGRATIONS } from '../../../pkg/store/db';
import { PostgresStore } from '../../../pkg/store/postgres';
import { Repo } from '../../../pkg/store/repo';
import { openStore } from '../../../pkg/store/store';
import { describeIncidentRepoContract } from '../../helpers/incidentRepoContract';
import { describeRepoContract } from '../../helpers/repoContract';
import { createTestDatabase } from '../../servers/postgres';
import { serverUrls } from '../../servers/servers';

const server = () => serverUrls().postgres;

describeRepoContract('PostgreSQL', async () => PostgresStore.open({ url: await createTestDatabase(server()) }));
describeIncidentRepoContract('PostgreSQL', async () => PostgresStore.open({ url: await createTestDatabase(server()) }));

describe('PostgreSQL store', () => {
  it('migrates an older schema and keeps its rows', async () => {
    const url = await createTestDatabase(server());
    const old = await PostgresStore.open({ url, migrateTo: 1 });
    expect(await old.version()).toBe(1);
    await old.run('INSERT INTO jobs (id, spec, enabled, created_at, updated_at) VALUES (?, ?, ?, ?, ?)', [
      'j1',
      JSON.stringify({ name: 'old job', source: { type: 'prometheus', query: 'up' } }),
      1,
      5,
      5,
    ]);
    await old.close();
    const store = await openStore({ store: url, dataDir: '/nonexistent' });
    expect(store.dialect).toBe('postgres');
    expect(await store.version()).toBe(MIGRATIONS.length);
    expect((await new Repo(store).getJob('j1', 10))?.name).toBe('old job');
    await store.close();
  });

  it('lets several replicas start at once: one migrates, the others wait and find the schema ready', async () => {
    const url = await createTestDatabase(server());
    const stores = await Promise.all([1, 2, 3, 4].map(() => PostgresStore.open({ url })));
    for (const s of stores) expect(await s.version()).toBe(MIGRATIONS.length);
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    expect((await c.query('SELECT COUNT(*)::int AS n FROM vigil_schema')).rows[0].n).toBe(1);
    await c.end();
    await Promise.all(stores.map((s) => s.close()));
  });

  it('refuses a schema newer than this Vigil', async () => {
    const url = await createTestDatabase(server());
    const s = await PostgresStore.open({ url });
    await s.run('UPDATE vigil_schema SET version = ?', [MIGRATIONS.length + 1]);
    await s.close();
    await expect(PostgresStore.open({ url })).rejects.toThrow(/newer than this Vigil/);
  });

  it('names the server but never the password when it cannot connect or log in', async () => {
    const u = new URL(server());
    u.username = 'nobody';
    u.password = 's3cret-pw';
    const err = await PostgresStore.open({ url: u.toString() }).catch((e: Error) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toContain(`127.0.0.1:${u.port}`);
    expect((err as Error).message).not.toContain('s3cret-pw');
    const down = await PostgresStore.open({ url: 'postgres://vigil:s3cret-pw@127.0.0.1:1/x' }).catch((e: Error) => e);
    expect((down as Error).message).toMatch(/ECONNREFUSED|connect/);
    expect((down as Error).message).not.toContain('s3cret-pw');
  });

  it('writes a large batch of results in multi-row statements', async () => {
    const store = await PostgresStore.open({ url: await createTestDatabase(server()) });
    const repo = new Repo(store);
    const job = await repo.createJob({ name: 'big', source: { type: 'prometheus', query: 'up' } }, 0);
    const points = Array.from({ length: 12_000 }, (_, i) => ({
      t: i * 60_000,
      value: i,
      expected: i,
      lower: i - 1,
      upper: i + 1,
      score: 1,
      anomaly: false,
      direction: 0,
    }));
    await repo.writeResults(job.id, {}, points);
    const back = (await repo.readResults(job.id, 0, 1e12))[0].points;
    expect(back).toHaveLength(12_000);
    expect(back[11_999]).toEqual(points[11_999]);
    await store.close();
  });
});
