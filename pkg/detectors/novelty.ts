import { ParameterError } from '../core/errors';
import { checkParam } from './rolling';
import * as intervals from './shared/intervalHistory';
import { createIntervalHistory, type IntervalHistory } from './shared/intervalHistory';
import * as moments from './shared/moments';
import { createMoments, type RunningMoments } from './shared/moments';
import type { Detector, DetectorState, PointScore, StreamContext } from './types';

/** Default hold of a novel value: six hours, the event logic's refractory window (`ensemble/events.ts` ONSET_MS). */
const HOLD_MS = 6 * 3_600_000;
/** Default window of the new-normal share: an hour. */
const ADMIT_MS = 3_600_000;

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
  /** a value scoring at least this (normal deviate) is held out of the history for `holdPoints` (0 = never) */
  holdScore: number;
  /** points a held value waits before it joins the history (0 = six hours of the series' interval) */
  holdPoints: number;
  /** held values all join the history once this share of the last `admitPoints` points was held (a new normal) */
  admitShare: number;
  /** the window of that share, points (0 = an hour of the series' interval, at least 12 points) */
  admitPoints: number;
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
  /** held values and the point index each was held at, oldest first (a ring of `held.length`) */
  held: Float64Array;
  heldAt: Float64Array;
  heldHead: number;
  heldSize: number;
  /** 1 for each of the last `admitPoints` points that was held (ring), and their number */
  recent: Uint8Array;
  recentHeld: number;
  /** 1 when the previous present value was held */
  lastHeld: number;
  /** the resolved hold, points */
  hold: number;
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
  x: number,
  distance?: number
): number {
  if (values.n === 0 && distance === undefined) return NaN;
  const d = distance ?? historyDistance(values, x);
  if (!Number.isFinite(d)) return NaN;
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
 * Held values: a value scoring `holdScore` or more (an incident) joins the history only `holdPoints` later (six hours
 * by default, the event logic's refractory window), so that a repeat of the incident within that time is as novel
 * as the first time (an error burst that comes back 80 minutes later still scores 100) instead of matching what the
 * incident itself left in the history. Only the first value of a repeat (after a value that was not held) is judged
 * against the history alone; the values after it are judged with the held ones, so a series wandering into new
 * ranges does not score each step as a new incident. The standardisation counts the distance to the history and the
 * held values together, so calibration is that of a history that took every value at once. When half the points of
 * the last hour (`admitShare` of `admitPoints`) were held, the series has a new normal and every held value joins
 * the history at once. Beyond the hold a repeat is familiar, as before. At most 256 values are held (the oldest
 * joins first). Measured on NAB (`npm run bench:nab`): 80.0 -> 80.3 standard, 37 false alerts instead of 40;
 * without the shared standardisation (held values simply left out) the same hold cost 3.4 points.
 *
 * Method: nearest-neighbour distance novelty (Pimentel, Clifton, Clifton & Tarassenko, "A review of novelty
 * detection", Signal Processing 99, 2014, section 4.1) in one dimension, the "spatial anomaly" idea of Numenta's NAB
 * detector generalised to any unseen range; the gate is a one-dimensional local outlier factor (Breunig, Kriegel, Ng
 * & Sander, "LOF: identifying density-based local outliers", SIGMOD 2000). The history is a compact set of value
 * ranges (`shared/intervalHistory`). O(log capacity) amortised per point plus O(gateNeighbours) for the gate and
 * O(held values) for the hold (none most of the time, at most 256).
 *
 * @example scoreSeries(noveltyDetector, {}, input).score // [NaN, …, 0, 0, 6.2, 0, …]
 */
export const noveltyDetector: Detector<NoveltyParams, NoveltyState> = {
  name: 'novelty',
  family: 'novelty',
  description: 'novelty of each value against all values seen before (nearest-neighbour distance, density-gated)',
  defaults: {
    history: 10000,
    minPoints: 20,
    gateNeighbours: 40,
    capacity: 256,
    holdScore: 4,
    holdPoints: 0,
    admitShare: 0.5,
    admitPoints: 0,
  },
  calibration: 'standard',
  init(params: Partial<NoveltyParams>, context: StreamContext): NoveltyState {
    const p = { ...noveltyDetector.defaults, ...params };
    checkParam('novelty', 'holdScore', p.holdScore, 0);
    checkParam('novelty', 'holdPoints', p.holdPoints, 0, true);
    checkParam('novelty', 'admitShare', p.admitShare, 0);
    checkParam('novelty', 'admitPoints', p.admitPoints, 0, true);
    if (p.admitShare > 1) throw new ParameterError(`novelty: admitShare must be at most 1, got ${p.admitShare}`);
    const hold = p.holdPoints > 0 ? p.holdPoints : Math.max(3, Math.ceil(HOLD_MS / context.intervalMs));
    const admit = p.admitPoints > 0 ? p.admitPoints : Math.max(12, Math.ceil(ADMIT_MS / context.intervalMs));
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
      held: new Float64Array(Math.min(hold, 256)),
      heldAt: new Float64Array(Math.min(hold, 256)),
      heldHead: 0,
      heldSize: 0,
      recent: new Uint8Array(admit),
      recentHeld: 0,
      lastHeld: 0,
      hold,
    };
  },
  update(state: NoveltyState, _t: number, x: number, out: PointScore): void {
    const p = state.params;
    if (Number.isNaN(x)) return;
    const t = state.n++;
    // a state saved before values were held has no held values and keeps adding every value at once
    const holding = p.holdScore > 0 && state.held !== undefined;
    if (!holding || (state.heldSize === 0 && state.recentHeld === 0)) {
      // nothing held and nothing held in the last hour: the plain score (the common path)
      const z = noveltyScore(state.values, state.distances, state.relative, p.gateNeighbours, p.minPoints, t, x);
      out.score = z;
      if (holding && z >= p.holdScore) keepOrHold(state, x, t, true);
      else {
        if (holding) state.lastHeld = 0;
        addToHistory(state.values, x, t);
      }
      return;
    }
    const cap = state.held.length;
    // held values whose time is up join the history
    while (state.heldSize > 0 && t - state.heldAt[state.heldHead] >= state.hold) admitOldest(state, t);
    // the distance to the history and to the held values: the score as if every value had joined at once
    const dMain = historyDistance(state.values, x);
    let dHeld = Infinity;
    for (let i = 0, k = state.heldHead; i < state.heldSize; i++, k = k + 1 === cap ? 0 : k + 1) {
      const e = Math.abs(x - state.held[k]);
      if (e < dHeld) dHeld = e;
    }
    let z = noveltyScore(
      state.values,
      state.distances,
      state.relative,
      p.gateNeighbours,
      p.minPoints,
      t,
      x,
      Math.min(dMain, dHeld)
    );
    // the first value of a repeat (near held values only, after a value that was not held) is as novel as against the
    // history alone; the values after it are judged with the held ones, so a series wandering into new ranges does
    // not score every step as a new incident
    if (dHeld < dMain && state.values.n > 0 && !state.lastHeld) {
      const zr = standardScore(state.distances, dMain, p.minPoints);
      if (zr > z) z = zr;
    }
    out.score = z;
    keepOrHold(state, x, t, z >= p.holdScore);
  },
};

/**
 * After a value is scored: hold it (`hold`) or add it to the history, keeping the last hour's share of held values;
 * when that share reaches `admitShare`, every held value joins the history (a new normal). O(1) amortised.
 */
function keepOrHold(state: NoveltyState, x: number, t: number, hold: boolean): void {
  const p = state.params;
  const cap = state.held.length;
  state.lastHeld = hold ? 1 : 0;
  const slot = t % state.recent.length;
  state.recentHeld += (hold ? 1 : 0) - state.recent[slot];
  state.recent[slot] = hold ? 1 : 0;
  if (state.recentHeld >= p.admitShare * state.recent.length) {
    // a new normal: everything held joins the history
    while (state.heldSize > 0) admitOldest(state, t);
    addToHistory(state.values, x, t);
    return;
  }
  if (!hold) {
    addToHistory(state.values, x, t);
    return;
  }
  if (state.heldSize === cap) admitOldest(state, t);
  const k = (state.heldHead + state.heldSize) % cap;
  state.held[k] = x;
  state.heldAt[k] = t;
  state.heldSize++;
}

/** The oldest held value joins the history (as of point `t`). */
function admitOldest(state: NoveltyState, t: number): void {
  addToHistory(state.values, state.held[state.heldHead], t);
  state.heldHead = (state.heldHead + 1) % state.held.length;
  state.heldSize--;
}
