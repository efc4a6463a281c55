/**
 * Incremental rolling z-score: the streaming twin of the `zscore` detector (Shewhart-style limits on a moving
 * window; NIST/SEMATECH e-Handbook of Statistical Methods, 6.3.2). Each new point is judged against the mean and
 * standard deviation of the `window` points before it, kept as running sums over a ring buffer, so one update is
 * O(1). Rounding drift of the running sums is bounded by re-summing the buffer every `resyncEvery` updates
 * (amortised O(1)).
 */

import { ParameterError } from '../../core/errors';
import type { ZScoreModel } from '../zscore';
import type { IncrementalResult } from './types';

/** Streaming state of a rolling z-score (plain JSON when serialised with `rollingZscoreToJSON`). */
export interface RollingZscoreState {
  kind: 'rollingZscoreState';
  version: 1;
  window: number;
  k: number;
  /** present values needed before a point is judged: min(minPoints, window) */
  need: number;
  /** smallest standard deviation used (value units) */
  floor: number;
  /** the last `window` values (NaN = missing), oldest at `head` once full */
  ring: Float64Array;
  head: number;
  /** points seen so far (capped at window) */
  filled: number;
  sum: number;
  sumSq: number;
  count: number;
  /** updates since the last re-summation, and how often to re-sum */
  sinceResync: number;
  resyncEvery: number;
}

/**
 * Start a rolling z-score state from a fitted `zscore` model (same window, k, minPoints and scale floor), so
 * streaming scores equal the batch detector's.
 *
 * @param resyncEvery re-sum the ring buffer every this many updates (default 10000, integer >= 1)
 * @throws ParameterError for a resyncEvery below 1 or a model with a bad window
 */
export function createRollingZscore(model: ZScoreModel, resyncEvery = 10000): RollingZscoreState {
  const { window, k, minPoints } = model.params;
  if (!Number.isInteger(window) || window < 1) {
    throw new ParameterError(`rollingZscore: window must be an integer >= 1, got ${window}`);
  }
  if (!Number.isInteger(resyncEvery) || resyncEvery < 1) {
    throw new ParameterError(`rollingZscore: resyncEvery must be an integer >= 1, got ${resyncEvery}`);
  }
  return {
    kind: 'rollingZscoreState',
    version: 1,
    window,
    k,
    need: Math.min(minPoints, window),
    floor: model.floor,
    ring: new Float64Array(window).fill(NaN),
    head: 0,
    filled: 0,
    sum: 0,
    sumSq: 0,
    count: 0,
    sinceResync: 0,
    resyncEvery,
  };
}

/**
 * Score `value` against the trailing window, then push it into the window. O(1) amortised; mutates and
 * returns `state` (see ./types).
 *
 * @param value the new point (NaN = missing: no score, but expected and band are still reported)
 * @returns score |x - mean| / sd, expected = mean, band mean ± k·sd (all NaN until the window holds `need` values)
 */
export function updateRollingZscore(state: RollingZscoreState, value: number): IncrementalResult<RollingZscoreState> {
  let score = NaN;
  let expected = NaN;
  let lower = NaN;
  let upper = NaN;
  if (state.count >= state.need && state.count > 0) {
    const mean = state.sum / state.count;
    const variance = Math.max(0, (state.sumSq - state.count * mean * mean) / Math.max(1, state.count - 1));
    const sd = Math.max(Math.sqrt(variance), state.floor);
    expected = mean;
    lower = mean - state.k * sd;
    upper = mean + state.k * sd;
    if (!Number.isNaN(value)) score = Math.abs(value - mean) / sd;
  }
  // push: evict the oldest when full, then add the new value
  if (state.filled === state.window) {
    const old = state.ring[state.head];
    if (!Number.isNaN(old)) {
      state.sum -= old;
      state.sumSq -= old * old;
      state.count--;
    }
  } else {
    state.filled++;
  }
  state.ring[state.head] = value;
  state.head = (state.head + 1) % state.window;
  if (!Number.isNaN(value)) {
    state.sum += value;
    state.sumSq += value * value;
    state.count++;
  }
  if (++state.sinceResync >= state.resyncEvery) {
    let s = 0;
    let s2 = 0;
    for (let i = 0; i < state.window; i++) {
      const v = state.ring[i];
      if (!Number.isNaN(v)) {
        s += v;
        s2 += v * v;
      }
    }
    state.sum = s;
    state.sumSq = s2;
    state.sinceResync = 0;
  }
  return { state, score, expected, lower, upper };
}

/** Serialise a state to plain JSON (the ring buffer as an array; NaN as null). */
export function rollingZscoreToJSON(state: RollingZscoreState): Record<string, unknown> {
  return { ...state, ring: Array.from(state.ring, (v) => (Number.isNaN(v) ? null : v)) };
}

/**
 * Restore a state serialised by `rollingZscoreToJSON`.
 * @throws ParameterError when the object is not such a state
 */
export function rollingZscoreFromJSON(json: Record<string, unknown>): RollingZscoreState {
  if (json.kind !== 'rollingZscoreState' || json.version !== 1 || !Array.isArray(json.ring)) {
    throw new ParameterError('rollingZscore: not a rollingZscoreState (kind/version/ring)');
  }
  const ring = Float64Array.from(json.ring as (number | null)[], (v) => (v === null ? NaN : v));
  if (ring.length !== json.window) throw new ParameterError('rollingZscore: ring length differs from window');
  return { ...(json as unknown as RollingZscoreState), ring };
}
