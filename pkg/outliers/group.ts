import { InputError, ParameterError } from '../core/errors';

/**
 * What a peer-group method says about each series at each time, before the minimum duration is applied.
 *
 * - `deviation[s][i]`: how far series `s` lies from the group's normal behaviour at point `i`, in units of the
 *   normal band's half-width: 0 at the group's centre, 1 at the band's edge, above 1 outside it (the point is
 *   outlying); NaN where the series has no value or the group fewer than 3 values at that point.
 * - `median`, `lower`, `upper`: the group's normal band at each point (NaN where the group was not judged).
 */
export interface PeerJudgement {
  deviation: Float64Array[];
  median: Float64Array;
  lower: Float64Array;
  upper: Float64Array;
}

/** Fewest finite values at one time for the group to be judged there (Grafana's outlier detection asks 3 series). */
export const MIN_PEERS = 3;

/** 1.4826 · MAD estimates the standard deviation of normal data; 1.2533 · mean absolute deviation does too. */
export const MAD_TO_SD = 1.4826;
export const MEAN_AD_TO_SD = 1.2533;

/**
 * The band's half-width in robust standard deviations for a sensitivity: 3.5 at the default 0.5 (Iglewicz and
 * Hoaglin's cut-off for modified z-scores), 5.5 at 0 (flags only gross outliers), 1.5 at 1 (flags more).
 */
export function sensitivityToK(sensitivity: number): number {
  return 1.5 + 4 * (1 - sensitivity);
}

/**
 * Check a peer group: at least 3 series of the same length, and a sensitivity in [0, 1].
 * @throws InputError when there are fewer than 3 series or their lengths differ
 * @throws ParameterError when the sensitivity is not a number in [0, 1]
 */
export function checkGroup(values: readonly Float64Array[], sensitivity: number): number {
  if (values.length < MIN_PEERS) {
    throw new InputError(`peer outliers need a group of at least ${MIN_PEERS} series to compare, got ${values.length}`);
  }
  const n = values[0].length;
  values.forEach((v, s) => {
    if (v.length !== n) {
      throw new InputError(
        `peer outliers: series ${s} has ${v.length} points but series 0 has ${n} (one grid for all)`
      );
    }
  });
  if (!(sensitivity >= 0 && sensitivity <= 1)) {
    throw new ParameterError(`peer outliers: sensitivity must be a number from 0 to 1, got ${sensitivity}`);
  }
  return n;
}

/** A judgement with every point unjudged (NaN), for `series` series of `n` points. */
export function emptyJudgement(series: number, n: number): PeerJudgement {
  const nan = () => new Float64Array(n).fill(NaN);
  return { deviation: Array.from({ length: series }, nan), median: nan(), lower: nan(), upper: nan() };
}

/**
 * The finite values of every series at point `i`, sorted by value, written into `vals` (with their series in `who`).
 * O(n log n) for n series.
 * @returns how many there are
 */
export function sortedAt(values: readonly Float64Array[], i: number, vals: Float64Array, who: Int32Array): number {
  let m = 0;
  for (let s = 0; s < values.length; s++) if (Number.isFinite(values[s][i])) who[m++] = s;
  const idx = who.subarray(0, m).sort((a, b) => values[a][i] - values[b][i]);
  for (let k = 0; k < m; k++) vals[k] = values[idx[k]][i];
  return m;
}

/** Median of the sorted `v[from..to)` (`to > from`). */
export function sortedMedian(v: ArrayLike<number>, from: number, to: number): number {
  const n = to - from;
  const h = from + (n >> 1);
  return n % 2 ? v[h] : (v[h - 1] + v[h]) / 2;
}

/**
 * The group's centre at each time and its spread around it over the whole range: the median of the series at each
 * time (NaN where fewer than 3 have a value), and the robust standard deviation of every value's residual from its
 * time's median, pooled over all series and times, on each side (below and above the median) and both together:
 * 1.4826 · MAD, or 1.2533 · mean absolute deviation when more than half the residuals are 0, 0 when all are.
 * Pooling over time keeps the spread of a small group steady (ten values at one time give a noisy MAD) while the
 * per-time median follows a group that moves together.
 */
export function groupScale(
  values: readonly Float64Array[],
  n: number
): { median: Float64Array; sdLow: number; sdHigh: number; sd: number } {
  const median = new Float64Array(n).fill(NaN);
  const vals = new Float64Array(values.length);
  const who = new Int32Array(values.length);
  const low: number[] = [];
  const high: number[] = [];
  for (let i = 0; i < n; i++) {
    const m = sortedAt(values, i, vals, who);
    if (m < MIN_PEERS) continue;
    const med = (median[i] = sortedMedian(vals, 0, m));
    for (let j = 0; j < m; j++) {
      const r = vals[j] - med;
      if (r <= 0) low.push(-r);
      if (r >= 0) high.push(r);
    }
  }
  const both = Float64Array.from([...low, ...high]);
  return {
    median,
    sdLow: robustSd(Float64Array.from(low)),
    sdHigh: robustSd(Float64Array.from(high)),
    sd: robustSd(both),
  };
}

/** 1.4826 · the median of `abs` (absolute residuals), else 1.2533 · their mean, else 0. Sorts `abs` in place. */
function robustSd(abs: Float64Array): number {
  if (abs.length === 0) return 0;
  abs.sort();
  const mad = sortedMedian(abs, 0, abs.length);
  if (mad > 0) return MAD_TO_SD * mad;
  let sum = 0;
  for (const x of abs) sum += x;
  return (MEAN_AD_TO_SD * sum) / abs.length;
}
