import { InputError } from '../../core/errors';
import { MAX_TP, scaledSigmoid } from './sigmoid';
import { type CostMatrix, type SweepRows, type WindowLimits } from './types';
import { locateWindows, markProbation, PROBATION_PERCENT } from './windows';

/**
 * Prepare one file's rows for scoring: the weighted score each row would earn if it were a detection
 * (port of NAB v1.1 `Sweeper.calcSweepScore`, https://github.com/numenta/NAB `nab/sweeper.py`).
 *
 * - Inside a window of width `w` rows ending at row `r`, row `i` earns
 *   `scaledSigmoid(-(r - i + 1) / w) * tpWeight / scaledSigmoid(-1)` (1.0 at the window's left edge).
 * - Outside windows, row `i` costs `scaledSigmoid(|i - r_prev| / (w_prev - 1)) * fpWeight` measured from the
 *   window that ended last, or `-fpWeight` before any window has ended.
 * - Rows in the probationary period (first 15%, at most 750 rows) are tagged and never scored.
 *
 * @param timestamps epoch ms per row
 * @param anomalyScores the detector's score per row (finite; 0-1 by NAB convention)
 * @param limits anomaly windows, epoch ms
 * @throws InputError when lengths differ, a score is not finite, or a window does not sit on rows
 */
export function sweepFile(
  timestamps: ArrayLike<number>,
  anomalyScores: ArrayLike<number>,
  limits: readonly WindowLimits[],
  cost: CostMatrix,
  options: { probationPercent?: number; file?: string } = {}
): SweepRows {
  const file = options.file ?? 'series';
  const n = timestamps.length;
  if (anomalyScores.length !== n) {
    throw new InputError(`${anomalyScores.length} anomaly scores for ${n} timestamps`, { file });
  }
  const anomalyScore = Float64Array.from(anomalyScores);
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(anomalyScore[i])) {
      throw new InputError(`anomaly score is not a finite number: ${anomalyScore[i]}`, {
        file,
        line: i + 2,
        field: 'anomaly_score',
      });
    }
  }
  const { windows, rowWindow } = locateWindows(timestamps, limits, file);
  const sweepScore = new Float64Array(n);
  let prevRight = -1;
  let prevWidth = 0;
  for (let i = 0; i < n; i++) {
    const k = rowWindow[i];
    if (k >= 0) {
      const { left, right } = windows[k];
      const width = right - left + 1;
      sweepScore[i] = (scaledSigmoid(-(right - i + 1) / width) * cost.tpWeight) / MAX_TP;
      if (i === right) {
        prevRight = right;
        prevWidth = width;
      }
    } else {
      const position = prevRight < 0 ? 3.0 : Math.abs(prevRight - i) / (prevWidth - 1);
      sweepScore[i] = scaledSigmoid(position) * cost.fpWeight;
    }
  }
  return {
    anomalyScore,
    sweepScore,
    window: markProbation(rowWindow, options.probationPercent ?? PROBATION_PERCENT),
    windowCount: windows.length,
  };
}
