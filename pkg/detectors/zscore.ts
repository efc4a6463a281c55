import { checkParam } from './rolling';
import { scaleFloor } from './shared/scaleFloor';
import { advanceWindow, baselineOf, createTrailingWindow, type TrailingWindow } from './shared/trailingWindow';
import type { Detector, DetectorState, PointScore, StreamContext } from './types';

export interface ZScoreParams {
  /** trailing window in points */
  window: number;
  /** band half-width in standard deviations */
  k: number;
  /** points the window must hold before a point is judged */
  minPoints: number;
  /** season length in points: judge residuals against the same phase of past seasons (0 = none) */
  season: number;
}

export interface ZScoreState extends DetectorState {
  kind: 'zscore';
  params: ZScoreParams;
  window: TrailingWindow;
}

/**
 * Rolling z-score: each point against the mean and standard deviation of the `window` points before it.
 * Raw score |x - mean| / sd; expected = mean, band = mean ± k·sd (sd floored by the stream's scale floor).
 *
 * Method: the classic Shewhart-style control limit on a moving window (NIST/SEMATECH e-Handbook of Statistical
 * Methods, 6.3.2). O(window) per point (the shared window keeps a sorted copy for the other rolling detectors).
 */
export const zscoreDetector: Detector<ZScoreParams, ZScoreState> = {
  name: 'zscore',
  family: 'statistical',
  description: 'rolling z-score against the trailing window mean and standard deviation',
  defaults: { window: 60, k: 3, minPoints: 10, season: 0 },
  init(params: Partial<ZScoreParams>, _context: StreamContext): ZScoreState {
    const p = { ...zscoreDetector.defaults, ...params };
    checkParam('zscore', 'window', p.window, 3, true);
    checkParam('zscore', 'k', p.k, 0);
    checkParam('zscore', 'season', p.season, 0, true);
    checkParam('zscore', 'minPoints', p.minPoints, 2, true);
    return { kind: 'zscore', version: 2, params: p, window: createTrailingWindow(p.window, p.season) };
  },
  update(state: ZScoreState, _t: number, x: number, out: PointScore): void {
    const { k, minPoints, window } = state.params;
    const w = state.window;
    const base = baselineOf(w);
    const count = w.sorted.size;
    if (count >= Math.min(minPoints, window) && !Number.isNaN(base)) {
      const mean = w.sum / count;
      const variance = Math.max(0, (w.sumSq - count * mean * mean) / Math.max(1, count - 1));
      const sd = Math.max(Math.sqrt(variance), scaleFloor(w.floor));
      out.expected = base + mean;
      out.lower = base + mean - k * sd;
      out.upper = base + mean + k * sd;
      if (!Number.isNaN(x)) out.score = Math.abs(x - base - mean) / sd;
    }
    advanceWindow(w, x, base);
  },
};
