import type { Clock } from '../core/clock';
import { finiteOrNull, formatLabels } from '../core/series';
import type { AnomalyEvent } from '../contract/results';
import type { Job } from '../contract/jobs';
import type { OutlierResult, OutlierSeries } from '../contract/outliers';
import { judgeGroup, outlierResultOf, type GroupJudgement } from '../outliers/outlierResult';
import { PoolBusyError, type DetectionPool } from '../pool/pool';
import type { OutliersTask } from '../pool/tasks';
import { DEFAULT_OUTLIER_OPTIONS } from '../outliers/peerOutliers';
import type { SourceRegistry } from '../sources/registry';
import type { Repo, ResultSeriesRows, StoredPoint } from '../store/repo';
import { maintenanceTester } from '../core/maintenance';
import { outlierEvents } from './outlierEvents';
import { RunSlices } from '../core/turns';

/** Most history an `outliers` job judges its group over: a day (Grafana's MAD detector uses a rolling 24 hours). */
export const OUTLIER_CONTEXT_MS = 86_400_000;

/**
 * One run of an `outliers` job: the source's series over the last min(training window, a day) up to the last complete
 * bucket, judged against each other (`judgeGroup` with the job's `outliers` options, on `deps.pool`'s worker threads
 * when given), stored as the job's results (series by series, the event loop getting a turn every `deps.sliceMs`):
 * per point the value, the group's median (`expected`) and band (`lower`, `upper`), the 0-100 outlier score (`score`)
 * and whether it lies in an outlying period (`anomalous`). The points after the last run are written, and the
 * `minDuration` points before them again, so a period that grew long enough to count is marked from its start.
 *
 * Each outlying interval that reaches those points becomes one event (`outlierEvents`), handed to `raise` before the
 * points are written; an event `raise` holds back (a maintenance window, a false positive's pattern) leaves its points
 * stored as not outlying, and so do points inside a maintenance window, as a detection job's are.
 *
 * @param timing the job's interval, training window and ingest delay in ms (`jobTiming`)
 * @param raise records an event (joining the one it continues) and tells the sinks; resolves true when it held the
 *   event back. Without it the run raises no event.
 * @returns points written, the newest judged time (the caller persists it) and the group's size as its warm-up
 *   (an outlier job needs no history of its own: every series is judged from its first run)
 * @throws SourceError when the source fails; InputError when fewer than 3 series have values in the window
 */
export async function runOutlierJob(
  deps: {
    repo: Repo;
    sources: SourceRegistry;
    clock: Clock;
    sliceMs?: number;
    pool?: Pick<DetectionPool, 'outlierJudgement'>;
  },
  job: Job,
  timing: { intervalMs: number; trainMs: number; delayMs: number },
  raise?: (ev: AnomalyEvent) => Promise<boolean>
): Promise<{ points: number; lastProcessed: number; warmup: { series: number; warmingUp: number } }> {
  const { repo, sources, clock } = deps;
  const { intervalMs, trainMs, delayMs } = timing;
  const end = Math.floor((clock.now() - delayMs) / intervalMs) * intervalMs - intervalMs;
  const from = end - Math.min(trainMs, OUTLIER_CONTEXT_MS) + intervalMs;
  const state = await repo.getState(job.id);
  const last = state.lastProcessed ?? from - intervalMs;
  if (last >= end) return { points: 0, lastProcessed: last, warmup: { series: 0, warmingUp: 0 } };
  const series = await sources.get(job.source).fetch(job.source, from, end + intervalMs - 1, intervalMs);
  const j = await judgeGroupOffLoop(deps.pool, { series, from, to: end, intervalMs, options: job.outliers ?? {} });
  const { times, result } = j;
  const rewriteFrom = last - result.options.minDuration * intervalMs;
  const labelsOf = (k: number) => ({ ...series[j.kept[k]].labels, ...(job.labels ?? {}) });
  // the intervals of the events held back, by series; only series with a run reaching the rewritten points can raise,
  // so only theirs are made into answer objects for `outlierEvents`
  const held = new Map<string, [number, number][]>();
  if (raise) {
    const raising = result.series.flatMap((v, k) => (v.runs.some((r) => times[r.end] > rewriteFrom) ? [k] : []));
    const res = outlierResultOf(series, j, intervalMs, raising);
    for (const ev of outlierEvents(res, rewriteFrom, job.labels ?? {}, j.kept.length - 1)) {
      if (!(await raise(ev))) continue;
      const key = formatLabels(ev.labels);
      held.set(key, [...(held.get(key) ?? []), [ev.start, ev.end]]);
    }
  }
  const inMaintenance = maintenanceTester(job.maintenanceWindows, rewriteFrom + intervalMs, end);
  const { median, lower, upper } = result.band;
  const first = times.findIndex((t) => t > rewriteFrom);
  let count = 0;
  // a group of hundreds of series writes a day of points each: the event loop gets a turn between them
  const slices = new RunSlices(deps.sliceMs);
  for (let k = 0; k < j.kept.length && first >= 0; k++) {
    await slices.turn();
    const labels = labelsOf(k);
    const heldBack = held.get(formatLabels(labels)) ?? [];
    const values = j.values[k];
    const { scores, outlying } = result.series[k];
    const points: StoredPoint[] = [];
    for (let i = first; i < times.length; i++) {
      const t = times[i];
      const value = finiteOrNull(values[i]);
      const expected = finiteOrNull(median[i]);
      const outlier = outlying[i] === 1 && !inMaintenance(t) && !heldBack.some(([a, b]) => t >= a && t <= b);
      const direction = outlier && value !== null && expected !== null ? Math.sign(value - expected) : 0;
      points.push({
        t,
        value,
        expected,
        lower: finiteOrNull(lower[i]),
        upper: finiteOrNull(upper[i]),
        score: finiteOrNull(scores[i]),
        anomaly: outlier,
        direction,
      });
      if (t > last) count++;
    }
    await repo.writeResults(job.id, labels, points);
  }
  return { points: count, lastProcessed: end, warmup: { series: j.kept.length, warmingUp: 0 } };
}

/**
 * The group judged (`judgeGroup`) on the pool's worker threads when there is a pool with room in its queue (the
 * answer crosses as typed arrays), else in-process: a scheduled run is not dropped because dashboards keep the pool
 * busy.
 * @throws InputError when fewer than 3 series have values in the window; ParameterError for bad options
 */
async function judgeGroupOffLoop(
  pool: Pick<DetectionPool, 'outlierJudgement'> | undefined,
  task: OutliersTask
): Promise<GroupJudgement> {
  if (pool) {
    try {
      return await pool.outlierJudgement(task);
    } catch (err) {
      if (!(err instanceof PoolBusyError)) throw err;
    }
  }
  return judgeGroup(task.series, task.from, task.to, task.intervalMs, task.options);
}

/**
 * An `outliers` job's stored results over a range, as `POST /api/outliers` answers: per series its points, the
 * outlying periods (runs of points stored as outlying), whether it has any and its highest score; the group's band.
 * @param rows `Repo.readResults` of the job over the range
 */
export function storedOutlierResult(job: Job, rows: ResultSeriesRows[], intervalMs: number): OutlierResult {
  const band = new Map<number, OutlierResult['band'][number]>();
  const series: OutlierSeries[] = rows.map((r) => {
    const intervals: OutlierSeries['intervals'] = [];
    let score = 0;
    let open: { start: number; end: number } | undefined;
    for (const p of r.points) {
      if (p.score !== null && p.score > score) score = p.score;
      if (!band.has(p.t)) band.set(p.t, { t: p.t, median: p.expected, lower: p.lower, upper: p.upper });
      if (p.anomaly && open && p.t - open.end <= intervalMs) open.end = p.t;
      else if (p.anomaly) intervals.push((open = { start: p.t, end: p.t }));
      else open = undefined;
    }
    return {
      labels: r.labels,
      outlier: intervals.length > 0,
      score,
      intervals,
      points: r.points.map((p) => ({ t: p.t, value: p.value, score: p.score, outlier: p.anomaly })),
    };
  });
  const o = job.outliers ?? {};
  return {
    algorithm: o.algorithm ?? DEFAULT_OUTLIER_OPTIONS.algorithm,
    sensitivity: o.sensitivity ?? DEFAULT_OUTLIER_OPTIONS.sensitivity,
    minDuration: o.minDuration ?? DEFAULT_OUTLIER_OPTIONS.minDuration,
    intervalMs,
    band: [...band.values()].sort((a, b) => a.t - b.t),
    series,
    warnings: [],
  };
}
