import { ParameterError } from '../core/errors';
import { DEFAULT_DETECTORS, getDetector } from '../detectors/registry';
import { detectPeriods } from '../features/seasonality';
import type { DetectorInput, DetectorOutput } from '../detectors/types';
import { fitCalibration, OnlineCalibration, probabilityToScore, tailProbability } from './calibration';
import type { EnsembleModel, EnsembleOptions, EnsembleOutput } from './types';

/** Defaults, chosen by measurement on the development data (NAB and the sample web logs; see README). */
export const DEFAULT_ENSEMBLE: EnsembleOptions = {
  detectors: DEFAULT_DETECTORS,
  mode: 'majority',
  voteProbability: 1e-3,
  threshold: 25,
};

/**
 * Merge user options over the defaults and validate them.
 * @throws ParameterError for an unknown detector, a bad mode, weight, probability or threshold
 */
export function resolveEnsembleOptions(options: Partial<EnsembleOptions> = {}): EnsembleOptions {
  const o: EnsembleOptions = { ...DEFAULT_ENSEMBLE, ...stripUndefined(options) };
  if (!Array.isArray(o.detectors) || o.detectors.length === 0) throw new ParameterError('choose at least one detector');
  for (const name of o.detectors) getDetector(name);
  if (new Set(o.detectors).size !== o.detectors.length) {
    throw new ParameterError(`detectors are listed twice: ${o.detectors.join(', ')}`);
  }
  if (o.mode !== 'majority' && o.mode !== 'any') {
    throw new ParameterError(`mode must be "majority" or "any", got ${JSON.stringify(o.mode)}`);
  }
  if (!(o.voteProbability > 0 && o.voteProbability < 1)) {
    throw new ParameterError(`voteProbability must be in (0, 1), got ${o.voteProbability}`);
  }
  if (!(o.threshold >= 0 && o.threshold <= 100))
    throw new ParameterError(`threshold must be 0-100, got ${o.threshold}`);
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
 * Fit every chosen detector on the training series and calibrate each one's raw scores on that same series.
 * Seasonality is detected once (augurs' periodogram) and shared: season-aware detectors (`season` parameter)
 * judge residuals against the same phase of past seasons, the `seasonal` detector decomposes with the periods.
 *
 * @param train regular series (see DetectorInput); not mutated
 * @param options ensemble options over `DEFAULT_ENSEMBLE`
 * @returns a JSON-serialisable ensemble model
 * @throws ParameterError for invalid options or detector parameters
 */
export function fitEnsemble(train: DetectorInput, options: Partial<EnsembleOptions> = {}): EnsembleModel {
  const opts = resolveEnsembleOptions(options);
  const periods = needsSeason(opts) ? detectPeriods(train.values, 2, train.intervalMs) : [];
  const members = opts.detectors.map((name) => {
    const detector = getDetector(name);
    const params: Record<string, unknown> = { ...(opts.params?.[name] ?? {}) };
    // share the detected seasonality: season-aware detectors judge residuals against the same phase
    if ('season' in detector.defaults && params.season === undefined) params.season = periods[0] ?? 0;
    if (name === 'seasonal' && params.periods === undefined && periods.length) params.periods = periods;
    const model = detector.fit(train, params);
    const raw = detector.score(model, train).score;
    return { name, model, calibration: fitCalibration(raw, detector.calibration ?? 'tail') };
  });
  return { kind: 'ensemble', version: 1, options: opts, members };
}

export interface ScoreEnsembleOptions {
  /**
   * `fitted` (default) calibrates with the model's stored calibration; `online` calibrates the score at
   * point t against the training distribution plus the raw scores of points before t only (honest streaming).
   */
  calibration?: 'fitted' | 'online';
}

/**
 * Score a series with a fitted ensemble: each detector's raw score becomes a tail probability, then a 0-100
 * score; detectors vote when their probability is below `voteProbability`; the ensemble anomaly score is the
 * weight-averaged score of the detectors that judged the point, and a point is anomalous when the vote rule
 * holds (`majority`: at least half the weight of the detectors active on the series; `any`: one) and the score reaches `threshold`.
 *
 * @returns per-point arrays the length of `input` (see EnsembleOutput)
 */
export function scoreEnsemble(
  model: EnsembleModel,
  input: DetectorInput,
  options: ScoreEnsembleOptions = {}
): EnsembleOutput {
  const outputs = model.members.map((m) => getDetector(m.name).score(m.model, input));
  return combineScores(model, input, outputs, options);
}

/**
 * The ensemble's combination step on detector outputs computed elsewhere (e.g. by a streaming runner that
 * refits a non-causal detector on history): calibration, 0-100 scores, vote, expected value and band, exactly as
 * `scoreEnsemble` does.
 *
 * @param outputs one DetectorOutput per member, in `model.members` order, each the length of `input`
 */
export function combineScores(
  model: EnsembleModel,
  input: DetectorInput,
  outputs: DetectorOutput[],
  options: ScoreEnsembleOptions = {}
): EnsembleOutput {
  const n = input.values.length;
  const opts = model.options;
  const contributions: Record<string, Float64Array> = {};
  const probabilities = model.members.map((m, d) => {
    const raw = outputs[d].score;
    const p = new Float64Array(n);
    if (options.calibration === 'online') {
      const cal = OnlineCalibration.continuing(m.calibration);
      for (let i = 0; i < n; i++) {
        p[i] = cal.probability(raw[i]);
        cal.observe(raw[i]);
      }
    } else {
      for (let i = 0; i < n; i++) p[i] = tailProbability(m.calibration, raw[i]);
    }
    contributions[m.name] = p.map(probabilityToScore);
    return p;
  });
  const weights = model.members.map((m) => opts.weights?.[m.name] ?? 1);
  // the vote counts the weight of detectors active on this series (those that judge any point), so that a
  // detector still warming up does not lower the bar for the others
  let activeWeight = 0;
  probabilities.forEach((p, d) => {
    if (p.some((x) => !Number.isNaN(x))) activeWeight += weights[d];
  });

  const score = new Float64Array(n).fill(NaN);
  const anomalous = new Uint8Array(n);
  const confidence = new Float64Array(n).fill(NaN);
  const direction = new Int8Array(n);
  const expected = new Float64Array(n).fill(NaN);
  const lower = new Float64Array(n).fill(NaN);
  const upper = new Float64Array(n).fill(NaN);
  const scratch: number[] = [];

  for (let i = 0; i < n; i++) {
    let judged = 0;
    let voted = 0;
    let sum = 0;
    for (let d = 0; d < model.members.length; d++) {
      const p = probabilities[d][i];
      if (Number.isNaN(p) || weights[d] === 0) continue;
      judged += weights[d];
      sum += weights[d] * contributions[model.members[d].name][i];
      if (p < opts.voteProbability) voted += weights[d];
    }
    expected[i] = medianAt(outputs, 'expected', i, scratch);
    lower[i] = medianAt(outputs, 'lower', i, scratch);
    upper[i] = medianAt(outputs, 'upper', i, scratch);
    const x = input.values[i];
    if (!Number.isNaN(x) && !Number.isNaN(expected[i])) direction[i] = Math.sign(x - expected[i]);
    if (judged === 0) continue;
    score[i] = sum / judged;
    confidence[i] = voted / judged;
    const voteHolds = opts.mode === 'any' ? voted > 0 : voted > 0 && voted >= activeWeight / 2;
    if (voteHolds && score[i] >= opts.threshold) anomalous[i] = 1;
  }
  return { score, anomalous, confidence, direction, expected, lower, upper, contributions };
}

/** Whether any chosen detector takes its seasonality from the ensemble (so periods must be detected once). */
function needsSeason(opts: EnsembleOptions): boolean {
  return opts.detectors.some((name) => {
    const d = getDetector(name);
    const p = opts.params?.[name] ?? {};
    return ('season' in d.defaults && p.season === undefined) || (name === 'seasonal' && p.periods === undefined);
  });
}

function medianAt(
  outputs: DetectorOutput[],
  key: 'expected' | 'lower' | 'upper',
  i: number,
  scratch: number[]
): number {
  scratch.length = 0;
  for (const o of outputs) {
    const v = o[key][i];
    if (!Number.isNaN(v)) scratch.push(v);
  }
  if (scratch.length === 0) return NaN;
  scratch.sort((a, b) => a - b);
  const m = scratch.length >> 1;
  return scratch.length % 2 ? scratch[m] : (scratch[m - 1] + scratch[m]) / 2;
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
