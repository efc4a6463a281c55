/**
 * Baseline learner per series: summary statistics over a training window (count, mean, standard deviation,
 * min, max, p95, p99) and adaptive thresholds mean ± k·σ, persisted in the model. The detector's expected value
 * is the mean and its band mean ± k·σ; the raw score is |x - mean| / σ.
 *
 * Method: a fixed-limit Shewhart control chart (Shewhart 1931; NIST/SEMATECH e-Handbook of Statistical Methods,
 * 6.3.2) whose limits are learnt from the training window; quantiles by linear interpolation between order
 * statistics (Hyndman & Fan 1996, type 7, as numpy and R default).
 */

import { InputError } from '../core/errors';
import { intParam, numParam } from '../features/multivariate';
import { batchScaleFloor } from './rolling';
import { refitting, type BatchDetector } from './shared/refit';
import { emptyOutput, type DetectorInput, type DetectorModel, type DetectorOutput } from './types';

/** A learnt baseline. Values are in the series' own units; `lower`/`upper` = mean ∓ k·std. */
export interface BaselineStats {
  count: number;
  mean: number;
  /** sample standard deviation (n - 1) */
  std: number;
  min: number;
  max: number;
  p50: number;
  p95: number;
  p99: number;
  k: number;
  lower: number;
  upper: number;
}

function quantile7(sorted: Float64Array, p: number): number {
  const h = (sorted.length - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}

/**
 * Learn a baseline from the present (non-NaN) values.
 *
 * @param values series values, NaN for missing; not mutated
 * @param k band half-width in standard deviations (default 3), > 0
 * @throws InputError when fewer than 2 values are present; ParameterError for a bad k
 * @example learnBaseline(Float64Array.of(1, 2, 3)) // { mean: 2, std: 1, lower: -1, upper: 5, ... }
 */
export function learnBaseline(values: Float64Array, k = 3): BaselineStats {
  numParam('baseline', 'k', k, 0, 1000);
  const present = values.filter((v) => !Number.isNaN(v));
  const n = present.length;
  if (n < 2) throw new InputError(`baseline: need at least 2 present values to learn a baseline, got ${n}`);
  let sum = 0;
  for (let i = 0; i < n; i++) sum += present[i];
  const mean = sum / n;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (present[i] - mean) * (present[i] - mean);
  const std = Math.sqrt(ss / (n - 1));
  const sorted = present.sort();
  return {
    count: n,
    mean,
    std,
    min: sorted[0],
    max: sorted[n - 1],
    p50: quantile7(sorted, 0.5),
    p95: quantile7(sorted, 0.95),
    p99: quantile7(sorted, 0.99),
    k,
    lower: mean - k * std,
    upper: mean + k * std,
  };
}

/** Parameters of the `baseline` detector. */
export interface BaselineParams {
  /** band half-width in standard deviations */
  k: number;
  /** learn from the last `trainPoints` points of the training series only (0 = all of it) */
  trainPoints: number;
}

/** The `baseline` detector's model: the learnt statistics plus the scale floor used when std is 0. */
export interface BaselineModel extends DetectorModel {
  kind: 'baseline';
  version: 1;
  params: BaselineParams;
  stats: BaselineStats;
  /** smallest standard deviation used in scores (value units) */
  floor: number;
}

/**
 * The `baseline` detector: a static per-series baseline. Score |x - mean| / max(std, floor); expected = mean;
 * band = mean ± k·std. Causal (the model is fixed at fit time).
 */
export const baselineBatch: BatchDetector<BaselineParams, BaselineModel> = {
  name: 'baseline',
  family: 'statistical',
  description: 'learnt per-series baseline (mean, std, p95, p99) with thresholds mean ± k·σ',
  defaults: { k: 3, trainPoints: 0 },
  params(params: Partial<BaselineParams>): BaselineParams {
    const p = { ...baselineBatch.defaults, ...params };
    numParam('baseline', 'k', p.k, 0, 1000);
    intParam('baseline', 'trainPoints', p.trainPoints, 0);
    return p;
  },
  fit(train: DetectorInput, params: Partial<BaselineParams> = {}): BaselineModel {
    const p = { ...baselineBatch.defaults, ...params };
    numParam('baseline', 'k', p.k, 0, 1000);
    intParam('baseline', 'trainPoints', p.trainPoints, 0);
    const n = train.values.length;
    const values = p.trainPoints > 0 && p.trainPoints < n ? train.values.subarray(n - p.trainPoints) : train.values;
    const stats = learnBaseline(values, p.k);
    return { kind: 'baseline', version: 1, params: p, stats, floor: batchScaleFloor(values) };
  },
  score(model: BaselineModel, input: DetectorInput): DetectorOutput {
    const { mean, std, lower, upper } = model.stats;
    const sd = Math.max(std, model.floor);
    const out = emptyOutput(input.values.length);
    out.expected.fill(mean);
    out.lower.fill(lower);
    out.upper.fill(upper);
    for (let i = 0; i < input.values.length; i++) {
      const x = input.values[i];
      if (!Number.isNaN(x)) out.score[i] = Math.abs(x - mean) / sd;
    }
    return out;
  },
};

/**
 * The streaming `baseline` detector: the statistics are relearnt every 288 points from the last `trainPoints`
 * points (2,016 when 0) and each new point is judged against them. O(1) per point.
 */
export const baselineDetector = refitting(baselineBatch, (p) => ({
  history: p.trainPoints > 0 ? p.trainPoints : 2016,
  refitEvery: 288,
  minHistory: 30,
  context: 1,
}));
