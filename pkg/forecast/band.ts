import type { Band } from './types';

/**
 * Distance of `x` from the band's mean in band half-widths, on the side `x` falls: 0 at the mean, 1 on the
 * band edge, 2 one half-width outside it. NaN when `x` or the band is not finite. A side narrower than `floor`
 * (value units, > 0) uses `floor` as its half-width, so a flat band never divides by zero.
 */
export function bandScore(x: number, mean: number, lower: number, upper: number, floor: number): number {
  if (!Number.isFinite(x) || !Number.isFinite(mean) || !Number.isFinite(lower) || !Number.isFinite(upper)) return NaN;
  const half = x >= mean ? upper - mean : mean - lower;
  return Math.abs(x - mean) / Math.max(half, floor);
}

/** Allocate a band of length n filled with NaN. */
export function emptyBand(n: number): Band {
  return {
    mean: new Float64Array(n).fill(NaN),
    lower: new Float64Array(n).fill(NaN),
    upper: new Float64Array(n).fill(NaN),
  };
}
