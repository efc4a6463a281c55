import { checkParam } from './rolling';
import * as intervals from './shared/intervalHistory';
import { createIntervalHistory, type IntervalHistory } from './shared/intervalHistory';
import * as moments from './shared/moments';
import { createMoments, type RunningMoments } from './shared/moments';
import * as novelty from './novelty';
import * as rings from './shared/ring';
import { createRing, type Ring } from './shared/ring';
import * as sorted from './shared/sortedBuffer';
import { createSortedBuffer, type SortedBuffer } from './shared/sortedBuffer';
import type { Detector, DetectorState, PointScore, StreamContext } from './types';

// bound once: hot per-point calls (see docs/architecture.md, "Hot paths")
const { replaceSorted, sortedHighMad } = sorted;
const { pushRing } = rings;
const { noveltyScore } = novelty;
const { addMoment } = moments;
const { addToHistory } = intervals;

export interface VolatilityParams {
  /** present values of the trailing window whose spread (MAD) is judged */
  window: number;
  /** how many earlier spreads a spread is compared with (points) */
  history: number;
  /** earlier distances needed before a point is judged */
  minPoints: number;
  /** the spread's floor, as a share of the series' mean spread so far */
  floor: number;
  /** spread ranges the history keeps */
  capacity: number;
}

export interface VolatilityState extends DetectorState {
  kind: 'volatility';
  params: VolatilityParams;
  /** the last `window` present values and their sorted copy */
  recent: Ring;
  sorted: SortedBuffer;
  /** running mean of the spreads so far (for the floor) */
  spreads: RunningMoments;
  /** spreads judged so far */
  n: number;
  history: IntervalHistory;
  distances: RunningMoments;
}

/**
 * Volatility novelty: the novelty of the recent spread. The spread of the last `window` present values (their median
 * absolute deviation about the high median, `sortedHighMad`: observed values, no averaging, so integer data keep
 * their quantum) is taken on a log scale with a floor of `floor` × the series' mean spread so far, so that a
 * flat stretch is not infinitely calm (a spread of 0 among integers is ordinary), and its distance to the nearest
 * spread the series has shown before is standardised against the earlier distances (as `novelty`). A series that
 * turns noisy, goes flat or starts oscillating at a new amplitude scores high even when every value stays in its
 * usual range. NaN until `minPoints` distances or while fewer than half the window is present. No expected value or
 * band.
 *
 * Method: nearest-neighbour novelty (Pimentel et al. 2014) of a robust scale estimate (the MAD, Hampel 1974) on a log
 * scale, so that a doubling of the spread counts the same at any magnitude. O(window) per point.
 */
export const volatilityDetector: Detector<VolatilityParams, VolatilityState> = {
  name: 'volatility',
  family: 'novelty',
  description: 'novelty of the recent spread (rolling MAD, log scale) against the spreads seen before',
  defaults: { window: 24, history: 10000, minPoints: 20, floor: 0.5, capacity: 256 },
  calibration: 'standard',
  init(params: Partial<VolatilityParams>, _context: StreamContext): VolatilityState {
    const p = { ...volatilityDetector.defaults, ...params };
    checkParam('volatility', 'window', p.window, 3, true);
    checkParam('volatility', 'history', p.history, 1, true);
    checkParam('volatility', 'minPoints', p.minPoints, 1, true);
    checkParam('volatility', 'floor', p.floor, 0);
    checkParam('volatility', 'capacity', p.capacity, 8, true);
    return {
      kind: 'volatility',
      version: 2,
      params: p,
      recent: createRing(p.window),
      sorted: createSortedBuffer(p.window),
      spreads: createMoments(),
      n: 0,
      history: createIntervalHistory(p.history, p.capacity),
      distances: createMoments(),
    };
  },
  update(state: VolatilityState, _t: number, x: number, out: PointScore): void {
    const p = state.params;
    if (Number.isNaN(x)) return;
    replaceSorted(state.sorted, pushRing(state.recent, x), x);
    if (state.sorted.size * 2 < p.window) return;
    const spread = sortedHighMad(state.sorted);
    const floor = Math.max(1e-12, state.spreads.count ? p.floor * state.spreads.mean : 0);
    addMoment(state.spreads, spread);
    const y = Math.log(spread + floor);
    out.score = noveltyScore(state.history, state.distances, null, 0, p.minPoints, state.n, y);
    addToHistory(state.history, y, state.n++);
  },
};
