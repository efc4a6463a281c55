import { ResultCache } from './resultCache';

function deferred<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((a, b) => {
    resolve = a;
    reject = b;
  });
  return { promise, resolve, reject };
}

describe('ResultCache', () => {
  it('computes identical concurrent requests once, and reuses the answer within the TTL only', async () => {
    let t = 0;
    const cache = new ResultCache(5_000, 1024, () => t);
    const d = deferred<string>();
    let calls = 0;
    const compute = () => {
      calls++;
      return calls === 1 ? d.promise : Promise.resolve(`answer ${calls}`);
    };
    const a = cache.get('k', compute);
    const b = cache.get('k', compute);
    d.resolve('answer 1');
    expect(await Promise.all([a, b])).toEqual(['answer 1', 'answer 1']);
    t = 4_999;
    expect(await cache.get('k', compute)).toBe('answer 1');
    t = 5_000;
    expect(await cache.get('k', compute)).toBe('answer 2');
    expect(calls).toBe(2);
    expect(await cache.get('other', compute)).toBe('answer 3');
    expect({ hits: cache.hits, misses: cache.misses }).toEqual({ hits: 2, misses: 3 });
  });

  it('tells the computation its callers have gone only when the last one with a signal leaves', async () => {
    const cache = new ResultCache(5_000, 1024, () => 0);
    const d = deferred<string>();
    let seen: AbortSignal | undefined;
    const compute = (signal: AbortSignal) => {
      seen = signal;
      return d.promise;
    };
    const first = new AbortController();
    const second = new AbortController();
    const a = cache.get('k', compute, first.signal);
    const b = cache.get('k', compute, second.signal);
    first.abort();
    expect(seen?.aborted).toBe(false);
    second.abort();
    expect(seen?.aborted).toBe(true);
    d.resolve('late');
    expect(await Promise.all([a, b])).toEqual(['late', 'late']);

    // a caller without a signal keeps the computation wanted
    const e = deferred<string>();
    const gone = new AbortController();
    const c = cache.get('j', (signal) => ((seen = signal), e.promise), gone.signal);
    const stays = cache.get('j', () => Promise.resolve('unused'));
    gone.abort();
    expect(seen?.aborted).toBe(false);
    e.resolve('kept');
    expect(await Promise.all([c, stays])).toEqual(['kept', 'kept']);
  });

  it('never keeps a failure', async () => {
    const cache = new ResultCache(5_000, 1024, () => 0);
    await expect(cache.get('k', () => Promise.reject(new Error('source down')))).rejects.toThrow('source down');
    expect(await cache.get('k', async () => 'fine')).toBe('fine');
  });

  it('drops the least recently used answers beyond its byte budget, and keeps none over it', async () => {
    const cache = new ResultCache(60_000, 10, () => 0);
    await cache.get('a', async () => 'aaaa');
    await cache.get('b', async () => 'bbbb');
    await cache.get('a', async () => 'new a'); // a is now the most recently used
    await cache.get('c', async () => 'cccc'); // 12 bytes: b goes
    expect(await cache.get('a', async () => 'recomputed')).toBe('aaaa');
    expect(await cache.get('b', async () => 'b again')).toBe('b again');
    expect(await cache.get('huge', async () => 'x'.repeat(11))).toBe('x'.repeat(11));
    expect(await cache.get('huge', async () => 'second')).toBe('second');
  });
});
