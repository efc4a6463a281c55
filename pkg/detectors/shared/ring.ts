/**
 * A fixed-size ring of the last `size` values of a stream (NaN for missing), as JSON-serialisable state.
 * O(1) per push.
 */
export interface Ring {
  values: Float64Array;
  /** index of the next write */
  head: number;
  /** values written so far, capped at the size */
  filled: number;
}

export function createRing(size: number): Ring {
  return { values: new Float64Array(Math.max(1, size)).fill(NaN), head: 0, filled: 0 };
}

/** Append x and return the value it displaced (NaN while the ring is filling). */
export function pushRing(r: Ring, x: number): number {
  const old = r.filled === r.values.length ? r.values[r.head] : NaN;
  r.values[r.head] = x;
  r.head = (r.head + 1) % r.values.length;
  if (r.filled < r.values.length) r.filled++;
  return old;
}

/** The value `back` points ago (0 = newest); NaN when not yet written. */
export function ringAt(r: Ring, back: number): number {
  if (back < 0 || back >= r.filled) return NaN;
  const i = (r.head - 1 - back + 2 * r.values.length) % r.values.length;
  return r.values[i];
}
