import { InputError, ParameterError } from '../core/errors';
import type { Series } from '../core/series';
import { detectJson, outlierJudgement, outliersJson } from './tasks';
import { InlinePool, PoolBusyError, TASKS_PER_THREAD, TaskAbandonedError, WorkerPool } from './pool';

const MIN = 60_000;
function wave(n: number, spikeAt = -1): Series {
  const timestamps = Float64Array.from({ length: n }, (_, i) => Date.UTC(2026, 0, 1) + i * 5 * MIN);
  const values = Float64Array.from({ length: n }, (_, i) => 10 + Math.sin(i / 12) + (i === spikeAt ? 25 : 0));
  return { labels: { __name__: 'cpu' }, timestamps, values };
}

describe('WorkerPool', () => {
  let pool: WorkerPool;
  beforeAll(() => {
    pool = new WorkerPool({ threads: 2, maxQueue: 4, tasksPerThread: 1 });
  });
  afterAll(() => pool.close());

  it('answers exactly what the pipeline answers in-process', async () => {
    const series = [wave(1500, 1200)];
    const options = { intervalMs: 5 * MIN, warmup: 288 };
    const text = await pool.detectJson(series, options);
    expect(text).toBe(detectJson({ series, options }));
    expect(JSON.parse(text).anomalies.length).toBeGreaterThan(0);
    expect(await new InlinePool().detectJson(series, options)).toBe(text);
  }, 60_000);

  it('warms up by running one small detection per thread, before any request', async () => {
    const fresh = new WorkerPool({ threads: 2 });
    try {
      expect(fresh.stats().completed).toBe(0);
      await fresh.warm();
      expect(fresh.stats()).toMatchObject({ threads: 2, completed: 2, running: 0, queued: 0 });
      await expect(new InlinePool().warm()).resolves.toBeUndefined();
    } finally {
      await fresh.close();
    }
  }, 60_000);

  it('judges peer-group outliers in a thread as in-process, with their errors', async () => {
    const group = Array.from({ length: 6 }, (_, k) => {
      const s = wave(300);
      return { ...s, labels: { host: `h${k}` }, values: s.values.map((v, i) => v + (k === 4 && i > 100 ? 30 : 0)) };
    });
    const task = {
      series: group,
      from: group[0].timestamps[0],
      to: group[0].timestamps[299],
      intervalMs: 5 * MIN,
      options: {},
    };
    const text = await pool.outliersJson(task);
    expect(text).toBe(outliersJson(task));
    const flagged = (JSON.parse(text) as { series: { labels: { host: string }; outlier: boolean }[] }).series
      .filter((x) => x.outlier)
      .map((x) => x.labels.host);
    expect(flagged).toEqual(['h4']);
    await expect(pool.outliersJson({ ...task, series: group.slice(0, 2) })).rejects.toBeInstanceOf(InputError);
    // the judgement a scheduled job stores comes back in typed arrays, equal to the in-process one
    const judged = await pool.outlierJudgement(task);
    expect(judged).toEqual(outlierJudgement(task));
    expect(judged.result.series[4].outlying).toBeInstanceOf(Uint8Array);
    expect(judged.result.series.map((v) => v.outlier)).toEqual([false, false, false, false, true, false]);
    await expect(pool.outlierJudgement({ ...task, series: group.slice(0, 2) })).rejects.toBeInstanceOf(InputError);
  }, 60_000);

  it("gives Vigil's errors back with their class (so the API answers 400, not 500)", async () => {
    const err = await pool.detectJson([wave(50)], { intervalMs: -5 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as Error).message).toMatch(/interval must be positive/);
    const bad = await pool
      .detectJson([wave(500)], { intervalMs: 5 * MIN, ensemble: { detectors: ['nope'] } })
      .catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(ParameterError);
  }, 60_000);

  it('refuses work beyond its queue with a retry delay, and serves again once drained', async () => {
    const series = [wave(6000)];
    const options = { intervalMs: 5 * MIN };
    const tasks = Array.from({ length: 12 }, () =>
      pool.detectJson(series, options).then(
        () => 'ok',
        (e) => e
      )
    );
    const outcomes = await Promise.all(tasks);
    const busy = outcomes.filter((o) => o instanceof PoolBusyError) as PoolBusyError[];
    expect(busy.length).toBeGreaterThan(0);
    expect(outcomes.filter((o) => o === 'ok').length).toBeGreaterThanOrEqual(6);
    expect(busy[0].retryAfterSeconds).toBeGreaterThanOrEqual(1);
    expect(busy[0].message).toMatch(/detection is busy: \d+ requests are waiting for 2 worker threads/);
    expect(await pool.detectJson([wave(400)], { intervalMs: 5 * MIN })).toContain('"series"');
    expect(pool.stats()).toMatchObject({ threads: 2, queued: 0, maxQueue: 4 });
  }, 120_000);

  it('drops a task whose caller went away while it waited for a thread, and still runs the one on a thread', async () => {
    const one = new WorkerPool({ threads: 1, maxQueue: 8, tasksPerThread: 1 });
    try {
      const options = { intervalMs: 5 * MIN };
      const running = new AbortController();
      const leaves = new AbortController();
      const onThread = one.detectJson([wave(6000)], options, running.signal);
      const dropped = one.detectJson([wave(6000)], options, leaves.signal).catch((e: unknown) => e);
      const kept = one.detectJson([wave(400)], options, new AbortController().signal);
      expect(one.stats()).toMatchObject({ running: 1, queued: 2 });
      leaves.abort();
      running.abort();
      expect(await dropped).toBeInstanceOf(TaskAbandonedError);
      expect(one.stats()).toMatchObject({ running: 1, queued: 1, abandoned: 1 });
      expect(await onThread).toContain('"series"');
      expect(await kept).toContain('"series"');
      expect(one.stats()).toMatchObject({ running: 0, queued: 0, completed: 2, abandoned: 1 });
      await expect(one.detectJson([wave(400)], options, AbortSignal.abort())).rejects.toBeInstanceOf(
        TaskAbandonedError
      );
    } finally {
      await one.close();
    }
  }, 120_000);

  it('hands each thread several tasks at once by default, and queues the rest', async () => {
    const one = new WorkerPool({ threads: 1, maxQueue: 8 });
    try {
      const options = { intervalMs: 5 * MIN };
      const tasks = Array.from({ length: TASKS_PER_THREAD + 2 }, () => one.detectJson([wave(3000)], options));
      expect(one.stats()).toMatchObject({ running: TASKS_PER_THREAD, queued: 2 });
      for (const text of await Promise.all(tasks)) expect(text).toContain('"series"');
      expect(one.stats()).toMatchObject({ running: 0, queued: 0, completed: TASKS_PER_THREAD + 2 });
    } finally {
      await one.close();
    }
  }, 120_000);
});
