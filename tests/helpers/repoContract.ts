/**
 * The repository's behaviour, checked the same way on every store (the embedded SQLite one in the unit tests,
 * a real PostgreSQL in tests/integration/store/): whatever the database, the engine reads back what it wrote.
 */
import { Repo } from '../../pkg/store/repo';
import type { Store } from '../../pkg/store/db';

const DAY = 86_400_000;

const event = {
  start: 60_000,
  end: 120_000,
  labels: { a: '1' },
  severity: 'minor' as const,
  score: 30,
  peak: 60_000,
  detectors: { zscore: 60 },
  expected: 1,
  actual: 5,
  direction: 'above' as const,
  confidence: 1,
  explanation: 'x',
};

/** Register the repository contract tests; `open` gives a fresh, empty, migrated store each time. */
export function describeRepoContract(name: string, open: () => Promise<Store>): void {
  describe(`Repo on ${name}`, () => {
    let repo: Repo;
    beforeEach(async () => {
      repo = new Repo(await open());
    });
    afterEach(async () => {
      await repo.store.close();
    });

    it('creates, lists, updates, enables and deletes jobs', async () => {
      const a = await repo.createJob(
        { name: 'a', source: { type: 'prometheus', query: 'up' }, labels: { t: '1' } },
        10
      );
      const b = await repo.createJob({ name: 'b', source: { type: 'prometheus', query: 'up' } }, 20, false);
      expect((await repo.listJobs(30)).map((j) => [j.name, j.enabled, j.createdAt])).toEqual([
        ['a', true, 10],
        ['b', false, 20],
      ]);
      await repo.saveModel(a.id, { m: 1 }, 15, 0, 10);
      const updated = await repo.updateJob(a.id, { name: 'a2', source: { type: 'prometheus', query: 'up' } }, 40);
      expect(updated).toMatchObject({ name: 'a2', updatedAt: 40 });
      expect(await repo.getModel(a.id)).toBeUndefined();
      expect(await repo.updateJob('missing', { name: 'x', source: { type: 'prometheus', query: 'up' } }, 1)).toBe(
        undefined
      );
      expect(await repo.setEnabled(b.id, true, 50)).toMatchObject({ enabled: true, updatedAt: 50 });
      await repo.setLastRun(
        a.id,
        { at: 60, ok: false, error: 'boom', durationMs: 3 },
        { failures: 2, backoffUntil: 99 }
      );
      expect((await repo.getJob(a.id, 70))?.lastRun).toEqual({ at: 60, ok: false, error: 'boom', durationMs: 3 });
      expect(await repo.getState(a.id)).toEqual({ failures: 2, backoffUntil: 99 });
      expect(await repo.deleteJob(a.id)).toBe(true);
      expect(await repo.deleteJob(a.id)).toBe(false);
      expect((await repo.listJobs(80)).map((j) => j.name)).toEqual(['b']);
    });

    it('writes results (replacing a point written twice, NaN as null) and reads them back in order', async () => {
      const job = await repo.createJob({ name: 'cpu', source: { type: 'prometheus', query: 'up' } }, 0);
      const p = (t: number, value: number, anomaly = false) => ({
        t,
        value,
        expected: 1.5,
        lower: 0.25,
        upper: 2.75,
        score: anomaly ? 90.5 : 3,
        anomaly,
        direction: anomaly ? 1 : 0,
      });
      await repo.writeResults(job.id, { instance: 'a' }, [p(2 * 60_000, 2), p(60_000, 1)]);
      await repo.writeResults(job.id, { instance: 'a' }, [p(2 * 60_000, 9, true), p(3 * 60_000, NaN)]);
      await repo.writeResults(job.id, { instance: 'b' }, [p(60_000, 4)]);
      const rows = await repo.readResults(job.id, 0, 10 * 60_000);
      expect(rows.map((r) => r.labels)).toEqual([{ instance: 'a' }, { instance: 'b' }]);
      expect(rows[0].points).toEqual([p(60_000, 1), p(2 * 60_000, 9, true), { ...p(3 * 60_000, 0), value: null }]);
      expect(await repo.countResultSeries()).toBe(2);
      expect((await repo.latestResults()).map((r) => [r.labels.instance, r.points[0].t])).toEqual([
        ['a', 3 * 60_000],
        ['b', 60_000],
      ]);
      expect((await repo.listResultSeries()).map((s) => s.jobName)).toEqual(['cpu', 'cpu']);
      await repo.writeForecast(job.id, { instance: 'a' }, [{ t: 5 * 60_000, mean: 1, lower: 0, upper: 2 }]);
      await repo.writeForecast(job.id, { instance: 'a' }, [{ t: 6 * 60_000, mean: 2, lower: null, upper: 3 }]);
      expect((await repo.readForecasts(0, DAY))[0].points).toEqual([{ t: 6 * 60_000, mean: 2, lower: null, upper: 3 }]);
      await repo.prune(2 * 60_000);
      expect((await repo.readResults(job.id, 0, DAY))[0].points.map((x) => x.t)).toEqual([2 * 60_000, 3 * 60_000]);
      // epoch milliseconds of today survive the round trip exactly
      const now = 1_790_000_000_123;
      await repo.writeResults(job.id, { instance: 'a' }, [p(now, 1)]);
      expect((await repo.readResults(job.id, now, now))[0].points[0].t).toBe(now);
    });

    it('joins an anomaly that continues across runs, keeps feedback and suppression', async () => {
      const job = await repo.createJob({ name: 'x', source: { type: 'prometheus', query: 'up' } }, 0);
      const first = await repo.recordAnomaly(job.id, event, 0, 120_000);
      const second = await repo.recordAnomaly(
        job.id,
        { ...event, start: 180_000, end: 240_000, peak: 200_000, score: 80 },
        0,
        120_000
      );
      expect(second.id).toBe(first.id);
      expect(second).toMatchObject({ start: 60_000, end: 240_000, score: 80, peak: 200_000 });
      const hidden = await repo.recordAnomaly(job.id, { ...event, start: 900_000, end: 900_000 }, 0, 0, 'fb-1');
      expect(await repo.listAnomalies(job.id, 0, 1e7)).toHaveLength(1);
      expect((await repo.listAnomalies(job.id, 0, 1e7, true)).map((a) => a.id)).toEqual([hidden.id, first.id]);
      const fb = await repo.addFeedback(second, 'false_positive', 'deploy', 1000);
      expect((await repo.getAnomaly(first.id))?.feedback).toEqual({
        verdict: 'false_positive',
        comment: 'deploy',
        at: 1000,
      });
      expect(await repo.listFeedback()).toEqual([fb]);
      expect(await repo.feedbackCounts(job.id)).toEqual({ false_positive: 1, expected: 0, confirmed: 0 });
      expect((await repo.falsePositives(job.id)).map((f) => f.feedbackId)).toEqual([fb.id]);
      expect((await repo.listJobs(200_000))[0].anomalies24h).toBe(1);
    });

    it('keeps drift and baselines', async () => {
      const job = await repo.createJob({ name: 'd', source: { type: 'prometheus', query: 'up' } }, 0);
      await repo.setDrift(job.id, { i: '1' }, false, 0.5, 0.1, 10);
      await repo.setDrift(job.id, { i: '1' }, true, 0.001, 0.4, 20);
      expect(await repo.listDrift()).toEqual([
        { jobId: job.id, name: 'd', labels: { i: '1' }, drifting: true, pValue: 0.001, statistic: 0.4, checkedAt: 20 },
      ]);
      expect((await repo.getJob(job.id, 30))?.drift).toEqual({ drifting: true, pValue: 0.001 });
      await repo.saveBaseline('b1', { s: '1' }, { kind: 'm' }, 60_000, 5, { n: 1 });
      await repo.saveBaseline('b1', { s: '1' }, { kind: 'm2' }, 60_000, 6, { n: 2 });
      expect(await repo.getBaseline('b1')).toEqual({
        key: 'b1',
        labels: { s: '1' },
        model: { kind: 'm2' },
        intervalMs: 60_000,
        trainedAt: 6,
        info: { n: 2 },
      });
      expect(await repo.listBaselineKeys()).toEqual(['b1']);
    });

    it('commits a run only from the state it started from, and records the range it covered once', async () => {
      const job = await repo.createJob({ name: 'r', source: { type: 'prometheus', query: 'up' } }, 0);
      const start = await repo.getState(job.id);
      const run = { at: 1000, ok: true, durationMs: 20, points: 3 };
      const first = { lastProcessed: 180_000, failures: 0 };
      expect(await repo.commitRun(job.id, start, run, first, { to: 180_000, points: 3, replica: 'a:1' })).toBe(true);
      // a second run that started from the same state (a slow replica's) is refused, and writes nothing
      const late = { lastProcessed: 240_000, failures: 0 };
      expect(await repo.commitRun(job.id, start, run, late, { to: 240_000, points: 4, replica: 'b:2' })).toBe(false);
      expect(await repo.getState(job.id)).toEqual(first);
      const next = { lastProcessed: 240_000, failures: 0 };
      const run2 = { ...run, at: 2000 };
      expect(
        await repo.commitRun(job.id, first, run2, next, { from: 180_000, to: 240_000, points: 1, replica: 'b:2' })
      ).toBe(true);
      // a failed run changes the state without recording a range
      const failed = { at: 3000, ok: false, error: 'down', durationMs: 5 };
      expect(await repo.commitRun(job.id, next, failed, { ...next, failures: 1, backoffUntil: 9000 })).toBe(true);
      expect(await repo.listRuns(job.id)).toEqual([
        { to: 180_000, at: 1000, durationMs: 20, points: 3, replica: 'a:1' },
        { from: 180_000, to: 240_000, at: 2000, durationMs: 20, points: 1, replica: 'b:2' },
      ]);
      expect((await repo.enabledJobs()).map((j) => [j.id, j.backoffUntil, j.lastDurationMs])).toEqual([
        [job.id, 9000, 5],
      ]);
      // the recorded runs go with the job, and with the retention
      await repo.prune(1500);
      expect((await repo.listRuns(job.id)).map((r) => r.at)).toEqual([2000]);
      await repo.deleteJob(job.id);
      expect(await repo.listRuns(job.id)).toEqual([]);
    });

    it('rolls a failed transaction back', async () => {
      const job = await repo.createJob({ name: 't', source: { type: 'prometheus', query: 'up' } }, 0);
      await expect(
        repo.store.transaction(async (tx) => {
          await tx.run('UPDATE jobs SET enabled = 0 WHERE id = ?', [job.id]);
          throw new Error('no');
        })
      ).rejects.toThrow('no');
      expect((await repo.getJob(job.id, 0))?.enabled).toBe(true);
      await expect(repo.store.check()).resolves.toBeUndefined();
      expect(await repo.store.sizeBytes()).toBeGreaterThan(0);
    });
  });
}
