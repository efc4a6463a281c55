/**
 * Drift that compares like with like: a job's recent values against its reference, both seasonally adjusted, with
 * a Kolmogorov-Smirnov test whose sample sizes are the effective ones of autocorrelated data.
 *
 * 1. Season: when the reference covers two days or more and repeats daily (autocorrelation at the daily lag at least
 *    `MIN_SEASONAL_ACF`, the rule `detectPeriods` applies), each phase of the day gets a baseline: the median of the
 *    reference values within ±`DRIFT_PHASE_HALF_WIDTH` of that phase over every day of the reference (a running
 *    median over phases pooled across cycles, the seasonal sub-series smoothing of STL: Cleveland et al., "STL: a
 *    seasonal-trend decomposition procedure based on loess", J. Official Statistics 6, 1990, with a median for
 *    robustness). Without a daily season the baseline is the reference median.
 * 2. Both samples become residuals (value minus the baseline of its phase), so a recent window that covers the
 *    day's peak is not compared with a reference that covers whole days.
 * 3. Autocorrelation: consecutive points are not independent, and a KS test that counts each as one observation
 *    rejects far too often. The integrated autocorrelation time tau of the reference residuals (Geyer's initial
 *    positive sequence estimator: Geyer, "Practical Markov chain Monte Carlo", Statistical Science 7, 1992) turns
 *    each sample size n into n / tau, and the p-value is Kolmogorov's limiting distribution at those effective
 *    sizes with Stephens' correction (as `ksPValue`'s asymptotic branch).
 *
 * Pure: no I/O, no clock, inputs never mutated.
 */

import { InputError, ParameterError } from '../core/errors';
import { autocorrelationTime } from '../features/autocorrelation';
import { MIN_SEASONAL_ACF, autocorrelation, interpolateGaps } from '../features/seasonality';
import { kolmogorovSf, ksStatisticSorted } from './ksDrift';

const DAY_MS = 86_400_000;

/** Residuals kept as the drift reference (the last ones of the reference history), in points. */
export const DRIFT_REFERENCE_POINTS = 1000;
/** Present points of the recent window a job tests against its reference. */
export const DRIFT_RECENT_POINTS = 240;
/** Half width of the phase window each baseline value is the median over, in ms (a quarter of an hour). */
export const DRIFT_PHASE_HALF_WIDTH_MS = 15 * 60_000;
/** Significance level: drifting when the p-value is below it. */
export const DRIFT_ALPHA = 0.01;
/** Fewest present points either sample needs. */
export const DRIFT_MIN_POINTS = 20;

/** What a series' drift is judged against (JSON-safe: stored with the job's model). */
export interface DriftReference {
  version: 1;
  /** grid step of the series, ms */
  intervalMs: number;
  /** season length in points (a day), or 0 when the reference has no daily season */
  period: number;
  /** baseline per phase, phase = floor(t / intervalMs) mod period (one value when period is 0) */
  baseline: number[];
  /** the last `DRIFT_REFERENCE_POINTS` reference residuals (value minus baseline), ascending */
  residuals: number[];
  /** integrated autocorrelation time of the reference residuals (>= 1, in points) */
  tau: number;
}

/** A drift verdict. */
export interface DriftVerdict {
  drifting: boolean;
  /** two-sided p-value at the effective sample sizes */
  pValue: number;
  /** KS statistic D = sup |F_ref - F_recent| of the residuals, in [0, 1] */
  statistic: number;
  /** effective sizes of the reference and recent samples (points / tau) */
  effective: [number, number];
  /** season length used, in points (0: none) */
  period: number;
}

/** Phase of epoch-ms time `t` in a season of `period` points of `intervalMs`. */
function phaseOf(t: number, intervalMs: number, period: number): number {
  const k = Math.round(t / intervalMs) % period;
  return k < 0 ? k + period : k;
}

function median(a: Float64Array): number {
  const s = Float64Array.from(a).sort();
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/**
 * Learn a series' drift reference from its history (a job's first run): the daily baseline when the history repeats
 * daily, the residuals of its last `DRIFT_REFERENCE_POINTS` present points, and their autocorrelation time.
 *
 * @param timestamps epoch ms on the series' grid, ascending
 * @param values same length, NaN for gaps
 * @param intervalMs grid step, ms (> 0)
 * @throws InputError when the lengths differ or fewer than `DRIFT_MIN_POINTS` values are present;
 *   ParameterError for a bad interval
 */
export function learnDriftReference(
  timestamps: ArrayLike<number>,
  values: ArrayLike<number>,
  intervalMs: number
): DriftReference {
  if (!(intervalMs > 0) || !Number.isFinite(intervalMs))
    throw new ParameterError(`drift: intervalMs must be a positive number of ms, got ${intervalMs}`);
  if (timestamps.length !== values.length)
    throw new InputError(`drift: ${timestamps.length} timestamps for ${values.length} values`);
  const ts: number[] = [];
  const vs: number[] = [];
  for (let i = 0; i < values.length; i++) {
    if (Number.isFinite(values[i]) && Number.isFinite(timestamps[i])) {
      ts.push(timestamps[i]);
      vs.push(values[i]);
    }
  }
  if (vs.length < DRIFT_MIN_POINTS)
    throw new InputError(`drift: the reference needs ${DRIFT_MIN_POINTS} present values, got ${vs.length}`);
  const period = dailyPeriod(ts, vs, intervalMs);
  const baseline = period > 0 ? seasonalBaseline(ts, vs, intervalMs, period) : [median(Float64Array.from(vs))];
  const from = Math.max(0, vs.length - DRIFT_REFERENCE_POINTS);
  const ref = { version: 1 as const, intervalMs, period, baseline, residuals: [] as number[], tau: 1 };
  const res = adjust(ref, ts.slice(from), vs.slice(from));
  ref.tau = autocorrelationTime(res);
  ref.residuals = Array.from(res.sort());
  return ref;
}

/** The daily period in points when the history spans two days and repeats at that lag, else 0. */
function dailyPeriod(ts: number[], vs: number[], intervalMs: number): number {
  const per = DAY_MS / intervalMs;
  if (!Number.isInteger(per) || per < 4) return 0;
  const span = Math.round((ts[ts.length - 1] - ts[0]) / intervalMs) + 1;
  if (span < 2 * per) return 0;
  // on the grid, gaps as NaN, then the rule detectPeriods applies
  const grid = new Float64Array(span).fill(NaN);
  for (let i = 0; i < ts.length; i++) grid[Math.round((ts[i] - ts[0]) / intervalMs)] = vs[i];
  const y = interpolateGaps(grid);
  return y !== null && autocorrelation(y, per) >= MIN_SEASONAL_ACF ? per : 0;
}

/** Median per phase over a window of ±DRIFT_PHASE_HALF_WIDTH_MS pooled across cycles. */
function seasonalBaseline(ts: number[], vs: number[], intervalMs: number, period: number): number[] {
  const byPhase: number[][] = Array.from({ length: period }, () => []);
  for (let i = 0; i < ts.length; i++) byPhase[phaseOf(ts[i], intervalMs, period)].push(vs[i]);
  const h = Math.min(Math.floor(DRIFT_PHASE_HALF_WIDTH_MS / intervalMs), Math.floor((period - 1) / 2));
  const out = new Array<number>(period);
  const pool: number[] = [];
  for (let p = 0; p < period; p++) {
    pool.length = 0;
    for (let d = -h; d <= h; d++) for (const v of byPhase[(p + d + period) % period]) pool.push(v);
    out[p] = pool.length ? median(Float64Array.from(pool)) : NaN;
  }
  // a phase no cycle covered takes the nearest covered phase's baseline
  const fallback = median(Float64Array.from(vs));
  return out.map((v, p) => {
    if (Number.isFinite(v)) return v;
    for (let d = 1; d < period; d++) {
      const a = out[(p + d) % period];
      if (Number.isFinite(a)) return a;
      const b = out[(p - d + period) % period];
      if (Number.isFinite(b)) return b;
    }
    return fallback;
  });
}

/** Residuals (value minus the baseline of its phase) of present points, in time order. */
function adjust(ref: DriftReference, ts: ArrayLike<number>, vs: ArrayLike<number>): Float64Array {
  const out: number[] = [];
  for (let i = 0; i < vs.length; i++) {
    if (!Number.isFinite(vs[i])) continue;
    const b = ref.period > 0 ? ref.baseline[phaseOf(ts[i], ref.intervalMs, ref.period)] : ref.baseline[0];
    out.push(vs[i] - b);
  }
  return Float64Array.from(out);
}

/**
 * Seasonally adjusted values of a window: each present value minus the reference baseline of its phase.
 * @returns residuals in time order (gaps dropped)
 * @throws InputError when the lengths differ
 */
export function driftResiduals(ref: DriftReference, timestamps: ArrayLike<number>, values: ArrayLike<number>) {
  if (timestamps.length !== values.length)
    throw new InputError(`drift: ${timestamps.length} timestamps for ${values.length} values`);
  return adjust(ref, timestamps, values);
}

/**
 * Test a recent window against a drift reference (see the file header): KS statistic of the seasonally adjusted
 * values, p-value at the effective sample sizes n / tau. Drifting when p < `alpha`.
 *
 * @param ref from `learnDriftReference`
 * @param timestamps epoch ms of the recent window
 * @param values same length, NaN for gaps
 * @param alpha significance level in (0, 1), default 0.01
 * @throws InputError when the window has fewer than `DRIFT_MIN_POINTS` present values or the lengths differ;
 *   ParameterError for a bad alpha
 * @example driftTest(learnDriftReference(t0, v0, 300_000), t1, v1) // { drifting: false, pValue: 0.62, ... }
 */
export function driftTest(
  ref: DriftReference,
  timestamps: ArrayLike<number>,
  values: ArrayLike<number>,
  alpha = DRIFT_ALPHA
): DriftVerdict {
  if (!(alpha > 0 && alpha < 1)) throw new ParameterError(`drift: alpha must be in (0, 1), got ${alpha}`);
  const recent = driftResiduals(ref, timestamps, values);
  if (recent.length < DRIFT_MIN_POINTS)
    throw new InputError(`drift: the recent window needs ${DRIFT_MIN_POINTS} present values, got ${recent.length}`);
  const reference = Float64Array.from(ref.residuals);
  const statistic = ksStatisticSorted(reference, recent.sort());
  const tau = Math.max(1, ref.tau);
  const n1 = reference.length / tau;
  const n2 = recent.length / tau;
  const en = (n1 * n2) / (n1 + n2);
  const s = Math.sqrt(en);
  const pValue = statistic === 0 ? 1 : Math.min(1, Math.max(0, kolmogorovSf((s + 0.12 + 0.11 / s) * statistic)));
  return { drifting: pValue < alpha, pValue, statistic, effective: [n1, n2], period: ref.period };
}

/**
 * Accept a recent window as the new normal: the reference keeps the daily baseline it learnt (the season's shape) and
 * takes the window's seasonally adjusted values as its residuals, so later windows are judged against what the series
 * does now.
 *
 * @param timestamps epoch ms of the recent window
 * @param values same length, NaN for gaps
 * @returns a new reference (the argument is not mutated)
 * @throws InputError when the window has fewer than `DRIFT_MIN_POINTS` present values or the lengths differ
 */
export function rebaseDriftReference(
  ref: DriftReference,
  timestamps: ArrayLike<number>,
  values: ArrayLike<number>
): DriftReference {
  const res = driftResiduals(ref, timestamps, values);
  if (res.length < DRIFT_MIN_POINTS)
    throw new InputError(`drift: the new normal needs ${DRIFT_MIN_POINTS} present values, got ${res.length}`);
  const kept = res.subarray(Math.max(0, res.length - DRIFT_REFERENCE_POINTS));
  const tau = autocorrelationTime(kept);
  return { ...ref, baseline: [...ref.baseline], residuals: Array.from(Float64Array.from(kept).sort()), tau };
}
