import { ParameterError } from '../../core/errors';

/**
 * Keep only the onsets of anomalies: row t keeps its score when the score is higher than every score of the
 * `window` rows before it, else it scores 0. A run of high scores then yields one detection at its start
 * (plus any later rise), whatever threshold is applied afterwards; it depends only on rows <= t (causal).
 *
 * This is the alert a user receives from an event (consecutive anomalous points merged into one) rather than
 * one per point, which is how NAB counts: every detected row outside a window is a false positive.
 * Method: a refractory period / non-maximum suppression over a trailing window, computed with a monotonic
 * deque (sliding-window maximum, O(n)).
 *
 * @param scores per-row scores (NaN counts as 0), not mutated
 * @param window trailing rows compared against (0 returns a copy with NaN mapped to 0)
 * @throws ParameterError when window is not an integer >= 0
 */
export function onsetScores(scores: Float64Array, window: number): Float64Array {
  if (!Number.isInteger(window) || window < 0) {
    throw new ParameterError(`onset window must be an integer >= 0 rows, got ${window}`);
  }
  const n = scores.length;
  const x = scores.map((v) => (Number.isNaN(v) ? 0 : v));
  if (window === 0) return x;
  const out = new Float64Array(n);
  // indices of the trailing window with decreasing scores; the front holds the window's maximum
  const deque = new Int32Array(n);
  let head = 0;
  let tail = 0;
  for (let i = 0; i < n; i++) {
    while (tail > head && deque[head] < i - window) head++;
    const max = tail > head ? x[deque[head]] : 0;
    out[i] = x[i] > max ? x[i] : 0;
    while (tail > head && x[deque[tail - 1]] <= x[i]) tail--;
    deque[tail++] = i;
  }
  return out;
}
