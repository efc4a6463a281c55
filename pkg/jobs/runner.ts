import { InputError } from '../core/errors';
import { parseInterval } from '../core/interval';
import { finiteOrNull, formatLabels, type Labels, type Series } from '../core/series';
import { decodeState, encodeState } from '../core/stateCodec';
import { DEFAULT_ENSEMBLE } from '../ensemble/ensemble';
import type { AnomalyEvent } from '../contract/results';
import type { EnsembleOptions } from '../ensemble/types';
import { eventsOf } from '../pipeline/detect';
import { defaultWarmup, type StreamState } from '../pipeline/stream';
import type { DetectionPool } from '../pool/pool';
import type { Repo, StoredPoint } from '../store/repo';
import type { DetectionEngine } from './engine';
import { DRIFT_MIN_POINTS, DRIFT_RECENT_POINTS, type DriftReference } from '../detectors/seasonalDrift';
import type { SourceRegistry } from '../sources/registry';
import type { Clock } from '../core/clock';
import type { Job, JobSpec } from '../contract/jobs';
import type { StoredAnomaly } from '../contract/results';
import { activeWindow, maintenanceTester } from '../core/maintenance';
import { runOutlierJob } from './outlierRun';
import { RunSlices } from '../core/turns';

/** Defaults of a job spec. */
export const JOB_DEFAULTS = { interval: '1m', trainingWindow: '7d' } as const;

/** History a job's forecast is fitted on after each run (the stored values of the last day). */
export const FORECAST_HISTORY_MS = 86_400_000;

export { DRIFT_RECENT_POINTS, DRIFT_REFERENCE_POINTS } from '../detectors/seasonalDrift';

/**
 * Stored per job: one detection stream per series (encoded with `core/stateCodec`, so the next run continues it
 * where the last one stopped, across restarts) plus its drift reference and recent drift window.
 */
export interface JobStreams {
  version: 2;
  series: Record<
    string,
    {
      labels: Labels;
      stream: string;
      /**
       * what drift is judged against: the daily baseline and residuals learnt from the first run's history (or
       * from the first run after a model without one); absent while the series has too few present values
       */
      drift?: DriftReference;
      /** the recent drift window: the last `DRIFT_RECENT_POINTS` present points, epoch ms and values */
      recent?: [number[], number[]];
      /** epoch ms when the series' stream ends its warm-up, at one point per interval; absent once warm */
      readyAt?: number;
    }
  >;
}

/** Warm-up of a job's series after a run: how many it scores, how many still learn, when the last will judge. */
export interface WarmupStatus {
  series: number;
  warmingUp: number;
  readyAt?: number;
}

/** Receives each new anomaly (e.g. the Elasticsearch/OpenSearch sink, notifiers). */
export interface AnomalySink {
  write(anomaly: StoredAnomaly): Promise<void>;
}

/** Hooks for the engine's own metrics. */
export interface RunObserver {
  onRun?(job: Job, ok: boolean, durationMs: number, points: number): void;
}

export interface RunnerDeps {
  repo: Repo;
  sources: SourceRegistry;
  engine: DetectionEngine;
  clock: Clock;
  sinks?: AnomalySink[];
  observer?: RunObserver;
  logger?: { warn(obj: unknown, msg?: string): void };
  /**
   * Events a job's run raises besides its series' (e.g. the rule hits of a log job): called once per run with the
   * span of messages the run covers, [from, to) in epoch ms; they are stored and passed to the sinks as the
   * series' events are.
   */
  extraEvents?: (job: Job, from: number, to: number) => Promise<AnomalyEvent[]>;
  /**
   * Longest stretch (ms, default `RUN_SLICE_MS` of `core/turns.ts`) a run scores series back to back before it gives
   * the event loop a turn: a first run over hundreds of series (days of points each) would otherwise hold it for
   * seconds, and with it health probes, queries and the other jobs.
   */
  sliceMs?: number;
  /**
   * Worker threads that judge an `outliers` job's group (`outlierJudgement`), so a large group does not hold the
   * event loop; without it, or while its queue is full, the run judges the group in-process.
   */
  pool?: Pick<DetectionPool, 'outlierJudgement'>;
}

/**
 * Resolve a job spec's interval, training window and ingest delay in ms.
 * @throws InputError naming the bad field
 */
export function jobTiming(spec: JobSpec): { intervalMs: number; trainMs: number; delayMs: number } {
  const intervalMs = parseInterval(spec.interval ?? JOB_DEFAULTS.interval, 'interval');
  const delayMs =
    spec.ingestDelay === undefined || /^\s*0+[a-z]*\s*$/.test(spec.ingestDelay)
      ? 0
      : parseInterval(spec.ingestDelay, 'ingestDelay');
  const trainMs = parseInterval(spec.trainingWindow ?? JOB_DEFAULTS.trainingWindow, 'trainingWindow');
  if (trainMs < intervalMs * 10) {
    throw new InputError(
      `trainingWindow must hold at least 10 intervals (${spec.trainingWindow} < 10 × ${spec.interval})`,
      {
        field: 'trainingWindow',
      }
    );
  }
  return { intervalMs, trainMs, delayMs };
}

/** Ensemble options of a job spec. */
export function ensembleOptions(spec: JobSpec): Partial<EnsembleOptions> {
  const o: Partial<EnsembleOptions> = {};
  if (spec.detectors) o.detectors = spec.detectors;
  if (spec.params) o.params = spec.params;
  if (spec.threshold !== undefined) o.threshold = spec.threshold;
  if (spec.mode) o.mode = spec.mode;
  return o;
}

/**
 * Feedback tunes a job's threshold within ±50%: each false positive raises it by 10% of the configured value,
 * each confirmed anomaly lowers it by 10%, the factor staying in [0.5, 1.5]; the result is capped at 100.
 */
export function tunedThreshold(base: number, counts: { false_positive: number; confirmed: number }): number {
  const factor = Math.min(1.5, Math.max(0.5, 1 + 0.1 * (counts.false_positive - counts.confirmed)));
  return Math.min(100, base * factor);
}

/**
 * The false-positive "pattern": a new event repeats a pattern a user marked as a false positive when it is on
 * the same series (same label set) of the same job, goes in the same direction (above/below), and its
 * deviation from the expected value at the peak is no larger than 110% of the judged event's deviation,
 * i.e. "a spike no bigger than one already judged harmless". A bigger excursion is still reported.
 */
export function matchesFalsePositive(ev: AnomalyEvent, fp: AnomalyEvent): boolean {
  if (formatLabels(ev.labels) !== formatLabels(fp.labels)) return false;
  if (ev.direction !== fp.direction) return false;
  const dev = Math.abs(ev.actual - ev.expected);
  const fpDev = Math.abs(fp.actual - fp.expected);
  if (!Number.isFinite(dev) || !Number.isFinite(fpDev)) return false;
  return dev <= fpDev * 1.1;
}

/**
 * Runs one job once, incrementally: each series of the job has a detection stream (`pkg/pipeline`) that the first
 * run starts a day before the training window (its warm-up) and runs over the training window, and every later run
 * advances over the points after the last one it scored, so
 * a scheduled run gives exactly the events `vigil detect` and a backtest give over the same data. A series that
 * appears later starts its own stream on the next run. Every run writes results, records anomaly events (joining an
 * event that continues across runs, suppressing repeats of false positives) and updates drift; the streams are
 * saved after the run.
 */
export class JobRunner {
  constructor(private readonly deps: RunnerDeps) {}

  /**
   * @returns number of new points scored, the newest scored timestamp (the caller persists it) and the
   *   feedback-tuned threshold used
   * @throws SourceError when the source fails; InputError for a bad spec
   */
  async run(job: Job): Promise<{ points: number; lastProcessed: number; threshold?: number; warmup?: WarmupStatus }> {
    const { repo, sources, engine, clock } = this.deps;
    // an `outliers` job judges its series against each other, not each against its own past
    // its outlying intervals become events as anomalies do: held back in a maintenance window or by a false
    // positive's pattern, otherwise stored (joining the one they continue) and passed to the sinks
    if (job.kind === 'outliers') {
      const timing = jobTiming(job);
      const fps = await repo.falsePositives(job.id);
      return runOutlierJob(this.deps, job, timing, (ev) => this.raise(job, ev, fps, clock.now(), timing.intervalMs));
    }
    const { intervalMs, trainMs, delayMs } = jobTiming(job);
    const now = clock.now();
    // score complete buckets only: the bucket holding `now - ingestDelay` is still filling
    const end = Math.floor((now - delayMs) / intervalMs) * intervalMs - intervalMs;
    const state = await repo.getState(job.id);
    const source = sources.get(job.source);
    const stored = await repo.getModel<JobStreams>(job.id);
    const streams: JobStreams = stored?.model?.version === 2 ? stored.model : { version: 2, series: {} };
    const continuing = stored?.model?.version === 2;
    const lastProcessed = continuing ? (state.lastProcessed ?? end - trainMs) : end - trainMs;
    if (lastProcessed >= end) return { points: 0, lastProcessed, threshold: undefined };
    // the first run warms its streams up on the day before the training window, which it then judges in full
    const warmupMs = continuing ? 0 : defaultWarmup(intervalMs) * intervalMs;
    const data = await source.fetch(
      job.source,
      lastProcessed + intervalMs - warmupMs,
      end + intervalMs - 1,
      intervalMs
    );
    const fps = await repo.falsePositives(job.id);
    const counts = await repo.feedbackCounts(job.id);
    const options = { ensemble: ensembleOptions(job) };
    const threshold = tunedThreshold(resolveThreshold(job), counts);
    let newest = lastProcessed;
    let count = 0;
    // maintenance: the job scores, but events that open inside a window are not raised (no incident, no notification)
    const inMaintenance = maintenanceTester(job.maintenanceWindows, lastProcessed + intervalMs, end);
    const slices = new RunSlices(this.deps.sliceMs);
    for (const s of data) {
      await slices.turn();
      const key = formatLabels(s.labels);
      const reg = engine.regularize(s, intervalMs);
      const keep = after(upTo(reg, end), lastProcessed - warmupMs);
      if (keep.values.length === 0) continue;
      const known = streams.series[key];
      const stream = known ? decodeState<StreamState>(known.stream) : engine.start(options, intervalMs, keep.values);
      // points the source skipped since the stream's last point are gaps
      const { timestamps, values } = fillFrom(stream.last, keep, intervalMs);
      stream.ensemble.options.threshold = threshold;
      const labels = { ...s.labels, ...(job.labels ?? {}) };
      const seenBefore = stream.seen;
      const out = engine.advance(stream, labels, timestamps, values);
      const suppressed: [number, number][] = [];
      for (const ev of eventsOf(out).filter((e) => e.end > lastProcessed)) {
        if (await this.raise(job, ev, fps, now, intervalMs)) suppressed.push([ev.start, ev.end]);
      }
      const points: StoredPoint[] = [];
      for (let i = 0; i < timestamps.length; i++) {
        const t = timestamps[i];
        if (t <= lastProcessed) continue; // warm-up history
        // a stream still warming up has no band and raises no event; its score is not one to act on either
        const warm = seenBefore + i >= stream.warmup;
        const anomaly = out.anomaly[i] === 1 && !suppressed.some(([a, b]) => t >= a && t <= b) && !inMaintenance(t);
        const direction = anomaly && Number.isFinite(out.expected[i]) ? Math.sign(values[i] - out.expected[i]) : 0;
        points.push({
          t,
          value: finiteOrNull(values[i]),
          expected: finiteOrNull(out.expected[i]),
          lower: finiteOrNull(out.lower[i]),
          upper: finiteOrNull(out.upper[i]),
          score: warm ? finiteOrNull(out.score[i]) : null,
          anomaly,
          direction,
        });
        if (t > newest) newest = t;
      }
      await repo.writeResults(job.id, labels, points);
      count += points.length;
      const recent = recentWindow(known?.recent, timestamps, values);
      // a stream saved before drift references were kept learns one from its recent window once that is full
      const reference =
        known?.drift ??
        (!known
          ? learnReference(engine, timestamps, values, intervalMs)
          : recent[0].length >= DRIFT_RECENT_POINTS
            ? engine.learnDrift(recent[0], recent[1], intervalMs)
            : undefined);
      streams.series[key] = {
        labels: s.labels,
        stream: encodeState(stream),
        ...(reference ? { drift: reference } : {}),
        recent,
        ...(stream.seen < stream.warmup ? { readyAt: stream.last + (stream.warmup - stream.seen) * intervalMs } : {}),
      };
      if (job.forecastHorizon && job.forecastHorizon > 0 && points.length > 0) {
        let f: ReturnType<DetectionEngine['forecast']> | undefined;
        try {
          // the forecaster needs the recent past, not only this run's points: the stored values of the last day
          const stored = await repo.readResults(
            job.id,
            Math.max(end - FORECAST_HISTORY_MS, end - trainMs),
            lastProcessed
          );
          const past = stored.find((r) => formatLabels(r.labels) === formatLabels(labels))?.points ?? [];
          const history: Series = {
            labels,
            timestamps: Float64Array.from([...past.map((p) => p.t), ...timestamps.filter((t) => t > lastProcessed)]),
            values: Float64Array.from([
              ...past.map((p) => p.value ?? NaN),
              ...values.filter((_, i) => timestamps[i] > lastProcessed),
            ]),
          };
          f = engine.forecast(history, job.forecastHorizon, intervalMs);
        } catch (err) {
          // a series the forecaster cannot fit keeps its previous forecast; detection results still count
          this.deps.logger?.warn({ err: (err as Error).message, job: job.name }, 'forecast failed');
        }
        if (f) {
          await repo.writeForecast(
            job.id,
            labels,
            f.map((p) => ({
              t: p.t,
              mean: finiteOrNull(p.mean),
              lower: finiteOrNull(p.lower),
              upper: finiteOrNull(p.upper),
            }))
          );
        }
      }
      if (reference && recent[0].length >= DRIFT_MIN_POINTS) {
        const d = engine.drift(reference, recent[0], recent[1]);
        await repo.setDrift(job.id, labels, d.drifting, d.pValue, d.statistic, now);
      }
    }
    if (this.deps.extraEvents) {
      for (const ev of await this.deps.extraEvents(job, lastProcessed + intervalMs, end + intervalMs)) {
        await this.raise(job, { ...ev, labels: { ...ev.labels, ...(job.labels ?? {}) } }, fps, now, intervalMs);
      }
    }
    await repo.saveModel(job.id, streams, stored?.trainedAt ?? now, stored?.from ?? end - trainMs, end);
    return { points: count, lastProcessed: newest, threshold, warmup: warmupOf(streams) };
  }

  /**
   * Raise an event of a job: held back when it opens in one of the job's maintenance windows (not stored, no
   * incident, no notification); else stored (joining one it continues) and passed to the sinks, unless it repeats a
   * false positive (then stored as suppressed).
   * @returns true when it was held back (maintenance window or a false positive's pattern)
   */
  private async raise(
    job: Job,
    ev: AnomalyEvent,
    fps: Awaited<ReturnType<Repo['falsePositives']>>,
    now: number,
    intervalMs: number
  ): Promise<boolean> {
    if (activeWindow(job.maintenanceWindows, ev.start)) return true;
    const fp = fps.find((f) => matchesFalsePositive(ev, { ...f.anomaly, labels: { ...f.anomaly.labels } }));
    const a = await this.deps.repo.recordAnomaly(job.id, ev, now, intervalMs * 2, fp?.feedbackId);
    if (fp) return true;
    for (const sink of this.deps.sinks ?? [])
      await sink.write(a).catch((err) => this.deps.logger?.warn({ err }, 'anomaly sink failed'));
    return false;
  }
}

/** Warm-up summary of a job's streams. */
export function warmupOf(streams: JobStreams): WarmupStatus {
  const entries = Object.values(streams.series);
  const warming = entries.filter((e) => e.readyAt !== undefined);
  const readyAt = warming.length ? Math.max(...warming.map((e) => e.readyAt!)) : undefined;
  return { series: entries.length, warmingUp: warming.length, ...(readyAt !== undefined ? { readyAt } : {}) };
}

/** The job's configured anomaly-score threshold (its own, or the default ensemble's). */
function resolveThreshold(job: JobSpec): number {
  return job.threshold ?? DEFAULT_ENSEMBLE.threshold;
}

/**
 * A series' drift reference from its first run's history: the history before its recent window, so that the two do
 * not overlap (a change in the last hours before the job was created is seen at once), or the whole history when
 * the part before the window is shorter than the window. Undefined with too few present values.
 */
function learnReference(
  engine: DetectionEngine,
  timestamps: Float64Array,
  values: Float64Array,
  intervalMs: number
): DriftReference | undefined {
  let present = 0;
  for (const v of values) if (Number.isFinite(v)) present++;
  if (present < DRIFT_MIN_POINTS) return undefined;
  let cut = values.length;
  if (present >= 2 * DRIFT_RECENT_POINTS) {
    for (let seen = 0; seen < DRIFT_RECENT_POINTS;) if (Number.isFinite(values[--cut])) seen++;
  }
  return engine.learnDrift(timestamps.subarray(0, cut), values.subarray(0, cut), intervalMs);
}

/** The recent drift window after a run: the stored one followed by this run's present points, the last ones kept. */
function recentWindow(
  stored: [number[], number[]] | undefined,
  timestamps: Float64Array,
  values: Float64Array
): [number[], number[]] {
  const ts = stored ? [...stored[0]] : [];
  const vs = stored ? [...stored[1]] : [];
  const last = ts.length ? ts[ts.length - 1] : -Infinity;
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i]) || timestamps[i] <= last) continue;
    ts.push(timestamps[i]);
    vs.push(values[i]);
  }
  const from = Math.max(0, ts.length - DRIFT_RECENT_POINTS);
  return [ts.slice(from), vs.slice(from)];
}

function upTo(s: Series, end: number): Series {
  let n = s.timestamps.length;
  while (n > 0 && s.timestamps[n - 1] > end) n--;
  return { labels: s.labels, timestamps: s.timestamps.subarray(0, n), values: s.values.subarray(0, n) };
}

function after(s: Series, t: number): Series {
  let i = 0;
  while (i < s.timestamps.length && s.timestamps[i] <= t) i++;
  return { labels: s.labels, timestamps: s.timestamps.subarray(i), values: s.values.subarray(i) };
}

/** The points of `s` preceded by NaN points for every grid point between `last` (exclusive) and its first point. */
function fillFrom(last: number, s: Series, intervalMs: number): { timestamps: Float64Array; values: Float64Array } {
  if (Number.isNaN(last) || s.timestamps.length === 0) return { timestamps: s.timestamps, values: s.values };
  const missing = Math.max(0, Math.round((s.timestamps[0] - last) / intervalMs) - 1);
  if (missing === 0) return { timestamps: s.timestamps, values: s.values };
  const n = missing + s.timestamps.length;
  const timestamps = new Float64Array(n);
  const values = new Float64Array(n).fill(NaN);
  for (let k = 0; k < missing; k++) timestamps[k] = last + (k + 1) * intervalMs;
  timestamps.set(s.timestamps, missing);
  values.set(s.values, missing);
  return { timestamps, values };
}
