import { checkParam } from './rolling';
import { addMoment, createMoments, type RunningMoments } from './shared/moments';
import { sortedQuantile } from './shared/sortedBuffer';
import { advanceWindow, createTrailingWindow, type TrailingWindow } from './shared/trailingWindow';
import type { Detector, DetectorState, PointScore, StreamContext } from './types';

export interface SpikeParams {
  /** points forming the recent level (short: a spike is sudden against it) */
  window: number;
  /** relative change to the level that the band allows (1 = the value may double or halve to zero) */
  ratio: number;
  minPoints: number;
}

export interface SpikeState extends DetectorState {
  kind: 'spike';
  params: SpikeParams;
  window: TrailingWindow;
  /** running mean of |x|: the level floor is 10% of it */
  magnitude: RunningMoments;
}

/**
 * Spike detector: the ratio of a point's change to its recent level. Recent level = median of the `window`
 * points before it; raw score = |x - level| / max(|level|, floor) with floor = 10% of the stream's mean absolute
 * value. Expected = level, band = level ± ratio·|level|. Catches sudden jumps and drops relative to the current
 * level, which scale-based detectors miss on busy series and over-flag on quiet ones.
 *
 * Method: relative-change (percent-change) thresholding as used by spike rules in monitoring systems, e.g. Etsy
 * Skyline's `first_hour_average` family and Grafana's spike alerts. O(window) per point.
 */
export const spikeDetector: Detector<SpikeParams, SpikeState> = {
  name: 'spike',
  family: 'statistical',
  description: 'sudden change relative to the recent level (median of the last few points)',
  defaults: { window: 12, ratio: 1, minPoints: 3 },
  init(params: Partial<SpikeParams>, _context: StreamContext): SpikeState {
    const p = { ...spikeDetector.defaults, ...params };
    checkParam('spike', 'window', p.window, 1, true);
    checkParam('spike', 'ratio', p.ratio, 0);
    checkParam('spike', 'minPoints', p.minPoints, 1, true);
    return {
      kind: 'spike',
      version: 2,
      params: p,
      window: createTrailingWindow(p.window, 0),
      magnitude: createMoments(),
    };
  },
  update(state: SpikeState, _t: number, x: number, out: PointScore): void {
    const { ratio, minPoints, window } = state.params;
    const w = state.window;
    if (w.sorted.size >= Math.min(minPoints, window)) {
      const level = sortedQuantile(w.sorted, 0.5);
      const floor = Math.max(1e-9, 0.1 * state.magnitude.mean);
      const denom = Math.max(Math.abs(level), floor);
      out.expected = level;
      out.lower = level - ratio * denom;
      out.upper = level + ratio * denom;
      if (!Number.isNaN(x)) out.score = Math.abs(x - level) / denom;
    }
    if (!Number.isNaN(x)) addMoment(state.magnitude, Math.abs(x));
    advanceWindow(w, x, 0);
  },
};
