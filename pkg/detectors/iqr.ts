import { checkParam } from './rolling';
import { scaleFloor } from './shared/scaleFloor';
import { sortedQuantile } from './shared/sortedBuffer';
import { advanceWindow, baselineOf, createTrailingWindow, type TrailingWindow } from './shared/trailingWindow';
import type { Detector, DetectorState, PointScore, StreamContext } from './types';

export interface IqrParams {
  /** trailing window in points */
  window: number;
  /** fence distance in interquartile ranges (Tukey: 1.5) */
  fence: number;
  minPoints: number;
  /** season length in points: judge residuals against the same phase of past seasons (0 = none) */
  season: number;
}

export interface IqrState extends DetectorState {
  kind: 'iqr';
  params: IqrParams;
  window: TrailingWindow;
}

/**
 * Rolling interquartile range: each point against the quartiles of the `window` points before it.
 * Raw score = distance beyond the nearer quartile in IQRs (0 between the quartiles); expected = median,
 * band = Tukey's fences Q1 - fence·IQR .. Q3 + fence·IQR.
 *
 * Method: Tukey's fences (J. W. Tukey, Exploratory Data Analysis, 1977). O(window) per point.
 */
export const iqrDetector: Detector<IqrParams, IqrState> = {
  name: 'iqr',
  family: 'statistical',
  description: "rolling interquartile range with Tukey's fences",
  defaults: { window: 60, fence: 1.5, minPoints: 10, season: 0 },
  init(params: Partial<IqrParams>, _context: StreamContext): IqrState {
    const p = { ...iqrDetector.defaults, ...params };
    checkParam('iqr', 'window', p.window, 4, true);
    checkParam('iqr', 'fence', p.fence, 0);
    checkParam('iqr', 'season', p.season, 0, true);
    checkParam('iqr', 'minPoints', p.minPoints, 4, true);
    return { kind: 'iqr', version: 2, params: p, window: createTrailingWindow(p.window, p.season) };
  },
  update(state: IqrState, _t: number, x: number, out: PointScore): void {
    const { fence, minPoints, window } = state.params;
    const w = state.window;
    const base = baselineOf(w);
    if (w.sorted.size >= Math.min(minPoints, window) && !Number.isNaN(base)) {
      const q1 = sortedQuantile(w.sorted, 0.25);
      const q3 = sortedQuantile(w.sorted, 0.75);
      const range = Math.max(q3 - q1, scaleFloor(w.floor));
      out.expected = base + sortedQuantile(w.sorted, 0.5);
      out.lower = base + q1 - fence * range;
      out.upper = base + q3 + fence * range;
      if (!Number.isNaN(x)) {
        const r = x - base;
        out.score = Math.max(0, (r - q3) / range, (q1 - r) / range);
      }
    }
    advanceWindow(w, x, base);
  },
};
