import { checkParam, MAD_TO_SD } from './rolling';
import { createMoments, type RunningMoments } from './shared/moments';
import * as intervals from './shared/intervalHistory';
import { createIntervalHistory, type IntervalHistory } from './shared/intervalHistory';
import * as novelty from './novelty';
import * as rings from './shared/ring';
import { createRing, type Ring } from './shared/ring';
import * as sorted from './shared/sortedBuffer';
import { createSortedBuffer, type SortedBuffer } from './shared/sortedBuffer';
import type { Detector, DetectorState, PointScore, StreamContext } from './types';

// bound once: hot per-point calls (see docs/architecture.md, "Hot paths")
const { removeSorted, replaceSorted, sortedMad, sortedQuantile } = sorted;
const { pushRing } = rings;
const { noveltyScore } = novelty;
const { addToHistory } = intervals;

export interface LevelParams {
  /** points of the trailing level (mean) whose novelty is judged */
  window: number;
  /** how many earlier levels a level is compared with (points) */
  history: number;
  /** earlier level distances needed before a point is judged */
  minPoints: number;
  /** band half-width in robust standard deviations of the recent values */
  k: number;
  /** level ranges the history keeps */
  capacity: number;
}

export interface LevelState extends DetectorState {
  kind: 'level';
  params: LevelParams;
  /** the last `window` values (for the trailing mean) and their sorted copy (for the band) */
  recent: Ring;
  sorted: SortedBuffer;
  sum: number;
  present: number;
  /** trailing means computed so far */
  levels: number;
  history: IntervalHistory;
  distances: RunningMoments;
}

/**
 * Level novelty: the novelty of the recent level, i.e. of the trailing mean of `window` points, against the
 * levels the series has held before. A change of level or of density that single values hide (a series that
 * settles between two levels it visited, a burst of moderately high values) moves the trailing mean into a range it
 * never took. Raw score = z of the nearest-level distance against earlier distances (as `novelty`), NaN until
 * `minPoints` distances or while fewer than half the window is present.
 *
 * Its expected value and band describe the recent level: the median of the last `window` present values ±
 * k·1.4826·MAD (Hampel), a band that follows the series without being pulled far by one outlier.
 *
 * Method: nearest-neighbour novelty (Pimentel et al. 2014) of a moving average; the band is Hampel's identifier
 * (Hampel 1974). O(window) per point for the band's sorted buffer, O(log capacity) amortised for the novelty.
 */
export const levelDetector: Detector<LevelParams, LevelState> = {
  name: 'level',
  family: 'novelty',
  description: 'novelty of the recent level (trailing mean) against the levels seen before',
  defaults: { window: 24, history: 10000, minPoints: 20, k: 3.5, capacity: 256 },
  calibration: 'standard',
  init(params: Partial<LevelParams>, _context: StreamContext): LevelState {
    const p = { ...levelDetector.defaults, ...params };
    checkParam('level', 'window', p.window, 2, true);
    checkParam('level', 'history', p.history, 1, true);
    checkParam('level', 'minPoints', p.minPoints, 1, true);
    checkParam('level', 'k', p.k, 0);
    checkParam('level', 'capacity', p.capacity, 8, true);
    return {
      kind: 'level',
      version: 2,
      params: p,
      recent: createRing(p.window),
      sorted: createSortedBuffer(p.window),
      sum: 0,
      present: 0,
      levels: 0,
      history: createIntervalHistory(p.history, p.capacity),
      distances: createMoments(),
    };
  },
  update(state: LevelState, _t: number, x: number, out: PointScore): void {
    const p = state.params;
    // the band judges x against the values before it
    if (out.wantBand !== false && state.sorted.size >= Math.max(3, p.window >> 1)) {
      const med = sortedQuantile(state.sorted, 0.5);
      const sd = MAD_TO_SD * sortedMad(state.sorted, med);
      out.expected = med;
      out.lower = med - p.k * sd;
      out.upper = med + p.k * sd;
    }
    const old = pushRing(state.recent, x);
    if (!Number.isNaN(old)) {
      state.sum -= old;
      state.present--;
    }
    if (!Number.isNaN(x)) {
      state.sum += x;
      state.present++;
      replaceSorted(state.sorted, old, x);
    } else if (!Number.isNaN(old)) removeSorted(state.sorted, old);
    const mean = state.recent.filled === p.window && state.present * 2 >= p.window ? state.sum / state.present : NaN;
    if (Number.isNaN(mean)) return;
    const z = noveltyScore(state.history, state.distances, null, 0, p.minPoints, state.levels, mean);
    addToHistory(state.history, mean, state.levels++);
    if (!Number.isNaN(x)) out.score = z;
  },
};
