import type { BreachDirection } from '../contract/rules';

/** A level watched on a forecast. */
export interface Threshold {
  value: number;
  direction?: BreachDirection;
}

/** When a forecast first crosses a threshold. */
export interface Breach {
  threshold: number;
  direction: BreachDirection;
  /** epoch ms of the first forecast point beyond the threshold, null when none is within the horizon */
  at: number | null;
  /** seconds from `issuedAt` to `at` (0 when the first point is already beyond), null when no breach */
  seconds: number | null;
}

/**
 * Judge a forecast against thresholds: for each, the first forecast point whose mean lies beyond it (above it for
 * `above`, the default; below it for `below`; a point equal to the threshold is not beyond) and how long after
 * `issuedAt` that is. Points with a null/NaN mean are skipped. O(points · thresholds). Pure.
 *
 * @param issuedAt epoch ms the forecast was made at (the last scored point)
 * @param points forecast points in time order, epoch ms, in the series' units
 * @returns one `Breach` per threshold, in the thresholds' order
 * @example forecastBreaches(0, [{ t: 60000, mean: 5 }, { t: 120000, mean: 12 }], [{ value: 10 }])
 *   // [{ threshold: 10, direction: 'above', at: 120000, seconds: 120 }]
 */
export function forecastBreaches(
  issuedAt: number,
  points: readonly { t: number; mean: number | null }[],
  thresholds: readonly Threshold[]
): Breach[] {
  return thresholds.map(({ value, direction = 'above' }) => {
    for (const p of points) {
      if (p.mean === null || Number.isNaN(p.mean)) continue;
      if (direction === 'above' ? p.mean > value : p.mean < value) {
        return { threshold: value, direction, at: p.t, seconds: Math.max(0, (p.t - issuedAt) / 1000) };
      }
    }
    return { threshold: value, direction, at: null, seconds: null };
  });
}

/** The time a stored forecast was made: one step before its first point (null with fewer than two points). */
export function forecastIssuedAt(points: readonly { t: number }[]): number | null {
  if (points.length < 2) return null;
  return points[0].t - (points[1].t - points[0].t);
}
