import { Repo } from '../store/repo';
import { SqliteStore } from '../store/sqlite';
import { defaultEngine } from './engine';
import { JobRunner, matchesFalsePositive, tunedThreshold } from './runner';
import { SourceRegistry } from '../sources/registry';
import { ManualClock, MemorySeriesSource } from '../../tests/helpers/jobs';
import { countTurns, type TurnCounter } from '../../tests/helpers/turns';
import type { AnomalyEvent } from '../contract/results';

const MIN = 60_000;
const T0 = Date.UTC(2026, 0, 5, 0, 0, 0);

/** Deterministic noise in [-0.5, 0.5). */
function noise(t: number): number {
  const x = Math.sin(t / 7919) * 43758.5453;
  return x - Math.floor(x) - 0.5;
}

function setupRunner(spikes: Map<number, number>) {
  const source = new MemorySeriesSource('prometheus', 'prometheus', [{ __name__: 'cpu', instance: 'a' }], (_l, t) => {
    return 10 + Math.sin((2 * Math.PI * t) / (60 * MIN)) + noise(t) * 0.4 + (spikes.get(t) ?? 0);
  });
  return source;
}

describe('JobRunner', () => {
  it('streams the training window on the first run, then only the new points, continuing the saved stream', async () => {
    const repo = new Repo(await SqliteStore.open());
    const clock = new ManualClock(T0 + 30_000);
    const source = setupRunner(new Map());
    const runner = new JobRunner({ repo, sources: new SourceRegistry([source]), engine: defaultEngine, clock });
    const job = await repo.createJob(
      {
        name: 'cpu',
        source: { type: 'prometheus', query: 'cpu' },
        detectors: ['zscore', 'mad'],
        interval: '1m',
        trainingWindow: '2d',
      },
      clock.now()
    );
    const first = await runner.run(job);
    const end = T0 - MIN; // newest complete bucket
    expect(first.lastProcessed).toBe(end);
    expect(first.points).toBe(2 * 1440);
    // the first run also reads its warm-up (two days at one minute) before the training window
    expect(source.fetches[0]).toEqual({
      from: end - (2 * 1440 + 2880) * MIN + MIN,
      to: end + MIN - 1,
      intervalMs: MIN,
    });
    expect(await repo.getModel(job.id)).toBeDefined();
    await repo.setLastRun(
      job.id,
      { at: clock.now(), ok: true, durationMs: 1 },
      { failures: 0, lastProcessed: first.lastProcessed }
    );

    clock.t += 5 * MIN;
    source.fetches.length = 0;
    const second = await runner.run(job);
    expect(second.points).toBe(5);
    expect(second.lastProcessed).toBe(end + 5 * MIN);
    // one fetch of the new points only: the stream continues from its saved state
    expect(source.fetches).toEqual([{ from: end + MIN, to: end + 6 * MIN - 1, intervalMs: MIN }]);
    const stored = await repo.readResults(job.id, end + MIN, end + 5 * MIN);
    expect(stored[0].points.map((p) => p.t)).toEqual([1, 2, 3, 4, 5].map((k) => end + k * MIN));
    expect(stored[0].points.every((p) => p.expected !== null && p.score !== null)).toBe(true);
    await repo.store.close();
  });

  it('suppresses a repeat of a false-positive pattern but still reports a bigger excursion', async () => {
    const repo = new Repo(await SqliteStore.open());
    const clock = new ManualClock(T0 + 30_000);
    const spikes = new Map<number, number>();
    const source = setupRunner(spikes);
    const runner = new JobRunner({ repo, sources: new SourceRegistry([source]), engine: defaultEngine, clock });
    const job = await repo.createJob(
      {
        name: 'cpu',
        source: { type: 'prometheus', query: 'cpu' },
        detectors: ['zscore', 'mad'],
        interval: '1m',
        trainingWindow: '1d',
      },
      clock.now()
    );
    const step = async (minutes: number) => {
      clock.t += minutes * MIN;
      const r = await runner.run(job);
      await repo.setLastRun(
        job.id,
        { at: clock.now(), ok: true, durationMs: 1 },
        { failures: 0, lastProcessed: r.lastProcessed }
      );
    };
    await step(0);
    const before = (await repo.listAnomalies(job.id, 0, Number.MAX_SAFE_INTEGER)).length;

    const spikeAt = (k: number) => T0 - MIN + k * MIN;
    spikes.set(spikeAt(3), 8);
    await step(5);
    const first = await repo.listAnomalies(job.id, spikeAt(1), spikeAt(5));
    expect(first).toHaveLength(1);
    expect(first[0]).toMatchObject({ direction: 'above', peak: spikeAt(3) });
    await repo.addFeedback(first[0], 'false_positive', 'deploy spike', clock.now());

    // the same pattern seven hours later (same series, same direction, no bigger; after the six-hour refractory
    // window of the event logic) is suppressed
    spikes.set(spikeAt(423), 7.5);
    clock.t += 420 * MIN;
    const tuned = await runner.run(job);
    await repo.setLastRun(
      job.id,
      { at: clock.now(), ok: true, durationMs: 1 },
      { failures: 0, lastProcessed: tuned.lastProcessed }
    );
    // one false positive raised the threshold by 10% of the default (37)
    expect(tuned.threshold).toBeCloseTo(40.7);
    expect(await repo.listAnomalies(job.id, spikeAt(420), spikeAt(425))).toHaveLength(0);
    const hidden = await repo.listAnomalies(job.id, spikeAt(420), spikeAt(425), true);
    expect(hidden).toHaveLength(1);
    expect(hidden[0].suppressedBy).toBeDefined();
    const pts = (await repo.readResults(job.id, spikeAt(423), spikeAt(423)))[0].points;
    expect(pts[0]).toMatchObject({ anomaly: false, direction: 0 });

    // a much bigger spike is still reported (an escalation opens an event within the refractory window)
    spikes.set(spikeAt(483), 30);
    await step(60);
    const big = await repo.listAnomalies(job.id, spikeAt(480), spikeAt(485));
    expect(big).toHaveLength(1);
    expect(big[0].suppressedBy).toBeUndefined();
    expect((await repo.listAnomalies(job.id, 0, Number.MAX_SAFE_INTEGER)).length).toBe(before + 2);
    await repo.store.close();
  });
});

describe('JobRunner and the event loop', () => {
  it('gives the event loop a turn between series once a slice of scoring is used up', async () => {
    const repo = new Repo(await SqliteStore.open());
    const clock = new ManualClock(T0 + 30_000);
    const hosts = ['a', 'b', 'c', 'd'].map((instance) => ({ __name__: 'cpu', instance }));
    const source = new MemorySeriesSource('prometheus', 'prometheus', hosts, (_l, t) => 10 + noise(t));
    // turns of the event loop seen when each series is scored
    let turns: TurnCounter | undefined;
    const seen: number[] = [];
    const engine = {
      ...defaultEngine,
      advance: (...a: Parameters<typeof defaultEngine.advance>) => {
        seen.push(turns!.count);
        return defaultEngine.advance(...a);
      },
    };
    const run = async (sliceMs: number) => {
      // a job of its own for each run: both are first runs over the same data
      const job = await repo.createJob(
        { name: `cpu ${sliceMs}`, source: { type: 'prometheus', query: 'cpu' }, interval: '1m', trainingWindow: '1h' },
        clock.now()
      );
      seen.length = 0;
      const runner = new JobRunner({ repo, sources: new SourceRegistry([source]), engine, clock, sliceMs });
      turns = countTurns();
      try {
        await runner.run(job);
      } finally {
        turns.stop();
      }
      return seen.slice(1).map((n, i) => n - seen[i]);
    };
    // a slice of 0 ms: a turn before every series
    const sliced = await run(0);
    expect(sliced).toHaveLength(3);
    expect(sliced.every((d) => d >= 1)).toBe(true);
    // a slice longer than the run: the series are scored back to back
    expect(await run(60_000)).toEqual([0, 0, 0]);
    await repo.store.close();
  });
});

describe('tunedThreshold', () => {
  it('moves 10% per verdict within ±50% of the configured threshold, capped at 100', () => {
    expect(tunedThreshold(40, { false_positive: 0, confirmed: 0 })).toBe(40);
    expect(tunedThreshold(40, { false_positive: 2, confirmed: 0 })).toBeCloseTo(48);
    expect(tunedThreshold(40, { false_positive: 9, confirmed: 0 })).toBeCloseTo(60);
    expect(tunedThreshold(40, { false_positive: 1, confirmed: 3 })).toBeCloseTo(32);
    expect(tunedThreshold(40, { false_positive: 0, confirmed: 20 })).toBeCloseTo(20);
    expect(tunedThreshold(90, { false_positive: 5, confirmed: 0 })).toBe(100);
  });
});

describe('matchesFalsePositive', () => {
  const fp: AnomalyEvent = {
    start: 0,
    end: 0,
    labels: { host: 'a' },
    severity: 'minor',
    score: 40,
    peak: 0,
    detectors: {},
    expected: 10,
    actual: 20,
    direction: 'above',
    confidence: 1,
    explanation: '',
  };
  it.each([
    [{}, true],
    [{ actual: 21 }, true],
    [{ actual: 22 }, false],
    [{ direction: 'below' as const, actual: 0 }, false],
    [{ labels: { host: 'b' } }, false],
    [{ expected: NaN }, false],
  ])('%j -> %s', (change, expected) => {
    expect(matchesFalsePositive({ ...fp, ...change }, fp)).toBe(expected);
  });
});
