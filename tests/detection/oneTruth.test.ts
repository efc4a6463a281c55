/**
 * One detection truth: a backtest over a range, the scheduled runs of a job over the same range (a first run on its
 * training window, then incremental runs a few hours apart, each continuing the saved streams) and `vigil detect`'s
 * pipeline over the same points raise the same events.
 */
import type { AnomalyEvent } from '../../pkg/contract/results';
import { buildApp } from '../../pkg/api/app';
import { defaultEngine } from '../../pkg/jobs/engine';
import { JobRunner } from '../../pkg/jobs/runner';
import { detect } from '../../pkg/pipeline/detect';
import { defaultWarmup } from '../../pkg/pipeline/stream';
import { SourceRegistry } from '../../pkg/sources/registry';
import { Repo } from '../../pkg/store/repo';
import { SqliteStore } from '../../pkg/store/sqlite';
import { ManualClock, MemorySeriesSource } from '../helpers/jobs';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const T0 = Date.UTC(2026, 2, 1);
const SPIKE = T0 + 30 * DAY + 13 * HOUR;
const OUTAGE = T0 + 33 * DAY + 11 * HOUR;

/** Hourly requests with a daily rhythm and deterministic noise, a spike and a three-hour outage. */
function requests(t: number): number {
  const h = (t / HOUR) % 24;
  const x = Math.sin(t / 7919) * 43758.5453;
  const noise = x - Math.floor(x) - 0.5;
  const base = 40 + 30 * Math.max(0, Math.sin((Math.PI * (h - 6)) / 14));
  if (t === SPIKE) return 400;
  if (t >= OUTAGE && t < OUTAGE + 3 * HOUR) return 0;
  return Math.round(base + 8 * noise);
}

const key = (e: AnomalyEvent) => `${e.start}|${e.peak}|${e.severity}|${Math.round(e.score)}`;

test('a backtest, the scheduled runs of a job and vigil detect give the same events', async () => {
  const repo = new Repo(await SqliteStore.open());
  const source = new MemorySeriesSource('prometheus', 'prometheus', [{ __name__: 'requests' }], (_l, t) => requests(t));
  const sources = new SourceRegistry([source]);
  // the job's first run covers the ten days before "now"; three more runs follow, 30, 23 and 19 hours apart
  const start = T0 + 35 * DAY;
  const clock = new ManualClock(start + 10_000);
  const runner = new JobRunner({ repo, sources, engine: defaultEngine, clock });
  const spec = {
    name: 'requests',
    source: { type: 'prometheus' as const, query: 'requests' },
    interval: '1h',
    trainingWindow: '10d',
  };
  const job = await repo.createJob(spec, clock.now());
  let last = 0;
  for (const hours of [0, 30, 23, 19]) {
    clock.t += hours * HOUR;
    const r = await runner.run(job);
    await repo.setLastRun(
      job.id,
      { at: clock.now(), ok: true, durationMs: 1 },
      { failures: 0, lastProcessed: r.lastProcessed }
    );
    last = r.lastProcessed;
  }
  const firstScored = start - HOUR - 10 * DAY + HOUR; // the first point of the training window
  const scheduled = (await repo.listAnomalies(job.id, 0, Number.MAX_SAFE_INTEGER)).map((a) => key(a));

  const app = await buildApp({ apiToken: 't', repo, sources, clock });
  const res = await app.inject({
    method: 'POST',
    url: '/api/backtest',
    headers: { authorization: 'Bearer t' },
    payload: { ...spec, from: firstScored, to: last },
  });
  expect(res.statusCode).toBe(200);
  const backtest = (res.json().events as AnomalyEvent[]).map(key);

  const warmup = defaultWarmup(HOUR);
  const timestamps = Float64Array.from(
    { length: Math.round((last - firstScored) / HOUR) + 1 + warmup },
    (_, i) => firstScored - warmup * HOUR + i * HOUR
  );
  const values = timestamps.map(requests);
  const cli = detect([{ labels: { __name__: 'requests' }, timestamps, values }], {
    intervalMs: HOUR,
    from: firstScored,
  }).anomalies.map(key);

  expect(scheduled.length).toBeGreaterThanOrEqual(2);
  expect(new Set(scheduled)).toEqual(new Set(backtest));
  expect(new Set(cli)).toEqual(new Set(backtest));
  // the spike and the outage are among them
  expect(backtest.some((k) => k.startsWith(`${SPIKE}|`))).toBe(true);
  expect(backtest.some((k) => k.startsWith(`${OUTAGE}|`))).toBe(true);
  await app.close();
  await repo.store.close();
});
