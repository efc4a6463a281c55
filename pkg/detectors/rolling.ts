import { ParameterError } from '../core/errors';

/**
 * Trailing-window statistics shared by the statistical detectors. The window for point i holds the present
 * (non-NaN) values among the `window` points before i — never point i itself, so a point is judged against
 * its history only (causal).
 */

/** A sorted multiset of the values in the trailing window, updated in O(window) per step. */
export class SortedWindow {
  private readonly buf: Float64Array;
  private n = 0;
  constructor(capacity: number) {
    this.buf = new Float64Array(Math.max(1, capacity));
  }
  get size(): number {
    return this.n;
  }
  insert(v: number): void {
    const lo = this.lowerBound(v);
    this.buf.copyWithin(lo + 1, lo, this.n);
    this.buf[lo] = v;
    this.n++;
  }
  remove(v: number): void {
    const lo = this.lowerBound(v);
    if (lo < this.n && this.buf[lo] === v) {
      this.buf.copyWithin(lo, lo + 1, this.n);
      this.n--;
    }
  }
  /** Distance from v to the nearest stored value (Infinity when empty), O(log size). */
  nearestDistance(v: number): number {
    const i = this.lowerBound(v);
    const above = i < this.n ? this.buf[i] - v : Infinity;
    const below = i > 0 ? v - this.buf[i - 1] : Infinity;
    return Math.min(above, below);
  }
  /** First index whose value is >= v (binary search over the sorted buffer). */
  private lowerBound(v: number): number {
    let lo = 0;
    let hi = this.n;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.buf[mid] < v) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Quantile by linear interpolation between order statistics (type 7, as R and numpy default). */
  quantile(q: number): number {
    if (this.n === 0) return NaN;
    const h = (this.n - 1) * q;
    const lo = Math.floor(h);
    const hi = Math.min(this.n - 1, lo + 1);
    return this.buf[lo] + (h - lo) * (this.buf[hi] - this.buf[lo]);
  }
  /** Median absolute deviation from `center`, O(size) by merging both sides of the sorted buffer. */
  mad(center: number): number {
    const n = this.n;
    if (n === 0) return NaN;
    // split point: first index with value >= center
    const split = this.lowerBound(center);
    let left = split - 1;
    let right = split;
    const k1 = Math.floor((n - 1) / 2);
    const k2 = Math.floor(n / 2);
    let a = NaN;
    for (let k = 0; k <= k2; k++) {
      let d: number;
      if (left < 0) d = this.buf[right++] - center;
      else if (right >= n) d = center - this.buf[left--];
      else if (center - this.buf[left] <= this.buf[right] - center) d = center - this.buf[left--];
      else d = this.buf[right++] - center;
      if (k === k1) a = d;
      if (k === k2) return (a + d) / 2;
    }
    return a;
  }
}

/**
 * Walk a series calling `visit(i, window)` with the trailing window of point i (present values among the
 * `window` points before i). O(n * window) overall.
 */
export function forEachTrailingWindow(
  values: Float64Array,
  window: number,
  visit: (i: number, w: SortedWindow) => void
): void {
  const w = new SortedWindow(window);
  for (let i = 0; i < values.length; i++) {
    if (i - window - 1 >= 0) {
      const old = values[i - window - 1];
      if (!Number.isNaN(old)) w.remove(old);
    }
    if (i >= 1) {
      const prev = values[i - 1];
      if (!Number.isNaN(prev)) w.insert(prev);
    }
    visit(i, w);
  }
}

/** Median of the present values (NaN when none). O(n log n). Does not mutate. */
export function medianOf(values: ArrayLike<number>): number {
  const xs: number[] = [];
  for (let i = 0; i < values.length; i++) if (!Number.isNaN(values[i])) xs.push(values[i]);
  if (xs.length === 0) return NaN;
  xs.sort((a, b) => a - b);
  const m = xs.length >> 1;
  return xs.length % 2 ? xs[m] : (xs[m - 1] + xs[m]) / 2;
}

/**
 * A positive floor for a detector's scale, learned from training data so a flat stretch does not divide by
 * zero: 1% of the median absolute step between consecutive present values, or a tiny fraction of the level,
 * or 1e-9.
 */
export function scaleFloor(values: Float64Array): number {
  const steps: number[] = [];
  let prev = NaN;
  let absSum = 0;
  let n = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (Number.isNaN(v)) continue;
    if (!Number.isNaN(prev)) steps.push(Math.abs(v - prev));
    prev = v;
    absSum += Math.abs(v);
    n++;
  }
  const stepMedian = medianOf(steps);
  const level = n ? absSum / n : 0;
  return Math.max(1e-9, Number.isNaN(stepMedian) ? 0 : 0.01 * stepMedian, 1e-6 * level);
}

/**
 * Validate a numeric parameter.
 * @throws ParameterError `<detector>: <name> must be ... , got <value>`
 */
export function checkParam(detector: string, name: string, value: unknown, min: number, integer = false): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || (integer && !Number.isInteger(value))) {
    throw new ParameterError(
      `${detector}: ${name} must be ${integer ? 'an integer' : 'a number'} >= ${min}, got ${JSON.stringify(value)}`
    );
  }
  return value;
}
