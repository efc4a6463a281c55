import { interpolateGaps } from './seasonality';

/**
 * Integrated autocorrelation time tau = 1 + 2 * sum of autocorrelations, summed by Geyer's initial positive sequence
 * (Geyer, "Practical Markov chain Monte Carlo", Statistical Science 7, 1992): pairs rho(2m) + rho(2m+1) while they
 * stay positive, at most n / 4 lags. n / tau is the effective sample size of n autocorrelated points. Gaps (NaN) are
 * interpolated. O(n · lags).
 *
 * @param values a series in time order
 * @returns tau >= 1, in points (1 for white noise, a constant or fewer than 4 values)
 * @example autocorrelationTime(ar1Series) // about (1 + phi) / (1 - phi)
 */
export function autocorrelationTime(values: Float64Array): number {
  const y = interpolateGaps(values);
  if (y === null || y.length < 4) return 1;
  const n = y.length;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += y[i];
  mean /= n;
  let c0 = 0;
  for (let i = 0; i < n; i++) c0 += (y[i] - mean) ** 2;
  if (!(c0 > 0)) return 1;
  const rho = (k: number) => {
    let s = 0;
    for (let i = 0; i + k < n; i++) s += (y[i] - mean) * (y[i + k] - mean);
    return s / c0;
  };
  let sum = 0; // sum of pairs Gamma_m = rho(2m) + rho(2m+1)
  const maxLag = Math.floor(n / 4);
  for (let m = 0; 2 * m + 1 <= maxLag; m++) {
    const g = (m === 0 ? 1 : rho(2 * m)) + rho(2 * m + 1);
    if (!(g > 0)) break;
    sum += g;
  }
  return Math.max(1, 2 * sum - 1);
}
