/**
 * Incremental (streaming) scoring: `update(state, value)` scores one new point in O(1) and advances the state.
 *
 * For O(1) per point the state is advanced in place: `update` mutates the `state` it is given and returns that
 * same object as `state`. Callers that need to keep an earlier state snapshot it first (`toJSON`/`fromJSON` of
 * each scorer). States are plain JSON when serialised, so a job can persist them between runs.
 */

/** The result of scoring one point, in the series' units (score in the detector's raw unit; NaN = no verdict). */
export interface IncrementalResult<S> {
  state: S;
  score: number;
  expected: number;
  lower: number;
  upper: number;
}
