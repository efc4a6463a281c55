import { ParameterError } from '../core/errors';
import { checkParam } from './rolling';
import * as moments from './shared/moments';
import { createMoments, type RunningMoments } from './shared/moments';
import type { Detector, DetectorState, PointScore, StreamContext } from './types';

// bound once: hot per-point calls (see docs/architecture.md, "Hot paths")
const { addMoment, standardScore } = moments;

export interface ContextualParams {
  /** previous seasons a value is compared with */
  cycles: number;
  /** phase tolerance in points on either side (a daily rise that comes a few minutes late is not an anomaly) */
  tolerance: number;
  /** the season, in ms (default a day); used when it is a whole number of points, at most `maxPeriod` */
  season: number;
  /** longest season in points kept (memory: cycles × period values) */
  maxPeriod: number;
  /** autocorrelation the season's lag needs (0-1) */
  minStrength: number;
  /** how much the autocorrelation at the season must exceed that at half the season (a peak, not a slow trend) */
  minPeak: number;
  /** half-life of the autocorrelation estimate, points */
  halfLife: number;
  /** earlier distances needed before a point is judged */
  minPoints: number;
}

export interface ContextualState extends DetectorState {
  kind: 'contextual';
  params: ContextualParams;
  /** season length in points (0: no usable season, the detector abstains) */
  period: number;
  /** points seen */
  n: number;
  /** the last cycles × period + tolerance + 1 values */
  ring: Float64Array;
  /** exponentially weighted mean, variance and lag-P, lag-P/2 covariances (the autocorrelation estimate) */
  mean: number;
  variance: number;
  covSeason: number;
  covHalf: number;
  weights: number;
  /** the smallest weight of a new point in the estimate, from the half-life */
  minWeight: number;
  distances: RunningMoments;
}

const DAY_MS = 86_400_000;

/**
 * Contextual (time-of-day) novelty: how far a value lies from every value seen at the same time of day, within
 * `tolerance` points either side, in the previous `cycles` days. A daily rise that does not come, traffic at 3 a.m.
 * like that of noon: values that are ordinary for the series but not for that moment. The distance is standardised
 * against the earlier distances (z, floored at 0), as `novelty` does.
 *
 * The detector judges only while the series is seasonal at that lag: after `cycles` seasons, when the exponentially
 * weighted autocorrelation at the season reaches `minStrength` and exceeds that at half the season by `minPeak` (a
 * daily peak rather than a slow trend or a level shift, which correlate at every lag). Without it the detector
 * abstains (NaN), leaving non-seasonal series to the other members.
 *
 * Expected value and band: the median of the previous seasons' values at that time of day (within the tolerance),
 * and their range without its extremes (the second smallest to the second largest of five or more values), so one
 * anomalous value in the previous days does not widen the band.
 *
 * Method: seasonal-naive comparison with the previous seasons' same phase (Hyndman & Athanasopoulos, "Forecasting:
 * Principles and Practice", section 5.2) as nearest-neighbour novelty (Pimentel et al. 2014); autocorrelation tracked
 * online with exponentially weighted moments. Memory O(cycles · period), O(cycles · tolerance) per point.
 */
export const contextualDetector: Detector<ContextualParams, ContextualState> = {
  name: 'contextual',
  family: 'seasonal',
  description: 'novelty of each value against the same time of day in the previous days',
  defaults: {
    cycles: 3,
    tolerance: 1,
    season: DAY_MS,
    maxPeriod: 2880,
    minStrength: 0.3,
    minPeak: 0.3,
    halfLife: 4032,
    minPoints: 20,
  },
  calibration: 'standard',
  init(params: Partial<ContextualParams>, context: StreamContext): ContextualState {
    const p = { ...contextualDetector.defaults, ...params };
    checkParam('contextual', 'cycles', p.cycles, 1, true);
    checkParam('contextual', 'tolerance', p.tolerance, 0, true);
    checkParam('contextual', 'season', p.season, 1);
    checkParam('contextual', 'maxPeriod', p.maxPeriod, 4, true);
    checkParam('contextual', 'halfLife', p.halfLife, 1);
    checkParam('contextual', 'minPoints', p.minPoints, 1, true);
    for (const key of ['minStrength', 'minPeak'] as const) {
      if (!(p[key] >= 0 && p[key] <= 1)) {
        throw new ParameterError(`contextual: ${key} must be in [0, 1], got ${JSON.stringify(p[key])}`);
      }
    }
    const exact = p.season / context.intervalMs;
    const period = Number.isInteger(exact) && exact >= 4 && exact <= p.maxPeriod ? exact : 0;
    return {
      kind: 'contextual',
      version: 2,
      params: p,
      period,
      n: 0,
      ring: new Float64Array(period ? p.cycles * period + p.tolerance + 1 : 0).fill(NaN),
      mean: 0,
      variance: 0,
      covSeason: 0,
      covHalf: 0,
      weights: 0,
      minWeight: 1 - Math.pow(0.5, 1 / p.halfLife),
      distances: createMoments(),
    };
  },
  update(state: ContextualState, _t: number, x: number, out: PointScore): void {
    const P = state.period;
    const t = state.n++;
    if (P === 0) return;
    const p = state.params;
    const ring = state.ring;
    const len = ring.length;
    if (!Number.isNaN(x)) {
      if (seasonal(state, t)) {
        // one pass over the same phase of earlier cycles: the nearest value, and the values sorted for the band
        const tol = p.tolerance;
        const need = p.cycles * (2 * tol + 1);
        if (scratch.length < need) scratch = new Float64Array(need);
        let best = Infinity;
        let seen = 0;
        for (let c = 1; c <= p.cycles; c++) {
          const first = t - c * P - tol;
          let k = (((first % len) + len) % len) - 1;
          for (let j = first; j <= first + 2 * tol; j++) {
            k = k + 1 === len ? 0 : k + 1;
            if (j < 0 || j >= t) continue;
            const v = ring[k];
            if (v !== v) continue; // NaN: missing
            const e = x > v ? x - v : v - x;
            if (e < best) best = e;
            // insertion into the sorted prefix
            let i = seen++;
            while (i > 0 && scratch[i - 1] > v) {
              scratch[i] = scratch[i - 1];
              i--;
            }
            scratch[i] = v;
          }
        }
        if (seen >= (2 * p.tolerance + 1) * Math.min(p.cycles, 3)) {
          out.score = standardScore(state.distances, best, p.minPoints);
          addMoment(state.distances, best);
          if (out.wantBand !== false) envelope(seen, out);
        }
      }
      // exponentially weighted autocorrelation at the season and at half of it (equal weights at first)
      state.weights++;
      const a = Math.max(1 / state.weights, state.minWeight);
      const dx = x - state.mean;
      state.mean += a * dx;
      state.variance = (1 - a) * (state.variance + a * dx * dx);
      const xs = t >= P ? ring[(t - P) % len] : NaN;
      const xh = t >= P >> 1 ? ring[(t - (P >> 1)) % len] : NaN;
      if (!Number.isNaN(xs)) state.covSeason = (1 - a) * state.covSeason + a * (x - state.mean) * (xs - state.mean);
      if (!Number.isNaN(xh)) state.covHalf = (1 - a) * state.covHalf + a * (x - state.mean) * (xh - state.mean);
    }
    ring[t % len] = x;
  },
};

/** Whether the series is seasonal at the period (see the detector's description). */
function seasonal(state: ContextualState, t: number): boolean {
  const p = state.params;
  if (t < p.cycles * state.period || !(state.variance > 0)) return false;
  const atSeason = state.covSeason / state.variance;
  const atHalf = state.covHalf / state.variance;
  return atSeason >= p.minStrength && atSeason - atHalf >= p.minPeak;
}

/** Scratch space of `update`: the values around a phase, sorted in place (cycles × (2 × tolerance + 1) at most). */
let scratch = new Float64Array(64);

/**
 * Expected value (median) and band (range without its extremes) of the `m` sorted values in `scratch`: the previous
 * seasons' values around this point's phase.
 */
function envelope(m: number, out: PointScore): void {
  const h = m >> 1;
  out.expected = m % 2 ? scratch[h] : (scratch[h - 1] + scratch[h]) / 2;
  // the second smallest and second largest: one anomalous value in the previous days does not widen the band
  const robust = m >= 5 ? 1 : 0;
  out.lower = scratch[robust];
  out.upper = scratch[m - 1 - robust];
}

/** Autocorrelation estimates of a stream at its season and half-season (NaN before any variance). */
export function seasonalStrength(state: ContextualState): { season: number; half: number } {
  if (!(state.variance > 0)) return { season: NaN, half: NaN };
  return { season: state.covSeason / state.variance, half: state.covHalf / state.variance };
}
