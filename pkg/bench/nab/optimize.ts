import { scoresByThreshold } from './thresholdScores';
import type { CostMatrix, SweepRows, ThresholdScore } from './types';

/**
 * The best single threshold for a whole corpus (port of NAB v1.1 `optimizer.optimizeThreshold`,
 * https://github.com/numenta/NAB `nab/optimizer.py`): sweep every distinct anomaly score of every file as
 * a threshold, score the corpus at each, and keep the highest raw score (ties go to the higher threshold,
 * as Python's stable sort does).
 *
 * @param files prepared rows of every file of the corpus (see `sweepFile`), all for this cost matrix
 * @returns the winning threshold, its raw corpus score and row counts
 */
export function optimizeThreshold(files: readonly SweepRows[], cost: CostMatrix): ThresholdScore {
  const entries = scoresByThreshold(files, cost);
  let best = entries[0];
  for (const e of entries) if (e.score > best.score) best = e;
  return best;
}
