import { InputError } from '../core/errors';
import { parseInterval } from '../core/interval';
import { formatLabels, type Labels, type Series } from '../core/series';
import type { DetectorInput } from '../detectors/types';
import type { EnsembleModel, EnsembleOptions } from '../ensemble/types';
import type { AnomalyEvent } from '../contract/results';
import type { Repo, StoredPoint } from '../store/repo';
import type { DetectionEngine } from './engine';
import type { SourceRegistry } from '../sources/registry';
import type { Clock } from '../core/clock';
import type { Job, JobSpec } from '../contract/jobs';
import type { StoredAnomaly } from '../contract/results';

/** Defaults of a job spec. */
export const JOB_DEFAULTS = { interval: '1m', trainingWindow: '7d' } as const;

/**
 * Points of history fetched before the first new point so rolling detectors have their window (at least this
 * many; more when a seasonal model needs two of its periods, see `contextPoints`).
 */
export const CONTEXT_POINTS = 1440;

/**
 * Context a job's models need: `CONTEXT_POINTS`, or two of the longest seasonal period any member model found
 * (MSTL decomposes only inputs spanning two periods), whichever is larger.
 */
export function contextPoints(models: JobModels): number {
  let longest = 0;
  for (const s of Object.values(models.series)) {
    for (const m of s.model.members) {
      const periods = (m.model as { periods?: unknown }).periods;
      if (Array.isArray(periods)) for (const p of periods) if (typeof p === 'number' && p > longest) longest = p;
    }
  }
  return Math.max(CONTEXT_POINTS, 2 * longest);
}
/** Present values of the training window kept as the drift reference, and size of the recent drift window. */
export const DRIFT_REFERENCE_POINTS = 1000;
export const DRIFT_RECENT_POINTS = 240;
/** A model is refitted once it is older than this (ms). */
export const REFIT_AFTER_MS = 24 * 3_600_000;

/** Stored per job: one fitted ensemble per series plus the drift reference sample. */
export interface JobModels {
  version: 1;
  series: Record<string, { labels: Labels; model: EnsembleModel; reference: number[] }>;
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
}

/** Resolve a job spec's interval and training window in ms. @throws InputError naming the bad field */
export function jobTiming(spec: JobSpec): { intervalMs: number; trainMs: number } {
  const intervalMs = parseInterval(spec.interval ?? JOB_DEFAULTS.interval, 'interval');
  const trainMs = parseInterval(spec.trainingWindow ?? JOB_DEFAULTS.trainingWindow, 'trainingWindow');
  if (trainMs < intervalMs * 10) {
    throw new InputError(
      `trainingWindow must hold at least 10 intervals (${spec.trainingWindow} < 10 × ${spec.interval})`,
      {
        field: 'trainingWindow',
      }
    );
  }
  return { intervalMs, trainMs };
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
 * Runs one job once, incrementally: the first run (or after a spec change / every 24 h) fits one ensemble per
 * series on the training window; every run fetches only the points after the last scored one plus
 * the context the models need (`contextPoints`), scores them with the stored model, writes results, records anomaly events
 * (joining an event that continues across runs, suppressing repeats of false positives), updates drift.
 */
export class JobRunner {
  constructor(private readonly deps: RunnerDeps) {}

  /**
   * @returns number of new points scored, the newest scored timestamp (the caller persists it) and the
   *   feedback-tuned threshold used
   * @throws SourceError when the source fails; InputError for a bad spec
   */
  async run(job: Job): Promise<{ points: number; lastProcessed: number; threshold?: number }> {
    const { repo, sources, engine, clock } = this.deps;
    const { intervalMs, trainMs } = jobTiming(job);
    const now = clock.now();
    // score complete buckets only: the bucket holding `now` is still filling
    const end = Math.floor(now / intervalMs) * intervalMs - intervalMs;
    const state = await repo.getState(job.id);
    const source = sources.get(job.source);

    const stored = await repo.getModel<JobModels>(job.id);
    let models = stored?.model;
    if (!models || !stored || now - stored.trainedAt > REFIT_AFTER_MS) {
      const trainFrom = end - trainMs;
      const train = await source.fetch(job.source, trainFrom, end + intervalMs - 1, intervalMs);
      models = { version: 1, series: {} };
      for (const s of train) {
        const reg = engine.regularize(s, intervalMs);
        if (reg.values.length < 10) continue;
        const input: DetectorInput = { timestamps: reg.timestamps, values: reg.values, intervalMs };
        models.series[formatLabels(s.labels)] = {
          labels: s.labels,
          model: engine.fit(input, ensembleOptions(job)),
          reference: lastPresent(reg.values, DRIFT_REFERENCE_POINTS),
        };
      }
      await repo.saveModel(job.id, models, now, trainFrom, end);
    }

    const lastProcessed = state.lastProcessed ?? end - trainMs;
    if (lastProcessed >= end) return { points: 0, lastProcessed, threshold: undefined };
    const fetchFrom = Math.max(lastProcessed + intervalMs - contextPoints(models) * intervalMs, end - trainMs);
    const data = await source.fetch(job.source, fetchFrom, end + intervalMs - 1, intervalMs);
    const fps = await repo.falsePositives(job.id);
    const counts = await repo.feedbackCounts(job.id);
    let threshold: number | undefined;
    let newest = lastProcessed;
    let count = 0;
    for (const s of data) {
      const key = formatLabels(s.labels);
      const m = models.series[key];
      if (!m) continue; // a series that appeared after training waits for the next refit
      const reg = engine.regularize(s, intervalMs);
      const keep = upTo(reg, end);
      const input: DetectorInput = { timestamps: keep.timestamps, values: keep.values, intervalMs };
      if (input.values.length === 0) continue;
      threshold = tunedThreshold(m.model.options.threshold, counts);
      const model = { ...m.model, options: { ...m.model.options, threshold } };
      const out = engine.score(model, input);
      const labels = { ...s.labels, ...(job.labels ?? {}) };
      const events = engine.events(labels, input, out).filter((e) => e.end > lastProcessed);
      const suppressed: [number, number][] = [];
      for (const ev of events) {
        const fp = fps.find((f) => matchesFalsePositive(ev, { ...f.anomaly, labels: { ...f.anomaly.labels } }));
        const a = await repo.recordAnomaly(job.id, ev, now, intervalMs * 2, fp?.feedbackId);
        if (fp) suppressed.push([ev.start, ev.end]);
        else
          for (const sink of this.deps.sinks ?? [])
            await sink.write(a).catch((err) => this.deps.logger?.warn({ err }, 'anomaly sink failed'));
      }
      const points: StoredPoint[] = [];
      for (let i = 0; i < input.timestamps.length; i++) {
        const t = input.timestamps[i];
        if (t <= lastProcessed) continue;
        const isSuppressed = suppressed.some(([a, b]) => t >= a && t <= b);
        points.push({
          t,
          value: num(input.values[i]),
          expected: num(out.expected[i]),
          lower: num(out.lower[i]),
          upper: num(out.upper[i]),
          score: num(out.score[i]),
          anomaly: out.anomalous[i] === 1 && !isSuppressed,
          direction: out.anomalous[i] === 1 && !isSuppressed ? out.direction[i] : 0,
        });
        if (t > newest) newest = t;
      }
      await repo.writeResults(job.id, labels, points);
      count += points.length;
      if (job.forecastHorizon && job.forecastHorizon > 0 && points.length > 0) {
        let f: ReturnType<DetectionEngine['forecast']> | undefined;
        try {
          const history: Series = { labels, timestamps: input.timestamps, values: input.values };
          f = engine.forecast(history, job.forecastHorizon, intervalMs);
        } catch (err) {
          // a series the forecaster cannot fit keeps its previous forecast; detection results still count
          this.deps.logger?.warn({ err: (err as Error).message, job: job.name }, 'forecast failed');
        }
        if (f) {
          await repo.writeForecast(
            job.id,
            labels,
            f.map((p) => ({ t: p.t, mean: num(p.mean), lower: num(p.lower), upper: num(p.upper) }))
          );
        }
      }
      const recent = lastPresent(input.values, DRIFT_RECENT_POINTS);
      if (m.reference.length >= 20 && recent.length >= 20) {
        const d = engine.drift(m.reference, recent);
        await repo.setDrift(job.id, labels, d.drifting, d.pValue, d.statistic, now);
      }
    }
    return { points: count, lastProcessed: newest, threshold };
  }
}

function num(v: number): number | null {
  return Number.isFinite(v) ? v : null;
}

function lastPresent(values: Float64Array, n: number): number[] {
  const out: number[] = [];
  for (let i = values.length - 1; i >= 0 && out.length < n; i--) if (!Number.isNaN(values[i])) out.push(values[i]);
  return out.reverse();
}

function upTo(s: Series, end: number): Series {
  let n = s.timestamps.length;
  while (n > 0 && s.timestamps[n - 1] > end) n--;
  return { labels: s.labels, timestamps: s.timestamps.subarray(0, n), values: s.values.subarray(0, n) };
}
