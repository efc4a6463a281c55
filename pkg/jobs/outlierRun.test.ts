import type { Labels } from '../core/series';
import type { StoredAnomaly } from '../contract/results';
import type { Job } from '../contract/jobs';
import type { Incident } from '../incidents/types';
import { SourceRegistry } from '../sources/registry';
import { Repo } from '../store/repo';
import { SqliteStore } from '../store/sqlite';
import { ManualClock, MemorySeriesSource } from '../../tests/helpers/jobs';
import { countTurns } from '../../tests/helpers/turns';
import { defaultEngine } from './engine';
import { IncidentTracker } from './incidents';
import { JobRunner, type RunnerDeps } from './runner';
import { InputError } from '../core/errors';
import { PoolBusyError } from '../pool/pool';
import { outlierJudgement, type OutliersTask } from '../pool/tasks';

const MIN = 60_000;
const T0 = Date.UTC(2026, 0, 5, 12, 0, 0);
/** host h7 leaves its peers (30 above them) 40 minutes before T0 and stays away */
const AWAY = T0 - 40 * MIN;

function cpu(labels: Labels, t: number): number {
  const x = Math.sin(t / 7919 + Number(labels.host.slice(1)) * 13.7) * 43758.5453;
  const v = 50 + 10 * Math.sin((2 * Math.PI * t) / (120 * MIN)) + (x - Math.floor(x) - 0.5) * 4;
  return labels.host === 'h7' && t >= AWAY ? v + 30 : v;
}

async function setup(spec: Partial<Job> = {}, sliceMs?: number, pool?: RunnerDeps['pool']) {
  const repo = new Repo(await SqliteStore.open());
  const clock = new ManualClock(T0 + 10_000);
  const hosts = Array.from({ length: 10 }, (_, i) => ({ __name__: 'cpu', host: `h${i}` }));
  const source = new MemorySeriesSource('prometheus', 'prometheus', hosts, cpu);
  const written: StoredAnomaly[] = [];
  const incidents = new Map<string, Incident>();
  const tracker = new IncidentTracker({
    persistence: {
      loadOpen: async () => [],
      saveIncident: async (i) => void incidents.set(i.id, i),
      recordDelivery: async () => undefined,
    },
    clock,
    job: async (id) => {
      const j = await repo.getJob(id, clock.now());
      return j && { id: j.id, name: j.name, intervalMs: MIN };
    },
    watermark: async (id) => (await repo.getState(id)).lastProcessed,
  });
  await tracker.start();
  const runner = new JobRunner({
    repo,
    sources: new SourceRegistry([source]),
    engine: defaultEngine,
    clock,
    sinks: [{ write: async (a) => void written.push(a) }, tracker],
    sliceMs,
    pool,
  });
  const job = await repo.createJob(
    {
      name: 'cpu peers',
      kind: 'outliers',
      source: { type: 'prometheus', query: 'cpu' },
      interval: '1m',
      trainingWindow: '3h',
      outliers: { algorithm: 'mad' },
      ...spec,
    },
    clock.now()
  );
  /** one scheduled run: the runner, then what the scheduler does after it (state, incidents) */
  const run = async () => {
    const r = await runner.run(job);
    await repo.setLastRun(
      job.id,
      { at: clock.now(), ok: true, durationMs: 1 },
      { failures: 0, lastProcessed: r.lastProcessed }
    );
    await tracker.afterRun(job.id);
    return r;
  };
  return { repo, clock, job, run, written, incidents };
}

describe('outliers job events', () => {
  it('raises one event per outlying interval, joined across runs, and the incident names the series and the algorithm', async () => {
    const s = await setup();
    await s.run();
    let anomalies = await s.repo.listAnomalies(s.job.id, T0 - 4 * 60 * MIN, T0 + 60 * MIN);
    expect(anomalies).toHaveLength(1);
    const [first] = anomalies;
    expect(first.labels).toEqual({ __name__: 'cpu', host: 'h7' });
    expect(first.start).toBe(AWAY);
    expect(first.end).toBe(T0 - MIN);
    expect(first.detectors).toHaveProperty('peer_mad');
    expect(first.explanation).toContain('cpu{host="h7"} was unlike its 9 peers (MAD, sensitivity 0.5)');
    expect(s.written.map((a) => a.id)).toEqual([first.id]);

    // the next run sees the same interval again, grown by ten minutes: the same event, longer; no second one
    s.clock.t += 10 * MIN;
    await s.run();
    anomalies = await s.repo.listAnomalies(s.job.id, T0 - 4 * 60 * MIN, T0 + 60 * MIN);
    expect(anomalies).toHaveLength(1);
    expect(anomalies[0].id).toBe(first.id);
    expect(anomalies[0].start).toBe(AWAY);
    expect(anomalies[0].end).toBe(T0 + 9 * MIN);
    expect(new Set(s.written.map((a) => a.id))).toEqual(new Set([first.id]));

    // and a run that sees nothing new adds nothing
    await s.run();
    expect(await s.repo.listAnomalies(s.job.id, T0 - 4 * 60 * MIN, T0 + 60 * MIN)).toHaveLength(1);

    const [incident] = [...s.incidents.values()];
    expect(incident.status).toBe('open');
    expect(incident.title).toContain('cpu peers');
    expect(incident.series.map((x) => x.labels)).toEqual([{ __name__: 'cpu', host: 'h7' }]);
    expect(incident.detectors.map((d) => d.name)).toEqual(['peer_mad']);
    expect(incident.summary).toContain('peer_mad');
    expect(incident.eventIds).toEqual([first.id]);
  });

  it('stores the outlying points as the group judged them (vigil_anomalous) and as the API reads them back', async () => {
    const s = await setup({ outliers: { algorithm: 'dbscan' } });
    await s.run();
    const rows = await s.repo.readResults(s.job.id, AWAY - 10 * MIN, T0);
    const h7 = rows.find((r) => r.labels.host === 'h7')!;
    expect(h7.points.filter((p) => p.anomaly).map((p) => p.t)[0]).toBe(AWAY);
    expect(rows.filter((r) => r.labels.host !== 'h7').every((r) => r.points.every((p) => !p.anomaly))).toBe(true);
    const [ev] = await s.repo.listAnomalies(s.job.id, AWAY, T0);
    expect(ev.detectors).toHaveProperty('peer_dbscan');
  });

  it('raises no event for an interval that opens inside a maintenance window, and stores its points as not outlying', async () => {
    const s = await setup({ maintenanceWindows: [{ name: 'reindex', from: AWAY - 5 * MIN, to: T0 + 60 * MIN }] });
    await s.run();
    expect(await s.repo.listAnomalies(s.job.id, T0 - 4 * 60 * MIN, T0 + 60 * MIN, true)).toEqual([]);
    expect(s.written).toEqual([]);
    const rows = await s.repo.readResults(s.job.id, AWAY, T0);
    expect(rows.every((r) => r.points.every((p) => !p.anomaly))).toBe(true);
    expect(s.incidents.size).toBe(0);
  });
});

describe('outliers job and the event loop', () => {
  it('gives the event loop a turn between the series it writes once its slice is used', async () => {
    /** event-loop turns taken while one first run goes */
    const turnsDuring = async (sliceMs: number) => {
      const s = await setup({}, sliceMs);
      const turns = countTurns();
      try {
        await s.run();
      } finally {
        turns.stop();
      }
      return turns.count;
    };
    // ten series: a slice of 0 ms gives a turn before each of them; one longer than the run gives none there
    expect((await turnsDuring(0)) - (await turnsDuring(60_000))).toBeGreaterThanOrEqual(9);
  });
});

describe('outliers job on the worker pool', () => {
  /** the stored results of one run, without the job's id */
  async function stored(s: Awaited<ReturnType<typeof setup>>) {
    await s.run();
    return (await s.repo.readResults(s.job.id, T0 - 180 * MIN, T0)).map(({ labels, points }) => ({ labels, points }));
  }

  it('judges the group on the pool when there is one, storing and raising what the in-process judgement does', async () => {
    const tasks: OutliersTask[] = [];
    const pooled = await setup({}, undefined, {
      outlierJudgement: async (t) => (tasks.push(t), outlierJudgement(t)),
    });
    const inline = await setup();
    const a = await stored(pooled);
    expect(tasks).toHaveLength(1);
    expect(tasks[0].series).toHaveLength(10);
    expect(tasks[0].options).toEqual({ algorithm: 'mad' });
    expect(a).toHaveLength(10);
    expect(a).toEqual(await stored(inline));
    expect(pooled.written.map((e) => e.labels.host)).toEqual(['h7']);
    expect(pooled.written.map((e) => ({ ...e, id: '', jobId: '' }))).toEqual(
      inline.written.map((e) => ({ ...e, id: '', jobId: '' }))
    );
  });

  it('judges in-process when the pool queue is full, and reports any other failure of the task', async () => {
    const busy = await setup({}, undefined, {
      outlierJudgement: async () => Promise.reject(new PoolBusyError('detection is busy', 1)),
    });
    expect((await busy.run()).points).toBeGreaterThan(0);
    expect(busy.written.map((e) => e.labels.host)).toEqual(['h7']);
    const failing = await setup({}, undefined, {
      outlierJudgement: async () => Promise.reject(new InputError('only 2 series')),
    });
    await expect(failing.run()).rejects.toThrow('only 2 series');
  });
});
