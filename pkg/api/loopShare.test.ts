import { InlinePool } from '../pool/pool';
import { Repo } from '../store/repo';
import { SqliteStore } from '../store/sqlite';
import { buildApp } from './app';
import { LoopShare } from './loopShare';

/**
 * The check phase of an event loop, by hand: `defer` queues a callback; `turn()` runs those queued before it,
 * letting each one's microtasks settle before the next (as Node does), while those they queue wait for the next turn.
 */
function fakeLoop() {
  let queue: (() => void)[] = [];
  return {
    defer: (fn: () => void) => void queue.push(fn),
    async turn() {
      const run = queue;
      queue = [];
      for (const fn of run) {
        fn();
        await new Promise((r) => setImmediate(r));
      }
    },
  };
}

describe('LoopShare', () => {
  it('admits requests in arrival order until the turn has used its budget, the others in later turns', async () => {
    const loop = fakeLoop();
    let clock = 0;
    const share = new LoopShare(10, () => clock, loop.defer);
    const admitted: [number, number][] = [];
    let turn = 0;
    for (let i = 0; i < 7; i++) {
      void share.turn().then(() => {
        admitted.push([i, turn]);
        clock += 4; // each request's synchronous work
      });
    }
    for (turn = 1; turn <= 4; turn++) await loop.turn();
    // 4 ms each in a share of 10 ms: three a turn (the third starts at 8 ms), in order
    expect(admitted).toEqual([
      [0, 1],
      [1, 1],
      [2, 1],
      [3, 2],
      [4, 2],
      [5, 2],
      [6, 3],
    ]);
  });

  it('admits the first request of a turn whatever it costs, and gives the next turn a fresh share', async () => {
    const loop = fakeLoop();
    let clock = 0;
    const share = new LoopShare(10, () => clock, loop.defer);
    const admitted: [string, number][] = [];
    let turn = 1;
    const ask = (name: string, cost: number) =>
      void share.turn().then(() => {
        admitted.push([name, turn]);
        clock += cost;
      });
    ask('long', 50);
    ask('short', 1);
    await loop.turn();
    turn = 2;
    await loop.turn();
    // a request arriving after the others were served is admitted in the turn it arrives
    clock += 1000;
    ask('later', 1);
    turn = 3;
    await loop.turn();
    expect(admitted).toEqual([
      ['long', 1],
      ['short', 2],
      ['later', 3],
    ]);
  });

  it('with the default clock and loop, resolves every request', async () => {
    const share = new LoopShare(1);
    const done: number[] = [];
    await Promise.all(Array.from({ length: 20 }, (_, i) => share.turn().then(() => done.push(i))));
    expect(done).toEqual(Array.from({ length: 20 }, (_, i) => i));
  });
});

describe('the app and its LoopShare', () => {
  it('makes every handler but the health probes wait for its turn', async () => {
    class CountingShare extends LoopShare {
      turns = 0;
      override turn(): Promise<void> {
        this.turns++;
        return super.turn();
      }
    }
    const loopShare = new CountingShare();
    const repo = new Repo(await SqliteStore.open());
    const app = await buildApp({ apiToken: 'test-token-123', repo, pool: new InlinePool(), loopShare });
    const auth = { authorization: 'Bearer test-token-123' };
    try {
      for (const url of ['/api/health', '/api/health/live', '/api/health/ready'])
        expect((await app.inject({ url })).statusCode).toBe(200);
      expect(loopShare.turns).toBe(0);
      expect((await app.inject({ url: '/api/jobs', headers: auth })).statusCode).toBe(200);
      expect(
        (await app.inject({ url: '/api/v1/query_range?query=up&start=0&end=60&step=15', headers: auth })).statusCode
      ).toBe(200);
      expect(loopShare.turns).toBe(2);
    } finally {
      await app.close();
      await repo.store.close();
    }
  });
});
