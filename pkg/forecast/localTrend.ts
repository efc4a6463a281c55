import { median } from 'simple-statistics';
import type { Band } from './types';

/** A monotonic trend fitted on the last points of a series. */
export interface LocalTrend {
  /** Theil-Sen slope, value units per point */
  slope: number;
  /** the fitted line's value at the window's last point */
  level: number;
  /** Mann-Kendall normal score of the window (positive: rising), tie-corrected */
  z: number;
  /** present points in the window */
  n: number;
}

/** Mann-Kendall score from which a window's trend counts as real (two-sided p ~ 0.003). */
export const TREND_Z = 3;

/** How many robust standard deviations of the history's own changes over a window the trend's change must exceed. */
export const CHANGE_Z = 4;

/**
 * Robust spread (1.4826 x MAD) of the changes over `window` points, y[t] - y[t - window], of `values` before `end`
 * (the series' usual wandering over that span: large for an autocorrelated series). NaN with fewer than 30 changes.
 */
export function windowChangeSpread(values: Float64Array, window: number, end: number): number {
  const d: number[] = [];
  for (let t = window; t < end; t++) {
    const c = values[t] - values[t - window];
    if (Number.isFinite(c)) d.push(c);
  }
  if (d.length < 30) return NaN;
  const m = median(d);
  return 1.4826 * median(d.map((c) => Math.abs(c - m)));
}

/**
 * The trend of the last `window` points of `values`: Theil-Sen slope (the median of the pairwise slopes; Theil 1950,
 * Sen 1968) and the Mann-Kendall trend test's normal score (Mann 1945; Kendall 1975), with the variance corrected for
 * tied values (quantised data such as histogram quantiles). Missing values (NaN) are skipped. O(w² log w) for a
 * window of w points.
 *
 * @param values one value per grid point, NaN = missing
 * @param window points at the end of `values` (integer >= 3)
 * @returns null when fewer than 3 values of the window are present
 * @example localTrend(Float64Array.from([1, 2, 3, 4, 5]), 5) // { slope: 1, level: 5, z: 2.2, n: 5 }
 */
export function localTrend(values: Float64Array, window: number): LocalTrend | null {
  const start = Math.max(0, values.length - window);
  const xs: number[] = [];
  const ys: number[] = [];
  for (let i = start; i < values.length; i++) {
    if (Number.isFinite(values[i])) {
      xs.push(i - start);
      ys.push(values[i]);
    }
  }
  const n = ys.length;
  if (n < 3) return null;
  const slopes = new Array<number>((n * (n - 1)) / 2);
  let s = 0;
  let k = 0;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const d = ys[j] - ys[i];
      s += d > 0 ? 1 : d < 0 ? -1 : 0;
      slopes[k++] = d / (xs[j] - xs[i]);
    }
  }
  const slope = median(slopes);
  const offsets = ys.map((y, i) => y - slope * xs[i]);
  const level = median(offsets) + slope * (Math.min(window, values.length) - 1);
  // Var(S) = [n(n-1)(2n+5) - sum over tie groups t(t-1)(2t+5)] / 18
  const sorted = Float64Array.from(ys).sort();
  let ties = 0;
  for (let i = 0; i < n;) {
    let j = i + 1;
    while (j < n && sorted[j] === sorted[i]) j++;
    const t = j - i;
    ties += t * (t - 1) * (2 * t + 5);
    i = j;
  }
  const variance = (n * (n - 1) * (2 * n + 5) - ties) / 18;
  const z = variance > 0 ? (s - Math.sign(s)) / Math.sqrt(variance) : 0;
  return { slope, level, z, n };
}

/**
 * A forecast that follows a recent trend the model missed. Exponential smoothing fitted on a long history keeps its
 * trend near zero while a ramp is young (a latency creeping up for the last 20 minutes of a day); an early warning
 * needs that ramp extrapolated. When the last `window` points (default a quarter of the horizon, at least 10) hold a
 * significant monotonic trend (Mann-Kendall |z| >= `TREND_Z`) whose change over the window is beyond what the series
 * does on its own over such a span (`CHANGE_Z` robust deviations of its earlier window changes, which keeps an
 * autocorrelated series' wandering from passing as a trend), and the model's forecast moves less than the trend over
 * the horizon, the trend line is extended instead (Theil-Sen), with the model's band width around it.
 *
 * @param values history, one value per grid point, NaN = missing
 * @param model the model's forecast of the next `model.mean.length` points
 * @returns the trend's band, or null when the model's forecast stands
 * @example followLocalTrend(history, etsForecast(history, 60, 0.95)) ?? the ETS band
 */
export function followLocalTrend(
  values: Float64Array,
  model: Band,
  window = Math.max(10, Math.round(model.mean.length / 4))
): Band | null {
  const horizon = model.mean.length;
  const trend = localTrend(values, window);
  if (!trend || Math.abs(trend.z) < TREND_Z || trend.slope === 0 || Math.sign(trend.slope) !== Math.sign(trend.z)) {
    return null;
  }
  // a change the series makes on its own over such a span is no trend (autocorrelated series wander)
  const spread = windowChangeSpread(values, window, values.length - window);
  if (!(Math.abs(trend.slope * (window - 1)) >= CHANGE_Z * spread)) return null;
  const modelMove = model.mean[horizon - 1] - model.mean[0];
  const trendMove = trend.slope * (horizon - 1);
  if (Math.sign(modelMove) === Math.sign(trendMove) && Math.abs(modelMove) >= Math.abs(trendMove)) return null;
  const mean = new Float64Array(horizon);
  const lower = new Float64Array(horizon);
  const upper = new Float64Array(horizon);
  for (let k = 0; k < horizon; k++) {
    const m = trend.level + trend.slope * (k + 1);
    mean[k] = m;
    lower[k] = m - (model.mean[k] - model.lower[k]);
    upper[k] = m + (model.upper[k] - model.mean[k]);
  }
  return { mean, lower, upper };
}
