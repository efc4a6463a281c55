import { optimizeThreshold } from './optimize';
import type { CostMatrix, SweepRows } from './types';

/**
 * NAB's normalised score (NAB v1.1 `Runner.normalize`, https://github.com/numenta/NAB `nab/runner.py`):
 * `100 * (raw - null) / (perfect - null)`. 100 is a perfect detector, 0 the null detector.
 */
export function normalizeScore(raw: number, nullScore: number, perfectScore: number): number {
  return (100 * (raw - nullScore)) / (perfectScore - nullScore);
}

/** Perfect raw score: every window detected at its left edge, no false positives: `tpWeight * windows`. */
export function perfectScore(windowCount: number, cost: CostMatrix): number {
  return cost.tpWeight * windowCount;
}

/**
 * The null detector's raw score: NAB's null detector gives every row the same anomaly score (0.5) and is
 * scored through the same threshold optimisation, which ends up at `-fnWeight * windows` (detecting
 * everything costs more than missing everything on any real corpus).
 *
 * @param files prepared rows of every file (their anomaly scores are ignored)
 */
export function nullScore(files: readonly SweepRows[], cost: CostMatrix): number {
  const constant = files.map((f) => ({ ...f, anomalyScore: new Float64Array(f.anomalyScore.length).fill(0.5) }));
  return optimizeThreshold(constant, cost).score;
}
