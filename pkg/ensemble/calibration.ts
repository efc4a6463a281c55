import type { CalibrationMethod } from '../detectors/types';
import type { CalibrationModel } from './types';

/** Share of the probability mass modelled by the exponential tail. */
const TAIL_MASS = 0.1;
/** Number of stored quantile levels (0, 1/(Q-1), ..., 1). */
const QUANTILE_LEVELS = 201;

/**
 * Fit a calibration from a detector's raw scores on training data: stored quantiles for the body of the
 * distribution, and an exponential tail over the top 10% (peaks over threshold with a robust scale, median excess / ln 2:
 * the exponential special case of the generalised Pareto fit in SPOT: Siffer, Fouque, Termier & Largouët,
 * "Anomaly Detection in Streams with Extreme Value Theory", KDD 2017).
 *
 * With `method` `standard`, the raw score is read as a standard normal deviate and the probability is its
 * normal upper tail (`novelty`, which standardises its own scores; the quantiles are kept for reference).
 *
 * @param rawScores detector raw scores (NaN ignored); not mutated
 * @param method `tail` (default) or `standard`
 * @returns a JSON-serialisable model; with no finite score, a model whose probabilities are NaN
 * Complexity O(n log n).
 */
export function fitCalibration(rawScores: ArrayLike<number>, method: CalibrationMethod = 'tail'): CalibrationModel {
  const xs: number[] = [];
  for (let i = 0; i < rawScores.length; i++) if (Number.isFinite(rawScores[i])) xs.push(rawScores[i]);
  xs.sort((a, b) => a - b);
  const model = calibrationFromSorted(xs);
  return method === 'standard' ? { ...model, method } : model;
}

function calibrationFromSorted(xs: ArrayLike<number>): CalibrationModel {
  const n = xs.length;
  if (n === 0)
    return { kind: 'calibration', version: 1, quantiles: [], threshold: NaN, tailMass: TAIL_MASS, scale: NaN };
  const quantiles: number[] = [];
  for (let k = 0; k < QUANTILE_LEVELS; k++) quantiles.push(sortedQuantile(xs, k / (QUANTILE_LEVELS - 1)));
  const threshold = sortedQuantile(xs, 1 - TAIL_MASS);
  // robust scale: for an exponential tail the median excess is scale * ln 2; the median is not dragged up by
  // the few anomalies a training window holds, as the mean excess would be
  const excesses: number[] = [];
  for (let i = n - 1; i >= 0 && xs[i] > threshold; i--) excesses.push(xs[i] - threshold);
  const over = excesses.length;
  excesses.sort((a, b) => a - b);
  const medianExcess =
    over === 0 ? 0 : over % 2 ? excesses[over >> 1] : (excesses[over / 2 - 1] + excesses[over / 2]) / 2;
  // the tail may not be heavier than the body of the distribution suggests: capping the scale at twice the
  // distance from the median to the tail threshold keeps a series' own incidents from calibrating themselves away
  const body = threshold - sortedQuantile(xs, 0.5);
  const spread = sortedQuantile(xs, 0.99) - sortedQuantile(xs, 0.5);
  const robust = medianExcess / Math.LN2;
  const scale = Math.max(body > 0 ? Math.min(robust, 2 * body) : robust, 1e-3 * spread, 1e-9);
  const tailMass = over ? over / n : 1 / (n + 1);
  return { kind: 'calibration', version: 1, quantiles, threshold, tailMass, scale };
}

/**
 * Tail probability P(S >= raw) under a calibration: the empirical exceedance below the tail threshold, the
 * exponential tail above it (for a `standard` calibration, the normal upper tail of raw).
 * Returns a probability in [0, 1], or NaN for a NaN score or an empty model.
 * O(log Q).
 */
export function tailProbability(model: CalibrationModel, raw: number): number {
  const q = model.quantiles;
  if (Number.isNaN(raw)) return NaN;
  if (model.method === 'standard') return normalTail(raw, 0, 1);
  if (q.length === 0) return NaN;
  if (raw > model.threshold) return model.tailMass * Math.exp(-(raw - model.threshold) / model.scale);
  if (raw <= q[0]) return 1;
  // find the highest level whose quantile is < raw, interpolate to the next
  let lo = 0;
  let hi = q.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (q[mid] < raw) lo = mid;
    else hi = mid - 1;
  }
  const next = Math.min(q.length - 1, lo + 1);
  const frac = q[next] > q[lo] ? (raw - q[lo]) / (q[next] - q[lo]) : 1;
  const level = (lo + frac) / (q.length - 1);
  return Math.max(model.tailMass, Math.min(1, 1 - level));
}

/**
 * Streaming calibration for honest evaluation: probabilities at point t use the training scores plus the
 * scores observed before t. `observe` adds a score; the model is refitted every `refitEvery` observations
 * (amortised O(log n) per point plus O(n log n / refitEvery)). A `standard` calibration has nothing to learn.
 */
export class OnlineCalibration {
  private sorted: number[];
  private model: CalibrationModel;
  private pending = 0;
  constructor(
    initial: ArrayLike<number>,
    private readonly refitEvery = 32
  ) {
    this.sorted = [];
    for (let i = 0; i < initial.length; i++) if (Number.isFinite(initial[i])) this.sorted.push(initial[i]);
    this.sorted.sort((a, b) => a - b);
    this.model = calibrationFromSorted(this.sorted);
  }
  /** Continue a fitted calibration online: from its stored quantiles (`tail`), or as it is (`standard`). */
  static continuing(model: CalibrationModel): OnlineCalibration {
    const online = new OnlineCalibration(model.quantiles);
    if (model.method === 'standard') online.model = model;
    return online;
  }
  probability(raw: number): number {
    return tailProbability(this.model, raw);
  }
  observe(raw: number): void {
    if (!Number.isFinite(raw) || this.model.method === 'standard') return;
    let lo = 0;
    let hi = this.sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.sorted[mid] < raw) lo = mid + 1;
      else hi = mid;
    }
    this.sorted.splice(lo, 0, raw);
    if (++this.pending >= this.refitEvery || this.model.quantiles.length === 0) {
      this.model = calibrationFromSorted(this.sorted);
      this.pending = 0;
    }
  }
}

/**
 * Normal upper tail P(Z >= (raw - mean) / sd), Z standard normal; a score above the mean with sd 0 has
 * probability 0, one at or below it 1 / 2 or more. NaN when mean or sd is not finite.
 * erfc by the Chebyshev fit of Numerical Recipes (Press et al., 3rd ed., section 6.2.2: `erfccheb`'s
 * predecessor `erfcc`), fractional error below 1.2e-7 everywhere, so small tails keep their precision
 * (simple-statistics' `errorFunction` uses the same fit but returns erf, and 1 - erf loses tails below 1e-16).
 */
export function normalTail(raw: number, mean: number, sd: number): number {
  if (!Number.isFinite(mean) || !Number.isFinite(sd)) return NaN;
  if (sd <= 0) return raw > mean ? 0 : raw < mean ? 1 : 0.5;
  const x = (raw - mean) / (sd * Math.SQRT2);
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r =
    t *
    Math.exp(
      -z * z -
        1.26551223 +
        t *
          (1.00002368 +
            t *
              (0.37409196 +
                t *
                  (0.09678418 +
                    t *
                      (-0.18628806 +
                        t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277))))))))
    );
  const erfc = x >= 0 ? r : 2 - r;
  return erfc / 2;
}

/** Type-7 quantile of an ascending array. */
function sortedQuantile(xs: ArrayLike<number>, q: number): number {
  const h = (xs.length - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(xs.length - 1, lo + 1);
  return xs[lo] + (h - lo) * (xs[hi] - xs[lo]);
}

/**
 * A detector's 0-100 score from its tail probability: 100 · min(1, -log10(p) / 6), so p = 1e-3 scores 50 and
 * p <= 1e-6 scores 100. NaN stays NaN.
 */
export function probabilityToScore(p: number): number {
  if (Number.isNaN(p)) return NaN;
  return 100 * Math.min(1, Math.max(0, -Math.log10(Math.max(p, 1e-300)) / 6));
}
