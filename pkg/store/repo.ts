import { randomUUID } from 'node:crypto';
import { formatLabels, type Labels } from '../core/series';
import type { AnomalyEvent, ResultPoint } from '../contract/results';
import type { DriftStatus, Feedback, FeedbackVerdict, StoredAnomaly } from '../contract/results';
import type { Job, JobSpec, LastRun } from '../contract/jobs';
import type { Store } from './db';
import { activeWindow } from '../core/maintenance';
import { RunSlices } from '../core/turns';

/** Scheduler bookkeeping per job (persisted so a restart resumes incrementally). */
export interface JobState {
  /** newest point already scored, epoch ms */
  lastProcessed?: number;
  /** consecutive failures */
  failures: number;
  /** the next run may not start before this (backoff) */
  backoffUntil?: number;
  /** the job's series after its last successful run: how many, how many still warming up, until when */
  warmup?: { series: number; warmingUp: number; readyAt?: number };
}

/** One scored point as the scheduler writes it: the ResultPoint plus direction (1 above, -1 below, 0). */
export interface StoredPoint extends ResultPoint {
  direction: number;
}

/** A result series with its points, as the Prometheus-compatible API reads them. */
export interface ResultSeriesRows {
  jobId: string;
  jobName: string;
  labels: Labels;
  points: StoredPoint[];
}

export interface ForecastPoint {
  t: number;
  mean: number | null;
  lower: number | null;
  upper: number | null;
}

const DAY = 86_400_000;

/**
 * Typed access to the store's tables: jobs, models, baselines, results, forecasts, anomalies, feedback, drift.
 * Every method returns a promise; a write is committed (on disk, or on the PostgreSQL server) when it resolves.
 */
export class Repo {
  private seriesIds = new Map<string, number>();
  constructor(readonly store: Store) {}

  // ---- jobs -------------------------------------------------------------------------------------------

  async createJob(spec: JobSpec, now: number, enabled = true): Promise<Job> {
    const id = randomUUID();
    await this.store.run(
      'INSERT INTO jobs (id, spec, enabled, created_at, updated_at, state) VALUES (?, ?, ?, ?, ?, ?)',
      [id, JSON.stringify(spec), enabled ? 1 : 0, now, now, JSON.stringify({ failures: 0 })]
    );
    return (await this.getJob(id, now)) as Job;
  }

  async listJobs(now: number): Promise<Job[]> {
    const counts = new Map<string, number>();
    for (const r of await this.store.all<{ job_id: string; n: number }>(
      'SELECT job_id, COUNT(*) AS n FROM anomalies WHERE "end" >= ? AND suppressed_by IS NULL GROUP BY job_id',
      [now - DAY]
    ))
      counts.set(r.job_id, r.n);
    const drift = await this.driftByJob();
    return (await this.store.all<JobRow>('SELECT * FROM jobs ORDER BY created_at, id')).map((r) =>
      toJob(r, counts.get(r.id) ?? 0, now, drift.get(r.id))
    );
  }

  /** Every job's id and spec (cheaper than listJobs: no counts, no drift). */
  async jobSpecs(): Promise<{ id: string; spec: JobSpec }[]> {
    return (
      await this.store.all<{ id: string; spec: string }>('SELECT id, spec FROM jobs ORDER BY created_at, id')
    ).map((r) => ({ id: r.id, spec: JSON.parse(r.spec) as JobSpec }));
  }

  async getJob(id: string, now: number): Promise<Job | undefined> {
    const r = await this.store.get<JobRow>('SELECT * FROM jobs WHERE id = ?', [id]);
    if (!r) return undefined;
    const n = await this.store.get<{ n: number }>(
      'SELECT COUNT(*) AS n FROM anomalies WHERE job_id = ? AND "end" >= ? AND suppressed_by IS NULL',
      [id, now - DAY]
    );
    return toJob(r, n?.n ?? 0, now, (await this.driftByJob(id)).get(id));
  }

  async updateJob(id: string, spec: JobSpec, now: number): Promise<Job | undefined> {
    // a changed spec invalidates the model and the incremental position
    const changed = await this.store.transaction(async (tx) => {
      const n = await tx.run('UPDATE jobs SET spec = ?, updated_at = ?, state = ? WHERE id = ?', [
        JSON.stringify(spec),
        now,
        JSON.stringify({ failures: 0 }),
        id,
      ]);
      if (n > 0) await tx.run('DELETE FROM models WHERE job_id = ?', [id]);
      return n > 0;
    });
    return changed ? this.getJob(id, now) : undefined;
  }

  async deleteJob(id: string): Promise<boolean> {
    const deleted = await this.store.transaction(async (tx) => {
      if (!(await tx.get('SELECT id FROM jobs WHERE id = ?', [id]))) return false;
      await tx.run('DELETE FROM results WHERE series_id IN (SELECT id FROM series WHERE job_id = ?)', [id]);
      await tx.run('DELETE FROM forecasts WHERE series_id IN (SELECT id FROM series WHERE job_id = ?)', [id]);
      for (const t of ['series', 'anomalies', 'feedback', 'models', 'drift', 'job_runs']) {
        await tx.run(`DELETE FROM ${t} WHERE job_id = ?`, [id]);
      }
      await tx.run('DELETE FROM jobs WHERE id = ?', [id]);
      return true;
    });
    for (const k of [...this.seriesIds.keys()]) if (k.startsWith(`${id}\u0000`)) this.seriesIds.delete(k);
    return deleted;
  }

  async setEnabled(id: string, enabled: boolean, now: number): Promise<Job | undefined> {
    await this.store.run('UPDATE jobs SET enabled = ?, updated_at = ? WHERE id = ?', [enabled ? 1 : 0, now, id]);
    return this.getJob(id, now);
  }

  async setLastRun(id: string, run: LastRun, state: JobState): Promise<void> {
    await this.store.run('UPDATE jobs SET last_run = ?, state = ? WHERE id = ?', [
      JSON.stringify(run),
      JSON.stringify(state),
      id,
    ]);
  }

  /**
   * Commit a run of a job only if the job's state is still `expected` (the state the run started from): the new
   * `lastRun` and `state`, and, when the run advanced the job (`advanced`), a row of `job_runs` recording the range
   * it covered. A state changed meanwhile (another replica's run of the same range committed first, or the spec
   * changed) refuses the commit, so a range is never recorded as processed twice.
   *
   * @returns false when the commit was refused (nothing written)
   */
  async commitRun(
    id: string,
    expected: JobState,
    run: LastRun,
    state: JobState,
    advanced?: { from?: number; to: number; points: number; replica: string }
  ): Promise<boolean> {
    return this.store.transaction(async (tx) => {
      const n = await tx.run('UPDATE jobs SET last_run = ?, state = ? WHERE id = ? AND state = ?', [
        JSON.stringify(run),
        JSON.stringify(state),
        id,
        JSON.stringify(expected),
      ]);
      if (n === 0) return false;
      if (advanced) {
        await tx.run(
          'INSERT INTO job_runs (job_id, from_t, to_t, at, duration_ms, points, replica) VALUES (?, ?, ?, ?, ?, ?, ?)',
          [id, advanced.from ?? null, advanced.to, run.at, run.durationMs ?? 0, advanced.points, advanced.replica]
        );
      }
      return true;
    });
  }

  /** The recorded runs of a job that advanced it, oldest first (`from`: exclusive start, `to`: newest point, ms). */
  async listRuns(
    id: string
  ): Promise<{ from?: number; to: number; at: number; durationMs: number; points: number; replica: string }[]> {
    const rows = await this.store.all<{
      from_t: number | null;
      to_t: number;
      at: number;
      duration_ms: number;
      points: number;
      replica: string;
    }>('SELECT from_t, to_t, at, duration_ms, points, replica FROM job_runs WHERE job_id = ? ORDER BY to_t, at', [id]);
    return rows.map((r) => ({
      ...(r.from_t === null ? {} : { from: r.from_t }),
      to: r.to_t,
      at: r.at,
      durationMs: r.duration_ms,
      points: r.points,
      replica: r.replica,
    }));
  }

  /**
   * The enabled jobs (the jobs a scheduler keeps running): id, spec, the end of their backoff (epoch ms) and how long
   * their last run lasted (ms), when known.
   */
  async enabledJobs(): Promise<{ id: string; spec: JobSpec; backoffUntil?: number; lastDurationMs?: number }[]> {
    const rows = await this.store.all<{ id: string; spec: string; state: string | null; last_run: string | null }>(
      'SELECT id, spec, state, last_run FROM jobs WHERE enabled = 1'
    );
    return rows.map((r) => {
      const b = r.state ? (JSON.parse(r.state) as JobState).backoffUntil : undefined;
      const d = r.last_run ? (JSON.parse(r.last_run) as LastRun).durationMs : undefined;
      return {
        id: r.id,
        spec: JSON.parse(r.spec) as JobSpec,
        ...(b === undefined ? {} : { backoffUntil: b }),
        ...(d === undefined ? {} : { lastDurationMs: d }),
      };
    });
  }

  async getState(id: string): Promise<JobState> {
    const r = await this.store.get<{ state: string | null }>('SELECT state FROM jobs WHERE id = ?', [id]);
    return r?.state ? (JSON.parse(r.state) as JobState) : { failures: 0 };
  }

  // ---- log templates -----------------------------------------------------------------------------------

  /** Save the template miner state of a log query (`key`: the query's identity). */
  async saveLogTemplates(key: string, state: unknown, now: number): Promise<void> {
    await this.store.run(
      `INSERT INTO log_templates (key, state, updated_at) VALUES (?, ?, ?)
       ON CONFLICT (key) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at`,
      [key, JSON.stringify(state), now]
    );
  }

  /** The saved template miner state of a log query, if any. */
  async getLogTemplates<S>(key: string): Promise<S | undefined> {
    const r = await this.store.get<{ state: string }>('SELECT state FROM log_templates WHERE key = ?', [key]);
    return r ? (JSON.parse(r.state) as S) : undefined;
  }

  // ---- models and baselines ---------------------------------------------------------------------------

  async saveModel(jobId: string, model: unknown, trainedAt: number, from: number, to: number): Promise<void> {
    await this.store.run(
      `INSERT INTO models (job_id, model, trained_at, train_from, train_to) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (job_id) DO UPDATE SET model = excluded.model, trained_at = excluded.trained_at,
         train_from = excluded.train_from, train_to = excluded.train_to`,
      [jobId, JSON.stringify(model), trainedAt, from, to]
    );
  }

  async getModel<M>(jobId: string): Promise<{ model: M; trainedAt: number; from: number; to: number } | undefined> {
    const r = await this.store.get<{ model: string; trained_at: number; train_from: number; train_to: number }>(
      'SELECT * FROM models WHERE job_id = ?',
      [jobId]
    );
    return r && { model: JSON.parse(r.model) as M, trainedAt: r.trained_at, from: r.train_from, to: r.train_to };
  }

  async saveBaseline(
    key: string,
    labels: Labels,
    model: unknown,
    intervalMs: number,
    trainedAt: number,
    info: unknown
  ): Promise<void> {
    await this.store.run(
      `INSERT INTO baselines (key, labels, model, interval_ms, trained_at, info) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (key) DO UPDATE SET labels = excluded.labels, model = excluded.model,
         interval_ms = excluded.interval_ms, trained_at = excluded.trained_at, info = excluded.info`,
      [key, JSON.stringify(labels), JSON.stringify(model), intervalMs, trainedAt, JSON.stringify(info)]
    );
  }

  async getBaseline<M, I>(
    key: string
  ): Promise<{ key: string; labels: Labels; model: M; intervalMs: number; trainedAt: number; info: I } | undefined> {
    const r = await this.store.get<{
      key: string;
      labels: string;
      model: string;
      interval_ms: number;
      trained_at: number;
      info: string;
    }>('SELECT * FROM baselines WHERE key = ?', [key]);
    return (
      r && {
        key: r.key,
        labels: JSON.parse(r.labels) as Labels,
        model: JSON.parse(r.model) as M,
        intervalMs: r.interval_ms,
        trainedAt: r.trained_at,
        info: JSON.parse(r.info) as I,
      }
    );
  }

  async listBaselineKeys(): Promise<string[]> {
    return (await this.store.all<{ key: string }>('SELECT key FROM baselines ORDER BY key')).map((r) => r.key);
  }

  // ---- results ------------------------------------------------------------------------------------------

  private async seriesId(jobId: string, labels: Labels): Promise<number> {
    const key = formatLabels(labels);
    const cacheKey = `${jobId}\u0000${key}`;
    const hit = this.seriesIds.get(cacheKey);
    if (hit !== undefined) return hit;
    await this.store.run(
      'INSERT INTO series (job_id, key, labels) VALUES (?, ?, ?) ON CONFLICT (job_id, key) DO NOTHING',
      [jobId, key, JSON.stringify(labels)]
    );
    const r = await this.store.get<{ id: number }>('SELECT id FROM series WHERE job_id = ? AND key = ?', [jobId, key]);
    this.seriesIds.set(cacheKey, r!.id);
    return r!.id;
  }

  /** Insert or replace scored points of one series of a job. */
  async writeResults(jobId: string, labels: Labels, points: StoredPoint[]): Promise<void> {
    const sid = await this.seriesId(jobId, labels);
    await this.store.runMany(
      `INSERT INTO results (series_id, t, value, expected, lower, upper, score, direction, anomalous)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (series_id, t) DO UPDATE SET value = excluded.value, expected = excluded.expected,
         lower = excluded.lower, upper = excluded.upper, score = excluded.score, direction = excluded.direction,
         anomalous = excluded.anomalous`,
      points.map((p) => [sid, p.t, p.value, p.expected, p.lower, p.upper, p.score, p.direction, p.anomaly ? 1 : 0])
    );
  }

  /** Replace the forecast of one series of a job. */
  async writeForecast(jobId: string, labels: Labels, points: ForecastPoint[]): Promise<void> {
    const sid = await this.seriesId(jobId, labels);
    await this.store.transaction(async (tx) => {
      await tx.run('DELETE FROM forecasts WHERE series_id = ?', [sid]);
      await tx.runMany(
        `INSERT INTO forecasts (series_id, t, mean, lower, upper) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (series_id, t) DO UPDATE SET mean = excluded.mean, lower = excluded.lower, upper = excluded.upper`,
        points.map((p) => [sid, p.t, p.mean, p.lower, p.upper])
      );
    });
  }

  /** Result series of one job (or all jobs) with points in [from, to]. */
  async readResults(jobId: string | undefined, from: number, to: number): Promise<ResultSeriesRows[]> {
    const series = await this.store.all<{ id: number; job_id: string; labels: string; spec: string }>(
      `SELECT s.id, s.job_id, s.labels, j.spec FROM series s JOIN jobs j ON j.id = s.job_id
       ${jobId ? 'WHERE s.job_id = ?' : ''} ORDER BY s.id`,
      jobId ? [jobId] : []
    );
    const out: ResultSeriesRows[] = [];
    // a job of hundreds of series reads for seconds: the event loop gets a turn between them
    const slices = new RunSlices();
    for (const s of series) {
      await slices.turn();
      const rows = await this.store.all<ResultRow>(
        'SELECT * FROM results WHERE series_id = ? AND t >= ? AND t <= ? ORDER BY t',
        [s.id, from, to]
      );
      out.push({
        jobId: s.job_id,
        jobName: (JSON.parse(s.spec) as JobSpec).name,
        labels: JSON.parse(s.labels) as Labels,
        points: rows.map(toPoint),
      });
    }
    return out;
  }

  /** Forecast series of all jobs with points in [from, to]. */
  async readForecasts(
    from: number,
    to: number
  ): Promise<{ jobId: string; jobName: string; labels: Labels; points: ForecastPoint[] }[]> {
    const series = await this.store.all<{ id: number; job_id: string; labels: string; spec: string }>(
      'SELECT s.id, s.job_id, s.labels, j.spec FROM series s JOIN jobs j ON j.id = s.job_id ORDER BY s.id'
    );
    const out: { jobId: string; jobName: string; labels: Labels; points: ForecastPoint[] }[] = [];
    const slices = new RunSlices();
    for (const s of series) {
      await slices.turn();
      const points = await this.store.all<ForecastPoint>(
        'SELECT t, mean, lower, upper FROM forecasts WHERE series_id = ? AND t >= ? AND t <= ? ORDER BY t',
        [s.id, from, to]
      );
      if (points.length > 0) {
        out.push({
          jobId: s.job_id,
          jobName: (JSON.parse(s.spec) as JobSpec).name,
          labels: JSON.parse(s.labels) as Labels,
          points,
        });
      }
    }
    return out;
  }

  /** Label sets of every result series (for the Prometheus label/series APIs). */
  async listResultSeries(): Promise<{ jobId: string; jobName: string; labels: Labels }[]> {
    return (
      await this.store.all<{ job_id: string; labels: string; spec: string }>(
        'SELECT s.job_id, s.labels, j.spec FROM series s JOIN jobs j ON j.id = s.job_id ORDER BY s.id'
      )
    ).map((s) => ({
      jobId: s.job_id,
      jobName: (JSON.parse(s.spec) as JobSpec).name,
      labels: JSON.parse(s.labels) as Labels,
    }));
  }

  /** Newest stored point per result series (for /metrics). */
  async latestResults(): Promise<ResultSeriesRows[]> {
    const rows = await this.store.all<ResultRow & { job_id: string; labels: string; spec: string }>(
      `SELECT r.*, s.job_id, s.labels, j.spec FROM results r JOIN series s ON s.id = r.series_id JOIN jobs j ON j.id = s.job_id
       WHERE r.t = (SELECT MAX(t) FROM results WHERE series_id = r.series_id)`
    );
    return rows.map((r) => ({
      jobId: r.job_id,
      jobName: (JSON.parse(r.spec) as JobSpec).name,
      labels: JSON.parse(r.labels) as Labels,
      points: [toPoint(r)],
    }));
  }

  async countResultSeries(): Promise<number> {
    return (await this.store.get<{ n: number }>('SELECT COUNT(*) AS n FROM series'))?.n ?? 0;
  }

  /** Drop results, forecasts and recorded runs older than `before` (epoch ms). */
  async prune(before: number): Promise<void> {
    await this.store.transaction(async (tx) => {
      await tx.run('DELETE FROM results WHERE t < ?', [before]);
      await tx.run('DELETE FROM forecasts WHERE t < ?', [before]);
      await tx.run('DELETE FROM job_runs WHERE at < ?', [before]);
    });
  }

  // ---- anomalies ------------------------------------------------------------------------------------------

  /**
   * Record an event. If an event of the same job and series ends within `joinGapMs` before this one starts
   * (an anomaly continuing across runs), extend it instead of adding a new one. Returns the stored anomaly.
   */
  async recordAnomaly(
    jobId: string,
    ev: AnomalyEvent,
    now: number,
    joinGapMs: number,
    suppressedBy?: string
  ): Promise<StoredAnomaly> {
    const key = formatLabels(ev.labels);
    const id = await this.store.transaction(async (tx) => {
      const prev = await tx.get<AnomalyRow>(
        'SELECT * FROM anomalies WHERE job_id = ? AND series_key = ? AND "end" >= ? AND start <= ? ORDER BY "end" DESC LIMIT 1',
        [jobId, key, ev.start - joinGapMs, ev.end]
      );
      if (prev) {
        const old = JSON.parse(prev.event) as AnomalyEvent;
        const merged: AnomalyEvent = old.score >= ev.score ? { ...old } : { ...ev };
        merged.start = Math.min(old.start, ev.start);
        merged.end = Math.max(old.end, ev.end);
        await tx.run('UPDATE anomalies SET start = ?, "end" = ?, score = ?, event = ? WHERE id = ?', [
          merged.start,
          merged.end,
          merged.score,
          JSON.stringify(merged),
          prev.id,
        ]);
        return prev.id;
      }
      const newId = randomUUID();
      await tx.run(
        'INSERT INTO anomalies (id, job_id, series_key, start, "end", score, event, created_at, suppressed_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
        [newId, jobId, key, ev.start, ev.end, ev.score, JSON.stringify(ev), now, suppressedBy ?? null]
      );
      return newId;
    });
    return (await this.getAnomaly(id))!;
  }

  async getAnomaly(id: string): Promise<StoredAnomaly | undefined> {
    const r = await this.store.get<AnomalyRow>('SELECT * FROM anomalies WHERE id = ?', [id]);
    return r && this.toAnomaly(r);
  }

  /** Anomalies of a job overlapping [from, to], newest first; suppressed ones only when asked. */
  async listAnomalies(jobId: string, from: number, to: number, includeSuppressed = false): Promise<StoredAnomaly[]> {
    const rows = await this.store.all<AnomalyRow>(
      `SELECT * FROM anomalies WHERE job_id = ? AND "end" >= ? AND start <= ? ${includeSuppressed ? '' : 'AND suppressed_by IS NULL'}
       ORDER BY start DESC`,
      [jobId, from, to]
    );
    const out: StoredAnomaly[] = [];
    for (const r of rows) out.push(await this.toAnomaly(r));
    return out;
  }

  private async toAnomaly(r: AnomalyRow): Promise<StoredAnomaly> {
    const ev = JSON.parse(r.event) as AnomalyEvent;
    const fb = await this.store.get<FeedbackRow>(
      'SELECT * FROM feedback WHERE anomaly_id = ? ORDER BY at DESC LIMIT 1',
      [r.id]
    );
    return {
      ...ev,
      id: r.id,
      jobId: r.job_id,
      ...(fb
        ? { feedback: { verdict: fb.verdict as FeedbackVerdict, comment: fb.comment ?? undefined, at: fb.at } }
        : {}),
      ...(r.suppressed_by ? { suppressedBy: r.suppressed_by } : {}),
    };
  }

  // ---- feedback ----------------------------------------------------------------------------------------------

  async addFeedback(
    anomaly: StoredAnomaly,
    verdict: FeedbackVerdict,
    comment: string | undefined,
    now: number
  ): Promise<Feedback> {
    const fb: Feedback = {
      id: randomUUID(),
      anomalyId: anomaly.id,
      jobId: anomaly.jobId,
      verdict,
      comment: comment ?? null,
      at: now,
    };
    await this.store.run(
      'INSERT INTO feedback (id, anomaly_id, job_id, verdict, comment, at) VALUES (?, ?, ?, ?, ?, ?)',
      [fb.id, fb.anomalyId, fb.jobId, fb.verdict, fb.comment, fb.at]
    );
    return fb;
  }

  /**
   * Withdraw every verdict given on an anomaly (the panel's "undo"): a withdrawn false positive no longer suppresses
   * its pattern on the next runs.
   * @returns how many verdicts were removed
   */
  async removeFeedback(anomalyId: string): Promise<number> {
    return this.store.run('DELETE FROM feedback WHERE anomaly_id = ?', [anomalyId]);
  }

  async listFeedback(): Promise<Feedback[]> {
    return (await this.store.all<FeedbackRow>('SELECT * FROM feedback ORDER BY at DESC')).map((r) => ({
      id: r.id,
      anomalyId: r.anomaly_id,
      jobId: r.job_id,
      verdict: r.verdict as FeedbackVerdict,
      comment: r.comment,
      at: r.at,
    }));
  }

  /** Number of verdicts of each kind on a job's anomalies. */
  async feedbackCounts(jobId: string): Promise<Record<FeedbackVerdict, number>> {
    const out: Record<FeedbackVerdict, number> = { false_positive: 0, expected: 0, confirmed: 0 };
    for (const r of await this.store.all<{ verdict: FeedbackVerdict; n: number }>(
      'SELECT verdict, COUNT(*) AS n FROM feedback WHERE job_id = ? GROUP BY verdict',
      [jobId]
    ))
      out[r.verdict] = r.n;
    return out;
  }

  /** The false-positive verdicts of a job with the anomaly they judged (the patterns to suppress). */
  async falsePositives(jobId: string): Promise<{ feedbackId: string; anomaly: AnomalyEvent }[]> {
    return (
      await this.store.all<{ id: string; event: string }>(
        `SELECT f.id, a.event FROM feedback f JOIN anomalies a ON a.id = f.anomaly_id
         WHERE f.job_id = ? AND f.verdict = 'false_positive'`,
        [jobId]
      )
    ).map((r) => ({ feedbackId: r.id, anomaly: JSON.parse(r.event) as AnomalyEvent }));
  }

  // ---- drift ---------------------------------------------------------------------------------------------------

  async setDrift(
    jobId: string,
    labels: Labels,
    drifting: boolean,
    pValue: number,
    statistic: number,
    checkedAt: number
  ): Promise<void> {
    await this.store.run(
      `INSERT INTO drift (job_id, series_key, labels, drifting, p_value, statistic, checked_at) VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (job_id, series_key) DO UPDATE SET labels = excluded.labels, drifting = excluded.drifting,
         p_value = excluded.p_value, statistic = excluded.statistic, checked_at = excluded.checked_at`,
      [jobId, formatLabels(labels), JSON.stringify(labels), drifting ? 1 : 0, pValue, statistic, checkedAt]
    );
  }

  async listDrift(): Promise<DriftStatus[]> {
    return (
      await this.store.all<{
        job_id: string;
        labels: string;
        drifting: number;
        p_value: number;
        statistic: number;
        checked_at: number;
        spec: string;
      }>('SELECT d.*, j.spec FROM drift d JOIN jobs j ON j.id = d.job_id ORDER BY d.job_id, d.series_key')
    ).map((r) => ({
      jobId: r.job_id,
      name: (JSON.parse(r.spec) as JobSpec).name,
      labels: JSON.parse(r.labels) as Labels,
      drifting: r.drifting === 1,
      pValue: r.p_value,
      statistic: r.statistic,
      checkedAt: r.checked_at,
    }));
  }

  private async driftByJob(jobId?: string): Promise<Map<string, { drifting: boolean; pValue: number }>> {
    const out = new Map<string, { drifting: boolean; pValue: number }>();
    for (const d of await this.store.all<{ job_id: string; drifting: number; p_value: number }>(
      `SELECT job_id, MAX(drifting) AS drifting, MIN(p_value) AS p_value FROM drift
       ${jobId ? 'WHERE job_id = ?' : ''} GROUP BY job_id`,
      jobId ? [jobId] : []
    ))
      out.set(d.job_id, { drifting: d.drifting === 1, pValue: d.p_value });
    return out;
  }
}

interface JobRow {
  id: string;
  spec: string;
  enabled: number;
  created_at: number;
  updated_at: number;
  last_run: string | null;
  state: string | null;
}
interface ResultRow {
  t: number;
  value: number | null;
  expected: number | null;
  lower: number | null;
  upper: number | null;
  score: number | null;
  direction: number;
  anomalous: number;
}
interface AnomalyRow {
  id: string;
  job_id: string;
  event: string;
  suppressed_by: string | null;
}
interface FeedbackRow {
  id: string;
  anomaly_id: string;
  job_id: string;
  verdict: string;
  comment: string | null;
  at: number;
}

function toJob(r: JobRow, anomalies24h: number, now: number, drift?: { drifting: boolean; pValue: number }): Job {
  const spec = JSON.parse(r.spec) as JobSpec;
  const state = r.state ? (JSON.parse(r.state) as JobState) : undefined;
  const warmup = state?.warmup;
  // a job that has run reports its series' warm-up; one whose runs found no series yet is still warming up
  const status = !r.last_run
    ? 'pending'
    : warmup && warmup.series > 0 && warmup.warmingUp < warmup.series
      ? 'ready'
      : 'warming_up';
  let maintenance: Job['maintenance'];
  try {
    const w = activeWindow(spec.maintenanceWindows, now);
    if (w) maintenance = { active: true, ...(w.name ? { name: w.name } : {}), until: w.end };
  } catch {
    // a window stored before its checks existed: not in force
  }
  return {
    ...spec,
    id: r.id,
    enabled: r.enabled === 1,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    ...(r.last_run ? { lastRun: JSON.parse(r.last_run) as LastRun } : {}),
    anomalies24h,
    ...(drift ? { drift } : {}),
    status,
    ...(warmup ? { warmup } : {}),
    ...(maintenance ? { maintenance } : {}),
  };
}

function toPoint(r: ResultRow): StoredPoint {
  return {
    t: r.t,
    value: r.value,
    expected: r.expected,
    lower: r.lower,
    upper: r.upper,
    score: r.score,
    anomaly: r.anomalous === 1,
    direction: r.direction,
  };
}
