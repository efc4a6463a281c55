/**
 * Running mean and variance of a stream (Welford 1962, "Note on a method for calculating corrected sums of
 * squares and products", Technometrics 4(3)), as plain JSON state. O(1) per value.
 */
export interface RunningMoments {
  count: number;
  mean: number;
  m2: number;
}

export function createMoments(): RunningMoments {
  return { count: 0, mean: 0, m2: 0 };
}

/** Add a finite value. */
export function addMoment(m: RunningMoments, x: number): void {
  m.count++;
  const d = x - m.mean;
  m.mean += d / m.count;
  m.m2 += d * (x - m.mean);
}

/** Largest standardised score reported: the first change of a constant stream is this, not Infinity. */
export const MAX_STANDARD_SCORE = 1000;

/**
 * How many population standard deviations `x` lies above the running mean, floored at 0 and capped at
 * `MAX_STANDARD_SCORE`; NaN until `minCount` values were added. With a zero deviation, a value above the mean
 * scores the cap and any other 0.
 */
export function standardScore(m: RunningMoments, x: number, minCount: number): number {
  if (m.count < minCount || Number.isNaN(x)) return NaN;
  const sd = Math.sqrt(m.m2 / m.count);
  if (sd > 0) return Math.max(0, Math.min(MAX_STANDARD_SCORE, (x - m.mean) / sd));
  return x > m.mean ? MAX_STANDARD_SCORE : 0;
}
