/**
 * The detector interface. Every detector lives in its own file and is streaming-native: `init` starts a stream
 * (a serialisable state) and `update` takes the next point and writes its raw score, expected value and band,
 * in O(1) or O(log n) amortised time. Batch scoring is the online form run over a series (`scoreSeries`).
 * Detectors are pure: no I/O, no clock, seeded randomness, inputs never mutated; the state is the stream's own
 * and is advanced in place.
 */

/** A stream's state: JSON-serialisable (typed arrays go through `core/stateCodec`), tagged with its detector. */
export interface DetectorState {
  kind: string;
  version: number;
}

/** A fitted model of a detector that refits on history (see `shared/refit.ts`): plain JSON. */
export interface DetectorModel {
  kind: string;
  version: number;
}

/** The input of batch scoring: one regular series (equal spacing `intervalMs`), NaN for missing points. */
export interface DetectorInput {
  /** epoch ms, strictly increasing, regularly spaced by `intervalMs` */
  timestamps: Float64Array;
  /** values, NaN for missing */
  values: Float64Array;
  /** spacing of the points in ms */
  intervalMs: number;
}

/**
 * One point's output:
 * - `score`: raw anomaly score >= 0, larger is more anomalous, in the detector's own unit. NaN where the
 *   detector cannot judge the point (missing value, warm-up). The ensemble calibrates it to a tail probability.
 * - `expected`, `lower`, `upper`: the detector's expected value and band; NaN when it has none.
 * - `wantBand` (set by the caller before `update`, default true): false when the caller will not use this point's
 *   expected value and band (another detector gives them), so the detector may skip computing them.
 */
export interface PointScore {
  score: number;
  expected: number;
  lower: number;
  upper: number;
  wantBand?: boolean;
}

/** Batch output of a detector, every array the input's length (see `PointScore`). */
export interface DetectorOutput {
  score: Float64Array;
  expected: Float64Array;
  lower: Float64Array;
  upper: Float64Array;
}

/**
 * Calibration families of raw scores: `tail` (empirical body plus an exponential tail learned online from the
 * detector's own past scores) or `standard` (the raw score already is a standard normal deviate: the detector
 * standardises itself).
 */
export type CalibrationMethod = 'tail' | 'standard';

export type DetectorFamily = 'novelty' | 'statistical' | 'seasonal' | 'forecast' | 'multivariate' | 'drift';

/** What a stream knows when it starts. */
export interface StreamContext {
  /** spacing of the points in ms (> 0) */
  intervalMs: number;
}

/**
 * One detection method, as a stream.
 *
 * `init(params, context)` validates the parameters (merged over `defaults`) and returns the initial state;
 * `update(state, t, x, out)` advances the state by the point (t epoch ms, x the value or NaN when missing) and
 * writes that point's score, expected value and band into `out`. A point is judged against the points before it
 * only (causal). Detectors that need a heavy fit (decompositions, Prophet, ETS, LSTM, Isolation Forest, ...)
 * refit on past points on a schedule inside `update` and score online in between.
 */
export interface Detector<P extends object = Record<string, unknown>, S extends DetectorState = DetectorState> {
  /** stable name used in options, states (`kind`) and explanations, e.g. `novelty` */
  readonly name: string;
  readonly family: DetectorFamily;
  /** one line for `--help` and docs */
  readonly description: string;
  /** default parameters; `init` merges user parameters over these */
  readonly defaults: P;
  /** how the ensemble turns raw scores into tail probabilities (default `tail`) */
  readonly calibration?: CalibrationMethod;
  /** @throws ParameterError for invalid parameters */
  init(params: Partial<P>, context: StreamContext): S;
  update(state: S, t: number, x: number, out: PointScore): void;
}

/** A fresh point output (all NaN). */
export function emptyPoint(): PointScore {
  return { score: NaN, expected: NaN, lower: NaN, upper: NaN };
}

/** Allocate a batch output of length n filled with NaN. */
export function emptyOutput(n: number): DetectorOutput {
  return {
    score: new Float64Array(n).fill(NaN),
    expected: new Float64Array(n).fill(NaN),
    lower: new Float64Array(n).fill(NaN),
    upper: new Float64Array(n).fill(NaN),
  };
}

/**
 * Batch scoring: start a stream and run it over every point of `input`. Returns the per-point outputs and the
 * final state (to continue the stream later). O(n) updates.
 * @throws ParameterError for invalid parameters
 */
export function scoreSeries<P extends object, S extends DetectorState>(
  detector: Detector<P, S>,
  params: Partial<P>,
  input: DetectorInput,
  state: S = detector.init(params, { intervalMs: input.intervalMs })
): DetectorOutput & { state: S } {
  const n = input.values.length;
  const out = emptyOutput(n);
  const point = emptyPoint();
  for (let i = 0; i < n; i++) {
    point.score = NaN;
    point.expected = NaN;
    point.lower = NaN;
    point.upper = NaN;
    detector.update(state, input.timestamps[i], input.values[i], point);
    out.score[i] = point.score;
    out.expected[i] = point.expected;
    out.lower[i] = point.lower;
    out.upper[i] = point.upper;
  }
  return { ...out, state };
}
