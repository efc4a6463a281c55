import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Labels } from '../core/series';
import type { Repo } from '../store/repo';
import { RESULT_METRICS, resultLabels } from './catalog';

/**
 * `/metrics` in the Prometheus exposition format (prom-client): the engine's own metrics (job runs, failures,
 * detection latency, series count, process metrics) and the newest value of every result series
 * (`vigil_anomaly_score`, `vigil_anomalous`, `vigil_expected{bound}`, `vigil_drift`, `vigil_drift_p_value`).
 */
export class EngineMetrics {
  readonly registry = new Registry();
  readonly jobRuns: Counter<'job' | 'outcome'>;
  readonly jobFailures: Counter<'job'>;
  readonly detectionSeconds: Histogram<'kind'>;
  readonly seriesCount: Gauge;
  readonly jobsGauge: Gauge<'state'>;
  readonly remoteWriteSamples: Counter<'outcome'>;

  constructor(
    private readonly repo: Repo,
    now: () => number,
    processMetrics = true
  ) {
    if (processMetrics) collectDefaultMetrics({ register: this.registry });
    this.jobRuns = new Counter({
      name: 'vigil_job_runs_total',
      help: 'Job runs by outcome (ok, error).',
      labelNames: ['job', 'outcome'],
      registers: [this.registry],
    });
    this.jobFailures = new Counter({
      name: 'vigil_job_failures_total',
      help: 'Failed job runs.',
      labelNames: ['job'],
      registers: [this.registry],
    });
    this.detectionSeconds = new Histogram({
      name: 'vigil_detection_duration_seconds',
      help: 'Detection latency: a job run (fetch, score, store) or an ad-hoc /api/detect request.',
      labelNames: ['kind'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [this.registry],
    });
    this.remoteWriteSamples = new Counter({
      name: 'vigil_remote_write_samples_total',
      help: 'Result samples of remote write by outcome: sent, kept (to be sent with the next run), refused (by the receiver).',
      labelNames: ['outcome'],
      registers: [this.registry],
    });
    const repoRef = this.repo;
    this.seriesCount = new Gauge({
      name: 'vigil_result_series',
      help: 'Number of series the jobs produce results for.',
      registers: [this.registry],
      async collect() {
        this.set(await repoRef.countResultSeries());
      },
    });
    new Gauge({
      name: 'vigil_store_bytes',
      help: 'Size of the store in bytes (SQLite: <dataDir>/vigil.db and its write-ahead log).',
      registers: [this.registry],
      async collect() {
        this.set(await repoRef.store.sizeBytes());
      },
    });
    this.jobsGauge = new Gauge({
      name: 'vigil_jobs',
      help: 'Jobs by state (enabled, disabled, failing).',
      labelNames: ['state'],
      registers: [this.registry],
      async collect() {
        const jobs = await repoRef.listJobs(now());
        this.set({ state: 'enabled' }, jobs.filter((j) => j.enabled).length);
        this.set({ state: 'disabled' }, jobs.filter((j) => !j.enabled).length);
        this.set({ state: 'failing' }, jobs.filter((j) => j.enabled && j.lastRun && !j.lastRun.ok).length);
      },
    });
  }

  /**
   * Record one remote write after a run: `samples` sent (`sent`), kept to be sent with the next run after the
   * retries failed (`kept`), or refused by the receiver and not sent again (`refused`).
   */
  observeRemoteWrite(samples: number, outcome: 'sent' | 'kept' | 'refused'): void {
    this.remoteWriteSamples.inc({ outcome }, samples);
  }

  /** Record one job run. */
  observeRun(job: string, ok: boolean, durationMs: number): void {
    this.jobRuns.inc({ job, outcome: ok ? 'ok' : 'error' });
    if (!ok) this.jobFailures.inc({ job });
    this.detectionSeconds.observe({ kind: 'job' }, durationMs / 1000);
  }

  /** The exposition text: engine metrics plus the newest result values. */
  async text(): Promise<string> {
    const results = new Registry();
    const latest = await this.repo.latestResults();
    const drift = await this.repo.listDrift();
    const samples: { name: string; labels: Labels; value: number }[] = [];
    for (const s of latest) {
      const p = s.points[0];
      const l = (name: string, extra: Labels = {}) => resultLabels(name, s.jobName, s.jobId, s.labels, extra);
      if (p.score !== null)
        samples.push({ name: 'vigil_anomaly_score', labels: l('vigil_anomaly_score'), value: p.score });
      if (p.value !== null) {
        samples.push({
          name: 'vigil_anomalous',
          labels: l('vigil_anomalous'),
          value: p.anomaly ? p.direction || 1 : 0,
        });
      }
      for (const [bound, v] of [
        ['lower', p.lower],
        ['mean', p.expected],
        ['upper', p.upper],
      ] as const) {
        if (v !== null) samples.push({ name: 'vigil_expected', labels: l('vigil_expected', { bound }), value: v });
      }
    }
    for (const d of drift) {
      samples.push({
        name: 'vigil_drift',
        labels: resultLabels('vigil_drift', d.name, d.jobId, d.labels),
        value: d.drifting ? 1 : 0,
      });
      samples.push({
        name: 'vigil_drift_p_value',
        labels: resultLabels('vigil_drift_p_value', d.name, d.jobId, d.labels),
        value: d.pValue,
      });
    }
    const byName = new Map<string, typeof samples>();
    for (const s of samples) {
      const list = byName.get(s.name) ?? [];
      list.push(s);
      byName.set(s.name, list);
    }
    for (const [name, list] of byName) {
      const labelNames = [...new Set(list.flatMap((s) => Object.keys(s.labels).filter((k) => k !== '__name__')))];
      const g = new Gauge({ name, help: RESULT_METRICS[name], labelNames, registers: [results] });
      for (const s of list) {
        const { __name__: _n, ...labels } = s.labels;
        g.set(labels, s.value);
      }
    }
    return (await this.registry.metrics()) + '\n' + (await results.metrics());
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
