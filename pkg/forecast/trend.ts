import { autocorrelationTime } from '../features/autocorrelation';
import type { Band } from './types';

/**
 * A ramp the AutoETS forecast misses: after a long flat history AutoETS often selects a model without trend, and its
 * forecast stays flat while the series climbs, so "time until the forecast crosses a threshold" never warns. When the
 * recent points carry a significant linear trend and the ETS forecast does not follow it, the forecast follows a
 * robust straight line instead (as Prometheus' `predict_linear` extrapolates, but robust to spikes):
 *
 * - the line: Theil-Sen slope (the median of pairwise slopes; Theil 1950, Sen 1968) and the median intercept, over the
 *   last `window` points;
 * - significance: the Mann-Kendall trend test (Mann 1945, Kendall 1975) with the variance of S inflated by the
 *   autocorrelation time of the detrended points (the effective-sample-size correction of Yue & Wang, "The
 *   Mann-Kendall test modified by effective sample size to detect trend in serially correlated hydrological series",
 *   Water Resources Management 18, 2004), |Z| above `Z_CRITICAL` (two-sided p < 0.01);
 * - materiality: the line explains at least `MIN_R2` of the window's variance, and ETS's own change over the horizon is
 *   under a quarter of the line's.
 *
 * The band keeps ETS's half-widths around the line. Pure; inputs are not mutated.
 */

/** z of a two-sided p-value of 0.01. */
export const Z_CRITICAL = 2.576;
/** Share of the window's variance the line must explain. */
export const MIN_R2 = 0.2;

/** Points the trend is fitted on: the horizon's length, at least 30, at most 240 (and what the series has). */
export function trendWindow(present: number, horizon: number): number {
  return Math.min(present, Math.max(30, Math.min(240, horizon)));
}

function median(a: Float64Array): number {
  const s = Float64Array.from(a).sort();
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** A robust line through points (x, y): Theil-Sen slope and median intercept. O(n²) for n points. */
export function theilSen(x: Float64Array, y: Float64Array): { slope: number; intercept: number } {
  const n = x.length;
  const slopes = new Float64Array((n * (n - 1)) / 2);
  let k = 0;
  for (let i = 0; i < n; i++)
    for (let j = i + 1; j < n; j++) if (x[j] !== x[i]) slopes[k++] = (y[j] - y[i]) / (x[j] - x[i]);
  const slope = k ? median(slopes.subarray(0, k)) : 0;
  const intercept = median(y.map((v, i) => v - slope * x[i]));
  return { slope, intercept };
}

/**
 * Mann-Kendall Z of points in time order, the variance of S corrected for ties and multiplied by `tau` (the
 * autocorrelation time, >= 1). O(n²).
 */
export function mannKendallZ(y: Float64Array, tau = 1): number {
  const n = y.length;
  let s = 0;
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) s += Math.sign(y[j] - y[i]);
  const counts = new Map<number, number>();
  for (const v of y) counts.set(v, (counts.get(v) ?? 0) + 1);
  let ties = 0;
  for (const t of counts.values()) if (t > 1) ties += t * (t - 1) * (2 * t + 5);
  const variance = ((n * (n - 1) * (2 * n + 5) - ties) / 18) * Math.max(1, tau);
  if (!(variance > 0) || s === 0) return 0;
  return (s - Math.sign(s)) / Math.sqrt(variance);
}

/**
 * The forecast with the recent trend when ETS missed it (see the file header), or null when the ETS forecast stands.
 *
 * @param history the regular series the forecast was fitted on, NaN gaps, in time order
 * @param ets ETS's forecast of the next `ets.mean.length` points
 * @returns a new band following the line, or null
 */
export function trendFallback(history: Float64Array, ets: Band): Band | null {
  const horizon = ets.mean.length;
  const xs: number[] = [];
  const ys: number[] = [];
  for (let i = 0; i < history.length; i++) {
    if (Number.isFinite(history[i])) {
      xs.push(i);
      ys.push(history[i]);
    }
  }
  const w = trendWindow(ys.length, horizon);
  if (w < 30 || horizon < 1) return null;
  const x = Float64Array.from(xs.slice(-w));
  const y = Float64Array.from(ys.slice(-w));
  const { slope, intercept } = theilSen(x, y);
  if (slope === 0) return null;
  const resid = y.map((v, i) => v - (intercept + slope * x[i]));
  let mean = 0;
  for (const v of y) mean += v;
  mean /= w;
  let total = 0;
  let left = 0;
  for (let i = 0; i < w; i++) {
    total += (y[i] - mean) ** 2;
    left += resid[i] ** 2;
  }
  if (!(total > 0) || 1 - left / total < MIN_R2) return null;
  if (Math.abs(mannKendallZ(y, autocorrelationTime(resid))) < Z_CRITICAL) return null;
  const lineChange = Math.abs(slope) * horizon;
  const etsChange = Math.abs(ets.mean[horizon - 1] - ets.mean[0]);
  if (etsChange >= lineChange / 4) return null;
  const last = history.length - 1;
  const out: Band = {
    mean: new Float64Array(horizon),
    lower: new Float64Array(horizon),
    upper: new Float64Array(horizon),
  };
  for (let k = 0; k < horizon; k++) {
    const m = intercept + slope * (last + k + 1);
    out.mean[k] = m;
    out.lower[k] = m - (ets.mean[k] - ets.lower[k]);
    out.upper[k] = m + (ets.upper[k] - ets.mean[k]);
  }
  return out;
}
