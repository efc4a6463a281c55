/**
 * NAB's scaled sigmoid (Numenta NAB v1.1, `nab/sweeper.py` `scaledSigmoid`):
 * `S(x) = 2 / (1 + e^(5x)) - 1` for `x < 3`, and `-1` for `x >= 3`.
 *
 * `x` is a position relative to a window's width: -1 is the window's left edge (S = 0.98661), 0 its
 * right edge (S = 0), positive values lie after the window (false positives, tending to -1).
 */
export function scaledSigmoid(relativePosition: number): number {
  if (relativePosition >= 3.0) return -1.0;
  return 2 / (1 + Math.exp(5 * relativePosition)) - 1.0;
}

/** The best possible unweighted true-positive credit, `scaledSigmoid(-1)`; NAB divides TP credit by it. */
export const MAX_TP = scaledSigmoid(-1.0);
