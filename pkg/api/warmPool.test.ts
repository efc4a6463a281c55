import { buildApp } from './app';
import { InlinePool } from '../pool/pool';
import { Repo } from '../store/repo';
import { SqliteStore } from '../store/sqlite';

/** A pool that counts its warm-ups. */
class CountingPool extends InlinePool {
  warmed = 0;
  override async warm(): Promise<void> {
    this.warmed++;
  }
}

describe('warmPool', () => {
  it.each([
    [true, 1],
    [false, 0],
  ])('with warmPool %s the app warms its pool %i time(s) once it is ready', async (warmPool, times) => {
    const pool = new CountingPool();
    const repo = new Repo(await SqliteStore.open());
    const app = await buildApp({ apiToken: 'test-token-123', repo, pool, warmPool });
    try {
      expect(pool.warmed).toBe(0);
      await app.ready();
      expect(pool.warmed).toBe(times);
    } finally {
      await app.close();
      await repo.store.close();
    }
  });
});
