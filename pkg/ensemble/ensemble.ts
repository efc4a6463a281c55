import { ParameterError } from '../core/errors';
import { DEFAULT_DETECTORS, getDetector, type AnyDetector } from '../detectors/registry';
import { emptyPoint, type PointScore, type StreamContext } from '../detectors/types';
import * as calibration from './calibration';
import { createTailCalibration } from './calibration';
import type { EnsembleOptions, EnsemblePoint, EnsembleState } from './types';

// bound once: hot per-point calls (see docs/architecture.md, "Hot paths")
const { calibratedTail, normalDeviate, normalTail, observeCalibration, probabilityToScore } = calibration;

/**
 * The default ensemble, the product's best configuration (measured on the NAB development data, leave one category
 * out, and on the sample web logs; see docs/benchmarks.md): new values at full weight, new levels, the contextual
 * (time-of-day) view and new spreads at the weights that make their calibrated scores comparable with it; a point
 * is anomalous when any detector's score reaches the threshold.
 */
export const DEFAULT_ENSEMBLE: EnsembleOptions = {
  detectors: DEFAULT_DETECTORS,
  weights: { novelty: 1, level: 0.2, contextual: 0.1, volatility: 0.2 },
  mode: 'any',
  threshold: 37,
};

/**
 * Merge user options over the defaults and validate them. Choosing detectors drops the default weights of the
 * detectors not chosen (a chosen detector without a weight has weight 1).
 * @throws ParameterError for an unknown detector, a bad mode, weight or threshold
 */
export function resolveEnsembleOptions(options: Partial<EnsembleOptions> = {}): EnsembleOptions {
  const given = stripUndefined(options);
  const o: EnsembleOptions = { ...DEFAULT_ENSEMBLE, ...given };
  if (!Array.isArray(o.detectors) || o.detectors.length === 0) throw new ParameterError('choose at least one detector');
  for (const name of o.detectors) getDetector(name);
  if (new Set(o.detectors).size !== o.detectors.length) {
    throw new ParameterError(`detectors are listed twice: ${o.detectors.join(', ')}`);
  }
  if (given.weights === undefined) {
    const defaults = DEFAULT_ENSEMBLE.weights ?? {};
    o.weights = Object.fromEntries(o.detectors.filter((d) => d in defaults).map((d) => [d, defaults[d]]));
  }
  if (o.mode !== 'majority' && o.mode !== 'any') {
    throw new ParameterError(`mode must be "majority" or "any", got ${JSON.stringify(o.mode)}`);
  }
  if (!(typeof o.threshold === 'number' && o.threshold >= 0 && o.threshold <= 100))
    throw new ParameterError(`threshold must be 0-100, got ${JSON.stringify(o.threshold)}`);
  for (const [name, w] of Object.entries(o.weights ?? {})) {
    if (!o.detectors.includes(name))
      throw new ParameterError(`weight given for "${name}", which is not a chosen detector`);
    if (!(typeof w === 'number' && w >= 0 && Number.isFinite(w))) {
      throw new ParameterError(`weight of "${name}" must be a number >= 0, got ${JSON.stringify(w)}`);
    }
  }
  for (const name of Object.keys(o.params ?? {})) {
    if (!o.detectors.includes(name))
      throw new ParameterError(`parameters given for "${name}", which is not a chosen detector`);
  }
  return o;
}

/**
 * Start a running ensemble for a stream: every chosen detector's initial state (parameters validated) and, for
 * detectors calibrated by their tail, an empty calibration.
 * @throws ParameterError for invalid options or detector parameters
 */
export function startEnsemble(options: Partial<EnsembleOptions>, context: StreamContext): EnsembleState {
  const o = resolveEnsembleOptions(options);
  const members = o.detectors.map((name) => {
    const d = getDetector(name);
    return {
      name,
      weight: o.weights?.[name] ?? 1,
      state: d.init(o.params?.[name] ?? {}, context),
      calibration: (d.calibration ?? 'tail') === 'tail' ? createTailCalibration() : null,
      active: false,
    };
  });
  return { kind: 'ensemble', version: 2, options: o, members };
}

/** A reusable output for `updateEnsemble` (one per stream loop). */
export function ensemblePoint(state: EnsembleState): EnsemblePoint {
  return {
    score: NaN,
    strength: NaN,
    anomalous: false,
    confidence: NaN,
    direction: 0,
    expected: NaN,
    lower: NaN,
    upper: NaN,
    strengths: new Float64Array(state.members.length),
  };
}

const scratch: PointScore = emptyPoint();

/**
 * Advance the ensemble by one point and combine its detectors:
 *
 * 1. each detector scores the point (raw score, expected value, band) from its own state;
 * 2. its raw score becomes a normal score z: a `standard` detector's score is one already; a `tail` detector's is
 *    the normal deviate of its calibrated tail probability (`calibratedTail`, learned online from its past scores);
 * 3. its 0-100 score is that of the upper tail of weight · z (`probabilityToScore`), and it votes when that reaches the
 *    threshold;
 * 4. the anomaly score is the highest detector score; the point is anomalous when the score reaches the threshold and
 *    the vote rule holds (`any`: one vote; `majority`: at least half the weight of the detectors active so far);
 * 5. the expected value and band are those of the first detector that has one, seasonal and forecasting detectors
 *    first (they know the time of day); direction = sign(x - expected).
 *
 * The maximum of calibrated scores is a union (OR) rule over detectors with comparable false-alarm rates (as in
 * earthgecko Skyline's consensus of simple algorithms, here with calibrated rather than binary votes); each event can
 * say which detectors saw it and how strongly. O(detectors) per point plus the detectors' own cost.
 */
export function updateEnsemble(state: EnsembleState, t: number, x: number, out: EnsemblePoint): void {
  const o = state.options;
  let resolved = out.resolved;
  if (!resolved || resolved.state !== state) {
    // resolved once per point object and state: the registry lookups and the vote's normal score stay off the hot path
    resolved = {
      state,
      detectors: state.members.map((m) => getDetector(m.name)),
      voteAt: voteStrength(state.options.threshold),
    };
    out.resolved = resolved;
  }
  const voteAt = resolved.voteAt;
  let strength = NaN;
  let judged = 0;
  let voted = 0;
  let votedWeight = 0;
  let active = 0;
  let bandRank = Infinity;
  out.expected = NaN;
  out.lower = NaN;
  out.upper = NaN;
  const detectors = resolved.detectors as AnyDetector[];
  for (let k = 0; k < state.members.length; k++) {
    const m = state.members[k];
    const detector = detectors[k];
    scratch.score = NaN;
    scratch.expected = NaN;
    scratch.lower = NaN;
    scratch.upper = NaN;
    const seasonal = detector.family === 'seasonal' || detector.family === 'forecast';
    // a detector's band is used unless a detector that knows the time of day (or an earlier one) gave one
    scratch.wantBand = seasonal ? bandRank >= state.members.length : bandRank === Infinity;
    detector.update(m.state, t, x, scratch);
    const raw = scratch.score;
    let z: number;
    if (m.calibration) {
      z = normalDeviate(calibratedTail(m.calibration, raw));
      observeCalibration(m.calibration, raw);
    } else {
      z = raw;
    }
    const weighted = m.weight * z;
    out.strengths[k] = weighted;
    if (!Number.isNaN(weighted)) {
      m.active = true;
      judged++;
      if (!(weighted <= strength)) strength = weighted;
      if (weighted >= voteAt) {
        voted++;
        votedWeight += m.weight;
      }
    }
    if (m.active) active += m.weight;
    if (!Number.isNaN(scratch.expected)) {
      const rank = seasonal ? k : state.members.length + k;
      if (rank < bandRank) {
        bandRank = rank;
        out.expected = scratch.expected;
        out.lower = scratch.lower;
        out.upper = scratch.upper;
      }
    }
  }
  out.strength = strength;
  out.score = detectorScore(strength);
  out.confidence = judged > 0 ? voted / judged : NaN;
  out.direction = Number.isNaN(x) || Number.isNaN(out.expected) ? 0 : Math.sign(x - out.expected);
  const vote = o.mode === 'any' ? voted > 0 : voted > 0 && votedWeight >= active / 2;
  out.anomalous = vote && out.score >= o.threshold;
}

/**
 * A detector's (or the ensemble's) 0-100 score from its weighted normal score z: that of its upper tail
 * (`probabilityToScore`: p = 1e-3 scores 50, p <= 1e-6 scores 100). NaN stays NaN.
 */
export function detectorScore(z: number): number {
  return Number.isNaN(z) ? NaN : probabilityToScore(normalTail(z, 0, 1));
}

/** The weighted normal score at which a detector's score reaches the threshold (0-100). */
function voteStrength(threshold: number): number {
  if (threshold <= 0) return -Infinity;
  return threshold >= 100 ? normalDeviate(1e-6) : normalDeviate(10 ** ((-6 * threshold) / 100));
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
