import { loadAugurs } from '../core/augurs';

/**
 * Seasonality of a regular series: its periods, its autocorrelation, gap interpolation. Shared by the seasonal
 * detector, the ensemble (which detects periods once for its members) and the forecasts.
 */

/**
 * Detect seasonal periods (in points) with augurs' periodogram detector, plus the daily and weekly periods when
 * `intervalMs` is given; keep at most `max` periods (shortest first) that the series covers at least twice and
 * whose autocorrelation reaches 0.3. Gaps are interpolated first. Returns [] for short or flat series.
 */
export function detectPeriods(values: Float64Array, max: number, intervalMs?: number): number[] {
  const y = interpolateGaps(values);
  if (y === null || y.length < 16) return [];
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of y) {
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  if (hi - lo === 0) return [];
  const { seasonalities } = loadAugurs('seasons');
  const found = new Set(
    Array.from(seasonalities(y, { minPeriod: 4, maxPeriod: Math.floor(y.length / 2), threshold: undefined }))
  );
  // operational data follows the clock: always consider the daily and weekly periods as well
  if (intervalMs && intervalMs > 0) {
    for (const span of [86_400_000, 7 * 86_400_000]) {
      const per = span / intervalMs;
      if (Number.isInteger(per) && per >= 2) found.add(per);
    }
  }
  // the periodogram also finds periods in noise: keep a period only when the series repeats at that lag
  return [...found]
    .filter((per) => y.length >= 2 * per && autocorrelation(y, per) >= MIN_SEASONAL_ACF)
    .sort((a, b) => a - b)
    .slice(0, max);
}

/** Autocorrelation a period must reach for the series to count as seasonal at that period. */
export const MIN_SEASONAL_ACF = 0.3;

/** Sample autocorrelation of `y` at `lag` (Box & Jenkins' estimator). O(n). */
export function autocorrelation(y: Float64Array, lag: number): number {
  const n = y.length;
  if (lag <= 0 || lag >= n) return NaN;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += y[i];
  mean /= n;
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i++) {
    const d = y[i] - mean;
    den += d * d;
    if (i + lag < n) num += d * (y[i + lag] - mean);
  }
  return den === 0 ? 0 : num / den;
}

/**
 * Linear interpolation over NaN runs (edges take the nearest present value). Returns a new array, or null
 * when no value is present. O(n).
 */
export function interpolateGaps(values: Float64Array): Float64Array | null {
  const n = values.length;
  const y = Float64Array.from(values);
  let prev = -1;
  for (let i = 0; i < n; i++) {
    if (Number.isNaN(y[i])) continue;
    if (prev === -1) y.fill(y[i], 0, i);
    else if (i - prev > 1) {
      for (let j = prev + 1; j < i; j++) y[j] = y[prev] + ((y[i] - y[prev]) * (j - prev)) / (i - prev);
    }
    prev = i;
  }
  if (prev === -1) return null;
  y.fill(y[prev], prev + 1);
  return y;
}
