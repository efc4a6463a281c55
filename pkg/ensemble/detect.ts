import { fitEnsemble, resolveEnsembleOptions, scoreEnsemble } from './ensemble';
import { buildEvents } from './events';
import type { EnsembleOptions } from './types';
import type { AnomalyEvent, DetectionResult, ResultPoint, SeriesResult } from '../contract/results';
import type { DetectorInput } from '../detectors/types';
import { InputError } from '../core/errors';
import { inferInterval, regularize } from '../core/regularize';
import { chooseTransform, mapValues, type TransformName } from '../core/transform';
import { countPresent, formatLabels, type Series } from '../core/series';

export type DetectOptions = Partial<EnsembleOptions> & {
  /** grid spacing in ms; default: inferred per series from its timestamps */
  intervalMs?: number;
  /** fit on the first `trainPoints` points only (default: the whole series) */
  trainPoints?: number;
  /** variance-stabilising transform before detection (default `auto`: Anscombe square root for counts) */
  transform?: TransformName | 'auto';
  /** called after each series with (done, total) — for progress on long inputs */
  onProgress?: (done: number, total: number) => void;
};

/** Fewest present points a series needs before Vigil judges it. */
export const MIN_POINTS = 10;

/** The main job's result: the DetectionResult plus notes about series that could not be judged. */
export interface DetectReport extends DetectionResult {
  warnings: string[];
}

/**
 * Run Vigil's main job on a set of series: put each on a regular grid, fit the ensemble on its training
 * window, score every point and merge anomalous points into events.
 *
 * @param series input series (epoch ms timestamps, NaN for missing values); not mutated
 * @param options ensemble options, grid interval, training window
 * @returns per-series points (value, expected, band, 0-100 score, anomaly flag) and all anomaly events,
 *   sorted by start time; series too short to judge (< 10 present points) are returned unscored with a warning
 * @throws ParameterError for invalid options; InputError for an invalid interval
 */
export function detect(series: Series[], options: DetectOptions = {}): DetectReport {
  const ensembleOptions = resolveEnsembleOptions(options);
  if (options.intervalMs !== undefined && !(options.intervalMs > 0)) {
    throw new InputError(`interval must be positive, got ${options.intervalMs}`);
  }
  const results: SeriesResult[] = [];
  const anomalies: AnomalyEvent[] = [];
  const warnings: string[] = [];
  series.forEach((s, idx) => {
    const intervalMs = options.intervalMs ?? inferInterval(s.timestamps);
    const name = formatLabels(s.labels);
    if (!(intervalMs > 0)) {
      warnings.push(`series ${name}: fewer than two points, nothing to judge`);
      results.push({ labels: s.labels, intervalMs: 0, points: toPoints(s, null) });
      options.onProgress?.(idx + 1, series.length);
      return;
    }
    const regular = regularize(s, intervalMs);
    const present = countPresent(regular.values);
    if (present < MIN_POINTS) {
      warnings.push(`series ${name}: ${present} points, at least ${MIN_POINTS} are needed to judge it`);
      results.push({ labels: s.labels, intervalMs, points: toPoints(regular, null) });
      options.onProgress?.(idx + 1, series.length);
      return;
    }
    const transform = chooseTransform(regular.values, options.transform ?? 'auto');
    const input: DetectorInput = {
      timestamps: regular.timestamps,
      values: transform.name === 'none' ? regular.values : mapValues(regular.values, transform.forward),
      intervalMs,
    };
    const trainN = Math.min(regular.values.length, Math.max(MIN_POINTS, options.trainPoints ?? regular.values.length));
    const train: DetectorInput =
      trainN === regular.values.length
        ? input
        : { timestamps: input.timestamps.subarray(0, trainN), values: input.values.subarray(0, trainN), intervalMs };
    const model = fitEnsemble(train, ensembleOptions);
    const out = scoreEnsemble(model, input);
    if (transform.name !== 'none') {
      // report expected value and band in the series' own units
      out.expected = mapValues(out.expected, transform.inverse);
      out.lower = mapValues(out.lower, transform.inverse);
      out.upper = mapValues(out.upper, transform.inverse);
    }
    const original: DetectorInput = { timestamps: regular.timestamps, values: regular.values, intervalMs };
    results.push({ labels: s.labels, intervalMs, points: toPoints(regular, out) });
    anomalies.push(...buildEvents(s.labels, original, out));
    options.onProgress?.(idx + 1, series.length);
  });
  anomalies.sort((a, b) => a.start - b.start || b.score - a.score);
  return { series: results, anomalies, warnings };
}

function toPoints(
  s: Series,
  out: {
    score: Float64Array;
    anomalous: Uint8Array;
    expected: Float64Array;
    lower: Float64Array;
    upper: Float64Array;
  } | null
): ResultPoint[] {
  const points: ResultPoint[] = new Array(s.timestamps.length);
  for (let i = 0; i < s.timestamps.length; i++) {
    points[i] = {
      t: s.timestamps[i],
      value: num(s.values[i]),
      expected: out ? num(out.expected[i]) : null,
      lower: out ? num(out.lower[i]) : null,
      upper: out ? num(out.upper[i]) : null,
      score: out ? num(round2(out.score[i])) : null,
      anomaly: out ? out.anomalous[i] === 1 : false,
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
