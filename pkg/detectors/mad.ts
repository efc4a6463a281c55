import { checkParam, MAD_TO_SD } from './rolling';
import { scaleFloor } from './shared/scaleFloor';
import { sortedMad, sortedQuantile } from './shared/sortedBuffer';
import { advanceWindow, baselineOf, createTrailingWindow, type TrailingWindow } from './shared/trailingWindow';
import type { Detector, DetectorState, PointScore, StreamContext } from './types';

export interface MadParams {
  /** trailing window in points */
  window: number;
  /** band half-width in robust standard deviations (1.4826 · MAD) */
  k: number;
  minPoints: number;
  /** season length in points: judge residuals against the same phase of past seasons (0 = none) */
  season: number;
}

export interface MadState extends DetectorState {
  kind: 'mad';
  params: MadParams;
  window: TrailingWindow;
}

/**
 * Robust rolling MAD: each point against the median and median absolute deviation of the `window` points
 * before it. Raw score |x - median| / (1.4826 · MAD); expected = median, band = median ± k · 1.4826 · MAD.
 *
 * Method: Hampel's identifier (Hampel 1974; Leys et al., "Detecting outliers: Do not use standard deviation
 * around the mean, use absolute deviation around the median", J. Exp. Soc. Psych. 2013). O(window) per point.
 */
export const madDetector: Detector<MadParams, MadState> = {
  name: 'mad',
  family: 'statistical',
  description: 'robust rolling median and median absolute deviation (Hampel identifier)',
  defaults: { window: 60, k: 3.5, minPoints: 10, season: 0 },
  init(params: Partial<MadParams>, _context: StreamContext): MadState {
    const p = { ...madDetector.defaults, ...params };
    checkParam('mad', 'window', p.window, 3, true);
    checkParam('mad', 'k', p.k, 0);
    checkParam('mad', 'season', p.season, 0, true);
    checkParam('mad', 'minPoints', p.minPoints, 2, true);
    return { kind: 'mad', version: 2, params: p, window: createTrailingWindow(p.window, p.season) };
  },
  update(state: MadState, _t: number, x: number, out: PointScore): void {
    const { k, minPoints, window } = state.params;
    const w = state.window;
    const base = baselineOf(w);
    if (w.sorted.size >= Math.min(minPoints, window) && !Number.isNaN(base)) {
      const med = sortedQuantile(w.sorted, 0.5);
      const sd = Math.max(MAD_TO_SD * sortedMad(w.sorted, med), scaleFloor(w.floor));
      out.expected = base + med;
      out.lower = base + med - k * sd;
      out.upper = base + med + k * sd;
      if (!Number.isNaN(x)) out.score = Math.abs(x - base - med) / sd;
    }
    advanceWindow(w, x, base);
  },
};
