/**
 * A compact history of a stream's values for nearest-neighbour novelty: at most `capacity` disjoint value ranges
 * [lo, hi], sorted, each with how many values fell in it and the index of the newest. A value inside a range joins
 * it; a value within the join radius of a range extends it (merging with its neighbour when the gap closes);
 * anything else starts a new range. When there are more than `capacity` ranges, the join radius becomes the larger
 * of twice itself and the smallest gap, and every gap up to it is closed. Ranges not seen for `history` points
 * expire (checked every 256 points), and the radius halves when few ranges remain, so resolution recovers after the
 * series leaves a wide range.
 *
 * The distance from a value to the history is exact to within the join radius (0 inside a range); with 256 ranges
 * it gives the same NAB scores as the exact 10,000-value history. Insertion O(log capacity) amortised (O(capacity)
 * when a range is created or the history coarsens), memory O(capacity).
 *
 * Method: a streaming clustering of a one-dimensional sample with a doubling merge radius, in the manner of the
 * incremental clustering of Charikar, Chekuri, Feder & Motwani ("Incremental clustering and dynamic information
 * retrieval", STOC 1997), kept as sorted ranges for binary search.
 */
export interface IntervalHistory {
  capacity: number;
  /** values older than this many points are forgotten */
  history: number;
  lo: Float64Array;
  hi: Float64Array;
  count: Float64Array;
  last: Float64Array;
  /** ranges in use */
  n: number;
  /** values in the ranges */
  total: number;
  /** join radius (value units) */
  radius: number;
}

export function createIntervalHistory(history: number, capacity = 256): IntervalHistory {
  return {
    capacity,
    history,
    lo: new Float64Array(capacity + 1),
    hi: new Float64Array(capacity + 1),
    count: new Float64Array(capacity + 1),
    last: new Float64Array(capacity + 1),
    n: 0,
    total: 0,
    radius: 0,
  };
}

/** Index of the first range whose low end is above x. */
function upper(h: IntervalHistory, x: number): number {
  let a = 0;
  let b = h.n;
  while (a < b) {
    const m = (a + b) >> 1;
    if (h.lo[m] <= x) a = m + 1;
    else b = m;
  }
  return a;
}

/** Distance from x to the nearest value of the history (0 inside a range); Infinity when empty. O(log n). */
export function historyDistance(h: IntervalHistory, x: number): number {
  if (h.n === 0) return Infinity;
  const j = upper(h, x);
  let d = Infinity;
  if (j > 0) d = x <= h.hi[j - 1] ? 0 : x - h.hi[j - 1];
  if (j < h.n) d = Math.min(d, h.lo[j] - x);
  return d;
}

/**
 * The local spacing of the history around x: the span holding `k` values on each side of it (2k on one side when the
 * other runs out; values spread evenly inside a range), divided by 2k. 0 with fewer than two values. O(n) worst case.
 */
export function historySpacing(h: IntervalHistory, x: number, k: number): number {
  if (h.total < 2) return 0;
  const want = Math.min(2 * k, h.total);
  const j = upper(h, x);
  const { lo, hi, count, n } = h;
  const left0 = j > 0 ? hi[j - 1] : lo[j];
  const right0 = j < n ? lo[j] : hi[n - 1];
  let left = leftEdge(h, j, left0, k);
  const gotLeft = walked;
  const needRight = want - gotLeft;
  let gotRight = 0;
  let right = right0;
  for (let i = j; i < n && gotRight < needRight; i++) {
    const c = count[i];
    if (gotRight + c >= needRight) {
      right = lo[i] + ((needRight - gotRight) / c) * (hi[i] - lo[i]);
      gotRight = needRight;
    } else {
      gotRight += c;
      right = hi[i];
    }
  }
  if (gotLeft + gotRight < want) left = leftEdge(h, j, left0, want - gotRight);
  return (right - left) / want;
}

/** Values counted by the last `leftEdge` walk (a module variable: no allocation per call). */
let walked = 0;

/** Where the walk left from range j - 1 ends after `need` values (sets `walked` to the values it found). */
function leftEdge(h: IntervalHistory, j: number, start: number, need: number): number {
  const { lo, hi, count } = h;
  let got = 0;
  let left = start;
  for (let i = j - 1; i >= 0 && got < need; i--) {
    const c = count[i];
    if (got + c >= need) {
      left = hi[i] - ((need - got) / c) * (hi[i] - lo[i]);
      got = need;
    } else {
      got += c;
      left = lo[i];
    }
  }
  walked = got;
  return left;
}

/** Record x as the value of point `t` (point index). */
export function addToHistory(h: IntervalHistory, x: number, t: number): void {
  const j = upper(h, x);
  h.total++;
  if (j > 0 && x <= h.hi[j - 1]) {
    h.count[j - 1]++;
    h.last[j - 1] = t;
  } else if (j > 0 && x - h.hi[j - 1] <= h.radius) {
    const m = j - 1;
    h.hi[m] = x;
    h.count[m]++;
    h.last[m] = t;
    if (m + 1 < h.n && h.lo[m + 1] - h.hi[m] <= h.radius) mergeNext(h, m);
  } else if (j < h.n && h.lo[j] - x <= h.radius) {
    h.lo[j] = x;
    h.count[j]++;
    h.last[j] = t;
    if (j > 0 && h.lo[j] - h.hi[j - 1] <= h.radius) mergeNext(h, j - 1);
  } else {
    const n = h.n;
    h.lo.copyWithin(j + 1, j, n);
    h.hi.copyWithin(j + 1, j, n);
    h.count.copyWithin(j + 1, j, n);
    h.last.copyWithin(j + 1, j, n);
    h.lo[j] = x;
    h.hi[j] = x;
    h.count[j] = 1;
    h.last[j] = t;
    h.n++;
    if (h.n > h.capacity) coarsen(h);
  }
  if (t % 256 === 0) expire(h, t);
}

function removeAt(h: IntervalHistory, m: number): void {
  h.lo.copyWithin(m, m + 1, h.n);
  h.hi.copyWithin(m, m + 1, h.n);
  h.count.copyWithin(m, m + 1, h.n);
  h.last.copyWithin(m, m + 1, h.n);
  h.n--;
}

function mergeNext(h: IntervalHistory, m: number): void {
  h.hi[m] = h.hi[m + 1];
  h.count[m] += h.count[m + 1];
  h.last[m] = Math.max(h.last[m], h.last[m + 1]);
  removeAt(h, m + 1);
}

function coarsen(h: IntervalHistory): void {
  let gap = Infinity;
  for (let m = 0; m + 1 < h.n; m++) gap = Math.min(gap, h.lo[m + 1] - h.hi[m]);
  h.radius = Math.max(2 * h.radius, gap);
  let w = 0;
  for (let m = 1; m < h.n; m++) {
    if (h.lo[m] - h.hi[w] <= h.radius) {
      h.hi[w] = h.hi[m];
      h.count[w] += h.count[m];
      h.last[w] = Math.max(h.last[w], h.last[m]);
    } else {
      w++;
      h.lo[w] = h.lo[m];
      h.hi[w] = h.hi[m];
      h.count[w] = h.count[m];
      h.last[w] = h.last[m];
    }
  }
  h.n = w + 1;
}

function expire(h: IntervalHistory, t: number): void {
  let w = 0;
  for (let m = 0; m < h.n; m++) {
    if (t - h.last[m] <= h.history) {
      h.lo[w] = h.lo[m];
      h.hi[w] = h.hi[m];
      h.count[w] = h.count[m];
      h.last[w] = h.last[m];
      w++;
    } else h.total -= h.count[m];
  }
  h.n = w;
  if (h.n < h.capacity / 4) h.radius /= 2;
}
