import { checkParam } from './rolling';
import * as intervals from './shared/intervalHistory';
import { createIntervalHistory, type IntervalHistory } from './shared/intervalHistory';
import * as moments from './shared/moments';
import { createMoments, type RunningMoments } from './shared/moments';
import type { Detector, DetectorState, PointScore, StreamContext } from './types';

// bound once: hot per-point calls (see docs/architecture.md, "Hot paths")
const { addMoment, standardScore } = moments;
const { addToHistory, historyDistance, historySpacing } = intervals;

export interface NoveltyParams {
  /** how many earlier points a value is compared with (the trailing history, in points) */
  history: number;
  /** earlier novelty distances needed before a point is judged (for their mean and standard deviation) */
  minPoints: number;
  /** neighbours on each side that measure the local spacing of the history around a value (0 = no gate) */
  gateNeighbours: number;
  /** value ranges the history keeps (memory and resolution) */
  capacity: number;
}

export interface NoveltyState extends DetectorState {
  kind: 'novelty';
  params: NoveltyParams;
  /** points seen */
  n: number;
  values: IntervalHistory;
  distances: RunningMoments;
  /** moments of the log relative distances (the gate) */
  relative: RunningMoments;
}

/**
 * A novelty distance, standardised and gated; the shared core of `novelty`, `level` and `volatility`.
 *
 * d = distance from x to the nearest value of the history (0 for a value seen before, large for a level never
 * visited). z_d = (d - mean) / sd of the earlier distances (Welford), floored at 0. With a gate, the distance is also
 * judged relative to how densely the history is populated around x: r = d / (2 · spacing of the `k` nearest values on
 * each side), z_r = the standardised log(1 + r), and the score is min(z_d, z_r): a value that lands in a sparse
 * region (a new record in a series whose records keep growing) is not novel just because its distance is large.
 * NaN until `minPoints` distances (and, for the gate, 2k + 1 points).
 */
export function noveltyScore(
  values: IntervalHistory,
  distances: RunningMoments,
  relative: RunningMoments | null,
  gate: number,
  minPoints: number,
  n: number,
  x: number
): number {
  if (values.n === 0) return NaN;
  const d = historyDistance(values, x);
  let z = standardScore(distances, d, minPoints);
  addMoment(distances, d);
  if (relative && gate > 0 && n >= 2 * gate + 1) {
    const spacing = Math.max(historySpacing(values, x, gate), 1e-12);
    const r = d > 0 ? Math.log1p(d / (2 * spacing)) : 0;
    const zr = standardScore(relative, r, minPoints);
    addMoment(relative, r);
    if (!Number.isNaN(zr)) z = Math.min(z, zr);
  }
  return z;
}

/**
 * Value novelty: how far each value lies from the nearest value the series took in its last `history` points,
 * standardised against the earlier such distances and gated by the local density of the history (see
 * `noveltyScore`). No expected value or band. The ensemble reads the score as the normal deviate it is
 * (`calibration: 'standard'`).
 *
 * Method: nearest-neighbour distance novelty (Pimentel, Clifton, Clifton & Tarassenko, "A review of novelty
 * detection", Signal Processing 99, 2014, section 4.1) in one dimension, the "spatial anomaly" idea of Numenta's NAB
 * detector generalised to any unseen range; the gate is a one-dimensional local outlier factor (Breunig, Kriegel, Ng
 * & Sander, "LOF: identifying density-based local outliers", SIGMOD 2000). The history is a compact set of value
 * ranges (`shared/intervalHistory`). O(log capacity) amortised per point plus O(gateNeighbours) for the gate.
 *
 * @example scoreSeries(noveltyDetector, {}, input).score // [NaN, …, 0, 0, 6.2, 0, …]
 */
export const noveltyDetector: Detector<NoveltyParams, NoveltyState> = {
  name: 'novelty',
  family: 'novelty',
  description: 'novelty of each value against all values seen before (nearest-neighbour distance, density-gated)',
  defaults: { history: 10000, minPoints: 20, gateNeighbours: 40, capacity: 256 },
  calibration: 'standard',
  init(params: Partial<NoveltyParams>, _context: StreamContext): NoveltyState {
    const p = { ...noveltyDetector.defaults, ...params };
    checkParam('novelty', 'history', p.history, 1, true);
    checkParam('novelty', 'minPoints', p.minPoints, 1, true);
    checkParam('novelty', 'gateNeighbours', p.gateNeighbours, 0, true);
    checkParam('novelty', 'capacity', p.capacity, 8, true);
    return {
      kind: 'novelty',
      version: 3,
      params: p,
      n: 0,
      values: createIntervalHistory(p.history, p.capacity),
      distances: createMoments(),
      relative: createMoments(),
    };
  },
  update(state: NoveltyState, _t: number, x: number, out: PointScore): void {
    const p = state.params;
    if (Number.isNaN(x)) return;
    out.score = noveltyScore(state.values, state.distances, state.relative, p.gateNeighbours, p.minPoints, state.n, x);
    addToHistory(state.values, x, state.n++);
  },
};
