import { InputError } from '../core/errors';
import { inferInterval, regularize } from '../core/regularize';
import { countPresent, formatLabels, type Series } from '../core/series';
import type { AnomalyEvent, DetectionResult, ResultPoint, SeriesResult } from '../contract';
import {
  advanceStream,
  defaultWarmup,
  startStream,
  type PipelineOptions,
  type StreamOutput,
  type StreamState,
} from './stream';

export type DetectOptions = PipelineOptions & {
  /** grid spacing in ms; default: inferred per series from its timestamps */
  intervalMs?: number;
  /**
   * report only points and events from this time on (epoch ms); earlier points are history that warms the streams
   * up (a dashboard asks for its visible range, the engine reads a day more before it)
   */
  from?: number;
  /** called after each series with (done, total), for progress on long inputs */
  onProgress?: (done: number, total: number) => void;
};

/** Fewest present points a series needs before Vigil judges it. */
export const MIN_POINTS = 10;

/** The main job's result: the DetectionResult plus notes about series that could not be judged. */
export interface DetectReport extends DetectionResult {
  warnings: string[];
}

/** One series run through the pipeline: its grid, its stream's output and final state (null when not judged). */
export interface SeriesRun {
  series: Series;
  intervalMs: number;
  /** the series on its regular grid */
  grid: Series;
  output: StreamOutput | null;
  state: StreamState | null;
  /** why the series was not judged */
  warning?: string;
}

/**
 * Run one series through the detection pipeline: put it on a regular grid (gaps stay NaN), start a stream and
 * advance it over every point, so that each point is judged against the points before it only (exactly what a
 * scheduled job does point by point). A series with fewer than `MIN_POINTS` present points, or fewer than two
 * timestamps, is not judged (`warning` says why).
 *
 * @throws InputError for an invalid interval; ParameterError for invalid ensemble or event options
 */
export function runSeries(s: Series, options: DetectOptions = {}): SeriesRun {
  if (options.intervalMs !== undefined && !(options.intervalMs > 0)) {
    throw new InputError(`interval must be positive, got ${options.intervalMs}`);
  }
  const name = formatLabels(s.labels);
  const intervalMs = options.intervalMs ?? inferInterval(s.timestamps);
  if (!(intervalMs > 0)) {
    return {
      series: s,
      intervalMs: 0,
      grid: s,
      output: null,
      state: null,
      warning: `series ${name}: fewer than two points, nothing to judge`,
    };
  }
  const grid = regularize(s, intervalMs);
  const present = countPresent(grid.values);
  if (present < MIN_POINTS) {
    return {
      series: s,
      intervalMs,
      grid,
      output: null,
      state: null,
      warning: `series ${name}: ${present} points, at least ${MIN_POINTS} are needed to judge it`,
    };
  }
  // the transform is chosen from the warm-up points only, so that no decision depends on later points
  const warmup = options.warmup ?? defaultWarmup(intervalMs);
  const state = startStream(options, intervalMs, grid.values.subarray(0, Math.max(warmup, MIN_POINTS)));
  const output = advanceStream(state, s.labels, grid.timestamps, grid.values);
  return { series: s, intervalMs, grid, output, state };
}

/**
 * Vigil's main job on a set of series: each goes through the detection pipeline (`runSeries`), and its anomalous
 * points are merged into events (an event still open at the end of the series is reported with the others).
 *
 * @param series input series (epoch ms timestamps, NaN for missing values); not mutated
 * @returns per-series points (value, expected, band, 0-100 score, anomaly flag) and all events sorted by start
 *   time; series too short to judge are returned unscored with a warning
 * @throws ParameterError for invalid options; InputError for an invalid interval
 */
export function detect(series: Series[], options: DetectOptions = {}): DetectReport {
  const results: SeriesResult[] = [];
  const anomalies: AnomalyEvent[] = [];
  const warnings: string[] = [];
  series.forEach((s, idx) => {
    const run = runSeries(s, options);
    if (run.warning) warnings.push(run.warning);
    const from = options.from ?? -Infinity;
    results.push({ labels: s.labels, intervalMs: run.intervalMs, points: toPoints(run).filter((p) => p.t >= from) });
    if (run.output) anomalies.push(...eventsOf(run.output).filter((e) => e.end >= from));
    options.onProgress?.(idx + 1, series.length);
  });
  anomalies.sort((a, b) => a.start - b.start || b.score - a.score);
  return { series: results, anomalies, warnings };
}

/** The events of a stream output: closed ones and the one still open. */
export function eventsOf(output: StreamOutput): AnomalyEvent[] {
  return output.open ? [...output.closed, output.open] : [...output.closed];
}

function toPoints(run: SeriesRun): ResultPoint[] {
  const g = run.grid;
  const o = run.output;
  const points: ResultPoint[] = new Array(g.timestamps.length);
  for (let i = 0; i < g.timestamps.length; i++) {
    points[i] = {
      t: g.timestamps[i],
      value: num(g.values[i]),
      expected: o ? num(o.expected[i]) : null,
      lower: o ? num(o.lower[i]) : null,
      upper: o ? num(o.upper[i]) : null,
      score: o ? num(round2(o.score[i])) : null,
      anomaly: o ? o.anomaly[i] === 1 : false,
    };
  }
  return points;
}

function num(x: number): number | null {
  return Number.isFinite(x) ? x : null;
}

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}
