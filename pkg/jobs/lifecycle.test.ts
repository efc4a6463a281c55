import { Repo } from '../store/repo';
import { SqliteStore } from '../store/sqlite';
import { defaultEngine } from './engine';
import { JobRunner } from './runner';
import { Scheduler } from './scheduler';
import { SourceRegistry } from '../sources/registry';
import { ManualClock, MemorySeriesSource } from '../../tests/helpers/jobs';
import type { Labels } from '../core/series';

const MIN = 60_000;
const T0 = Date.UTC(2026, 0, 5, 0, 0, 0);

function noise(t: number): number {
  const x = Math.sin(t / 7919) * 43758.5453;
  return x - Math.floor(x) - 0.5;
}

async function setup(series: Labels[], spikes: Map<number, number> = new Map()) {
  const repo = new Repo(await SqliteStore.open());
  const clock = new ManualClock(T0 + 30_000);
  const source = new MemorySeriesSource('prometheus', 'prometheus', series, (l, t) => {
    if (l.born && t < Number(l.born)) return NaN;
    return 10 + Math.sin((2 * Math.PI * t) / (60 * MIN)) + noise(t) * 0.4 + (spikes.get(t) ?? 0);
  });
  // as Prometheus answers: a series has no samples before it exists
  const fetch = source.fetch.bind(source);
  source.fetch = async (...args) =>
    (await fetch(...args))
      .map((s) => {
        const keep = Array.from(s.values, (v, i) => i).filter((i) => !Number.isNaN(s.values[i]));
        return {
          labels: s.labels,
          timestamps: Float64Array.from(keep, (i) => s.timestamps[i]),
          values: Float64Array.from(keep, (i) => s.values[i]),
        };
      })
      .filter((s) => s.values.length > 0);
  const runner = new JobRunner({ repo, sources: new SourceRegistry([source]), engine: defaultEngine, clock });
  const scheduler = new Scheduler({ repo, runner, clock });
  return { repo, clock, source, runner, scheduler };
}

const base = {
  source: { type: 'prometheus' as const, query: 'cpu' },
  interval: '1m',
  trainingWindow: '1d',
};

describe('job lifecycle', () => {
  it('scores only buckets older than now minus the ingest delay', async () => {
    const { repo, clock, source, runner } = await setup([{ __name__: 'cpu' }]);
    const job = await repo.createJob({ ...base, name: 'late data', ingestDelay: '5m' }, clock.now());
    const res = await runner.run(job);
    // without a delay the newest complete bucket is T0 - 1m; with 5 minutes it is T0 - 6m
    expect(res.lastProcessed).toBe(T0 - 6 * MIN);
    expect(source.fetches[0].to).toBe(T0 - 5 * MIN - 1);
    await repo.store.close();
  });

  it('in a maintenance window scores but raises no event; outside it a bigger spike is an event', async () => {
    const spikes = new Map([
      [T0 + 60 * MIN, 30],
      [T0 + 600 * MIN, 80],
    ]);
    const { repo, clock, scheduler } = await setup([{ __name__: 'cpu' }], spikes);
    const job = await repo.createJob(
      {
        ...base,
        name: 'maintained',
        maintenanceWindows: [{ name: 'nightly', from: T0 + 30 * MIN, to: T0 + 120 * MIN }],
      },
      clock.now()
    );
    await scheduler.runNow(job.id);
    clock.t = T0 + 660 * MIN + 30_000;
    await scheduler.runNow(job.id);
    const results = await repo.readResults(job.id, T0, T0 + 700 * MIN);
    const at = (t: number) => results[0].points.find((p) => p.t === t)!;
    expect(at(T0 + 60 * MIN).score).toBeGreaterThan(75); // scored...
    expect(at(T0 + 60 * MIN).anomaly).toBe(false); // ...but no event
    expect(at(T0 + 600 * MIN).anomaly).toBe(true);
    const events = await repo.listAnomalies(job.id, T0, T0 + 700 * MIN, true);
    expect(events.map((e) => e.start)).toEqual([T0 + 600 * MIN]);
    await repo.store.close();
  });

  it('shows a job warming up until its series are judged, and a series that appears later as warming up', async () => {
    const born = T0 + 10 * MIN;
    const { repo, clock, scheduler } = await setup([
      { __name__: 'cpu', host: 'a' },
      { __name__: 'cpu', host: 'b', born: String(born) },
    ]);
    const job = await repo.createJob({ ...base, name: 'fleet' }, clock.now());
    expect((await repo.getJob(job.id, clock.now()))!.status).toBe('pending');
    await scheduler.runNow(job.id);
    let seen = (await repo.getJob(job.id, clock.now()))!;
    // host a has history (the first run reads its warm-up); host b has none yet
    expect(seen.status).toBe('ready');
    expect(seen.warmup).toEqual({ series: 1, warmingUp: 0 });
    clock.t = born + 20 * MIN + 30_000;
    await scheduler.runNow(job.id);
    seen = (await repo.getJob(job.id, clock.now()))!;
    expect(seen.status).toBe('ready');
    expect(seen.warmup!.series).toBe(2);
    expect(seen.warmup!.warmingUp).toBe(1);
    // two days of one-minute points from its first point
    expect(seen.warmup!.readyAt).toBe(born + (2880 - 1) * MIN);
    // its points carry no score while it learns: nothing an alert rule could fire on
    const b = (await repo.readResults(job.id, born, clock.now())).find((r) => r.labels.host === 'b')!;
    expect(b.points.length).toBeGreaterThan(10);
    expect(b.points.every((p) => p.score === null && p.expected === null && !p.anomaly)).toBe(true);
    await repo.store.close();
  });

  it('reports warming_up when no series has finished learning', async () => {
    const { repo, clock, scheduler } = await setup([{ __name__: 'cpu', born: String(T0 - 30 * MIN) }]);
    const job = await repo.createJob({ ...base, name: 'new service' }, clock.now());
    await scheduler.runNow(job.id);
    const seen = (await repo.getJob(job.id, clock.now()))!;
    expect(seen.status).toBe('warming_up');
    expect(seen.warmup).toMatchObject({ series: 1, warmingUp: 1 });
    await repo.store.close();
  });
});
