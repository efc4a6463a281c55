import { SourceError } from '../core/errors';
import { Repo } from '../store/repo';
import { SqliteStore } from '../store/sqlite';
import type { JobRunner } from './runner';
import { Scheduler } from './scheduler';
import { ManualClock, settle } from '../../tests/helpers/jobs';
import type { Job } from '../contract/jobs';

const MIN = 60_000;

async function setup(
  run: (job: Job) => Promise<{ points: number; lastProcessed: number }>,
  maxBackoffMs = 10 * MIN,
  concurrency = 4
) {
  const repo = new Repo(await SqliteStore.open());
  const clock = new ManualClock(1_700_000_000_000);
  const runner: Pick<JobRunner, 'run'> = { run };
  const scheduler = new Scheduler({ repo, runner, clock, maxBackoffMs, concurrency });
  return { repo, clock, scheduler };
}

describe('Scheduler', () => {
  it('runs each enabled job every interval and never overlaps runs of one job', async () => {
    let active = 0;
    let maxActive = 0;
    const starts: number[] = [];
    let release: () => void = () => undefined;
    const { repo, clock, scheduler } = await setup(async () => {
      starts.push(clock.now());
      active++;
      maxActive = Math.max(maxActive, active);
      await new Promise<void>((r) => (release = r));
      active--;
      return { points: 1, lastProcessed: clock.now() };
    });
    const job = await repo.createJob(
      { name: 'slow', source: { type: 'prometheus', query: 'up' }, interval: '1m' },
      clock.now()
    );
    await repo.createJob(
      { name: 'off', source: { type: 'prometheus', query: 'up' }, interval: '1m' },
      clock.now(),
      false
    );
    await scheduler.start();
    await clock.advance(0);
    expect(starts).toHaveLength(1);
    // a slow run: five intervals pass, a manual run is refused, nothing else starts
    await clock.advance(5 * MIN);
    expect(await scheduler.runNow(job.id)).toBe(false);
    expect(starts).toHaveLength(1);
    expect(scheduler.isRunning(job.id)).toBe(true);
    release();
    await settle();
    // the next run comes one interval after the previous one finished
    await clock.advance(MIN - 1);
    expect(starts).toHaveLength(1);
    await clock.advance(1);
    expect(starts).toHaveLength(2);
    release();
    await settle();
    await clock.advance(MIN);
    expect(starts).toHaveLength(3);
    expect(maxActive).toBe(1);
    expect((await repo.getJob(job.id, clock.now()))?.lastRun).toMatchObject({ ok: true, points: 1 });
    release();
    await scheduler.stop();
  });

  it('backs off a failing source exponentially (capped), reports it, and keeps the other jobs going', async () => {
    const runs: { name: string; at: number }[] = [];
    const ref: { clock?: ManualClock } = {};
    const { repo, clock, scheduler } = await setup(async (job) => {
      runs.push({ name: job.name, at: ref.clock!.now() });
      if (job.source.type === 'elasticsearch') throw new SourceError('elasticsearch', 'connection refused');
      return { points: 1, lastProcessed: ref.clock!.now() };
    }, 10 * MIN);
    ref.clock = clock;
    const t0 = clock.now();
    const bad = await repo.createJob(
      {
        name: 'bad',
        source: { type: 'elasticsearch', index: 'x', timeField: 't', metric: { type: 'count' } },
        interval: '1m',
      },
      t0
    );
    await repo.createJob({ name: 'good', source: { type: 'prometheus', query: 'up' }, interval: '1m' }, t0);
    await scheduler.start();
    await clock.advance(40 * MIN);
    const badRuns = runs.filter((r) => r.name === 'bad').map((r) => (r.at - t0) / MIN);
    // failures back off 2, 4, 8 minutes, then the 10-minute cap
    expect(badRuns).toEqual([0, 2, 6, 14, 24, 34]);
    const goodRuns = runs.filter((r) => r.name === 'good');
    expect(goodRuns.length).toBe(41);
    const state = await repo.getState(bad.id);
    expect(state.failures).toBe(6);
    expect((await repo.getJob(bad.id, clock.now()))?.lastRun).toMatchObject({
      ok: false,
      error: 'elasticsearch: connection refused',
    });
    expect(scheduler.sources()).toMatchObject({
      elasticsearch: { ok: false, error: 'elasticsearch: connection refused' },
      prometheus: { ok: true },
    });
    expect(await scheduler.failingJobs()).toBe(1);
    await scheduler.stop();
  });

  it('resumes a job after a restart from its persisted backoff', async () => {
    const runs: number[] = [];
    const { repo, clock, scheduler } = await setup(async () => {
      runs.push(clock.now());
      return { points: 0, lastProcessed: 0 };
    });
    const job = await repo.createJob({ name: 'j', source: { type: 'prometheus', query: 'up' } }, clock.now());
    await repo.setLastRun(
      job.id,
      { at: clock.now(), ok: false, error: 'x', durationMs: 1 },
      { failures: 2, backoffUntil: clock.now() + 3 * MIN }
    );
    await scheduler.start();
    await clock.advance(3 * MIN - 1);
    expect(runs).toHaveLength(0);
    await clock.advance(1);
    expect(runs).toHaveLength(1);
    await scheduler.stop();
  });

  it('keeps at most `concurrency` runs in flight over all jobs', async () => {
    let active = 0;
    let maxActive = 0;
    const releases: (() => void)[] = [];
    const { repo, clock, scheduler } = await setup(
      async () => {
        active++;
        maxActive = Math.max(maxActive, active);
        await new Promise<void>((r) => releases.push(r));
        active--;
        return { points: 0, lastProcessed: 0 };
      },
      10 * MIN,
      2
    );
    for (let i = 0; i < 5; i++)
      await repo.createJob({ name: `j${i}`, source: { type: 'prometheus', query: 'up' } }, clock.now());
    await scheduler.start();
    await clock.advance(0);
    expect(active).toBe(2);
    expect(scheduler.load()).toEqual({ active: 2, queued: 3 });
    while (releases.length) {
      releases.shift()!();
      await settle();
    }
    expect(maxActive).toBe(2);
    expect((await repo.listJobs(clock.now())).every((j) => j.lastRun?.ok)).toBe(true);
    await scheduler.stop();
  });

  it('stops scheduling a disabled or deleted job', async () => {
    const runs: number[] = [];
    const { repo, clock, scheduler } = await setup(async () => {
      runs.push(clock.now());
      return { points: 0, lastProcessed: 0 };
    });
    const job = await repo.createJob({ name: 'j', source: { type: 'prometheus', query: 'up' } }, clock.now());
    await scheduler.start();
    await clock.advance(2 * MIN);
    expect(runs).toHaveLength(3);
    await repo.setEnabled(job.id, false, clock.now());
    await scheduler.refresh(job.id);
    await clock.advance(5 * MIN);
    expect(runs).toHaveLength(3);
    expect(clock.pending()).toBe(0);
    await scheduler.stop();
  });
});
