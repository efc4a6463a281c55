/**
 * Incremental baseline: O(1) scoring of new points against a learnt baseline (the `baseline` detector's model),
 * and O(1) online learning of the baseline's mean and standard deviation by Welford's algorithm (Welford,
 * "Note on a method for calculating corrected sums of squares and products", Technometrics 4, 1962).
 */

import { ParameterError } from '../../core/errors';
import type { BaselineModel } from '../baseline';
import type { IncrementalResult } from './types';

/** Streaming baseline state: Welford accumulators plus the band multiplier and scale floor. Plain JSON. */
export interface BaselineState {
  kind: 'baselineState';
  version: 1;
  k: number;
  floor: number;
  /** when true, every present point is added to the statistics after it is scored */
  learn: boolean;
  count: number;
  mean: number;
  /** sum of squared deviations from the mean (Welford's M2) */
  m2: number;
}

/**
 * Start from a fitted `baseline` model (frozen unless `learn`), or from nothing with `{ k, floor }` (learning).
 * @throws ParameterError for k <= 0 or a negative floor
 */
export function createBaselineState(
  from: BaselineModel | { k?: number; floor?: number },
  opts: { learn?: boolean } = {}
): BaselineState {
  if ('kind' in from && from.kind === 'baseline') {
    const s = from.stats;
    return {
      kind: 'baselineState',
      version: 1,
      k: s.k,
      floor: from.floor,
      learn: opts.learn ?? false,
      count: s.count,
      mean: s.mean,
      m2: s.std * s.std * (s.count - 1),
    };
  }
  const o = from as { k?: number; floor?: number };
  const k = o.k ?? 3;
  const floor = o.floor ?? 1e-9;
  if (!(k > 0 && Number.isFinite(k))) throw new ParameterError(`baseline: k must be a number > 0, got ${k}`);
  if (!(floor >= 0 && Number.isFinite(floor))) throw new ParameterError(`baseline: floor must be >= 0, got ${floor}`);
  return { kind: 'baselineState', version: 1, k, floor, learn: opts.learn ?? true, count: 0, mean: 0, m2: 0 };
}

/** Current standard deviation (n - 1), NaN below 2 points. */
export function baselineStd(state: BaselineState): number {
  return state.count > 1 ? Math.sqrt(state.m2 / (state.count - 1)) : NaN;
}

/**
 * Score `value` against the current baseline (score |x - mean| / max(std, floor), expected = mean, band
 * mean ± k·std; NaN until 2 points are known), then learn it when the state learns. O(1); mutates and returns
 * `state`.
 */
export function updateBaseline(state: BaselineState, value: number): IncrementalResult<BaselineState> {
  let score = NaN;
  let expected = NaN;
  let lower = NaN;
  let upper = NaN;
  const std = baselineStd(state);
  if (!Number.isNaN(std)) {
    expected = state.mean;
    lower = state.mean - state.k * std;
    upper = state.mean + state.k * std;
    if (!Number.isNaN(value)) score = Math.abs(value - state.mean) / Math.max(std, state.floor);
  }
  if (state.learn && !Number.isNaN(value)) {
    state.count++;
    const d = value - state.mean;
    state.mean += d / state.count;
    state.m2 += d * (value - state.mean);
  }
  return { state, score, expected, lower, upper };
}
