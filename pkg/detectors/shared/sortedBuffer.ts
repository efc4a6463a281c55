/**
 * A sorted multiset of at most `capacity` values as JSON-serialisable state: the trailing window of the rolling
 * detectors. Insert and remove are O(log n) comparisons plus O(n) element moves (n <= capacity, a few dozen to a
 * few hundred points), quantiles O(1), MAD O(n).
 */
export interface SortedBuffer {
  buf: Float64Array;
  size: number;
}

export function createSortedBuffer(capacity: number): SortedBuffer {
  return { buf: new Float64Array(Math.max(1, capacity)), size: 0 };
}

/** First index in [lo, hi) (default the whole buffer) whose value is >= v; hi when there is none. */
export function lowerBound(s: SortedBuffer, v: number, lo = 0, hi = s.size): number {
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (s.buf[mid] < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Insert v (the buffer must not be full). */
export function insertSorted(s: SortedBuffer, v: number): void {
  const i = lowerBound(s, v);
  const buf = s.buf;
  // a plain loop for short shifts: it beats copyWithin's call into the runtime below a few dozen values
  if (s.size - i > 64) buf.copyWithin(i + 1, i, s.size);
  else for (let j = s.size; j > i; j--) buf[j] = buf[j - 1];
  buf[i] = v;
  s.size++;
}

/** Remove one copy of v when present. */
export function removeSorted(s: SortedBuffer, v: number): void {
  const i = lowerBound(s, v);
  if (i < s.size && s.buf[i] === v) {
    const buf = s.buf;
    const n = --s.size;
    if (n - i > 64) buf.copyWithin(i, i + 1, n + 1);
    else for (let j = i; j < n; j++) buf[j] = buf[j + 1];
  }
}

/**
 * Replace one copy of `old` by `v` (a trailing window's step: the oldest value leaves, the newest comes): the same
 * buffer as `removeSorted(s, old)` then `insertSorted(s, v)`, moving only the values between the two positions
 * instead of the tails after both. `old` NaN, or not present: `v` is inserted (the buffer must then not be full).
 * O(log n) comparisons plus |moves| element moves.
 *
 * @example buffer [1, 3, 5, 7], replaceSorted(s, 1, 6) -> [3, 5, 6, 7]
 */
export function replaceSorted(s: SortedBuffer, old: number, v: number): void {
  const i = old === old ? lowerBound(s, old) : s.size;
  const buf = s.buf;
  if (i >= s.size || buf[i] !== old) {
    insertSorted(s, v);
    return;
  }
  if (v >= old) {
    // the first value after i that is >= v: v goes just before it once the values between move down
    const k = lowerBound(s, v, i + 1);
    for (let j = i; j < k - 1; j++) buf[j] = buf[j + 1];
    buf[k - 1] = v;
  } else {
    // the first value before i that is >= v: the values from there to i move up
    const k = lowerBound(s, v, 0, i);
    for (let j = i; j > k; j--) buf[j] = buf[j - 1];
    buf[k] = v;
  }
}

/** Quantile by linear interpolation between order statistics (type 7, as R and numpy default); NaN when empty. */
export function sortedQuantile(s: SortedBuffer, q: number): number {
  if (s.size === 0) return NaN;
  const h = (s.size - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(s.size - 1, lo + 1);
  return s.buf[lo] + (h - lo) * (s.buf[hi] - s.buf[lo]);
}

/** Median absolute deviation from `center`, by merging both sides of the sorted buffer. O(n). */
export function sortedMad(s: SortedBuffer, center: number): number {
  const n = s.size;
  if (n === 0) return NaN;
  const buf = s.buf;
  let left = lowerBound(s, center) - 1;
  let right = left + 1;
  const k1 = Math.floor((n - 1) / 2);
  const k2 = Math.floor(n / 2);
  let a = NaN;
  for (let k = 0; k <= k2; k++) {
    let d: number;
    if (left < 0) d = buf[right++] - center;
    else if (right >= n) d = center - buf[left--];
    else if (center - buf[left] <= buf[right] - center) d = center - buf[left--];
    else d = buf[right++] - center;
    if (k === k1) a = d;
    if (k === k2) return (a + d) / 2;
  }
  return a;
}

/**
 * Median absolute deviation about the high median, without averaging: the centre is the high median
 * m = x₍⌊n/2⌋₎ (0-based order statistic; the upper of the two middle values when n is even) and the result is the
 * (⌊n/2⌋ + 1)-th smallest |x - m|, the high median of the deviations. For odd n it is the usual MAD; for even n both
 * steps take an observed value instead of averaging two (R's `mad(x, high = TRUE)` takes the high median of the
 * deviations the same way), so the spread of integer-valued data stays on the data's own quantum. NaN when empty.
 * O(n) by walking outwards from the centre over both sides of the sorted buffer.
 *
 * @example buffer [1, 2, 4, 8] -> centre 4, deviations 0, 2, 3, 4 -> 3
 */
export function sortedHighMad(s: SortedBuffer): number {
  const n = s.size;
  if (n === 0) return NaN;
  const buf = s.buf;
  const k = n >> 1;
  const center = buf[k];
  let left = k - 1;
  let right = k;
  let d = 0;
  for (let j = 0; j <= k; j++) {
    if (left >= 0 && (right >= n || center - buf[left] <= buf[right] - center)) d = center - buf[left--];
    else d = buf[right++] - center;
  }
  return d;
}
