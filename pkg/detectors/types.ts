/**
 * The detector interface. Every detector lives in its own file, is a pure function pair over typed
 * arrays (no I/O, no clock, seeded randomness, inputs never mutated) and serialises its model to JSON.
 */

/** A fitted model: plain JSON, tagged with the detector's `kind` and a model format `version`. */
export interface DetectorModel {
  kind: string;
  version: number;
}

/** The input a detector sees: one regular series (equal spacing `intervalMs`), NaN for missing points. */
export interface DetectorInput {
  /** epoch ms, strictly increasing, regularly spaced by `intervalMs` */
  timestamps: Float64Array;
  /** values, NaN for missing */
  values: Float64Array;
  /** spacing of the points in ms */
  intervalMs: number;
}

/**
 * Per-point output of a detector, every array the input's length.
 *
 * - `score`: raw anomaly score >= 0, larger is more anomalous, in the detector's own unit (for most,
 *   a deviation in robust standard deviations). NaN where the detector cannot judge the point
 *   (missing value, warm-up). The ensemble calibrates it to a tail probability.
 * - `expected`, `lower`, `upper`: the detector's expected value and band; NaN when it has none.
 */
export interface DetectorOutput {
  score: Float64Array;
  expected: Float64Array;
  lower: Float64Array;
  upper: Float64Array;
}

/** Calibration families of raw scores (see `Detector.calibration`). */
export type CalibrationMethod = 'tail' | 'standard';

export type DetectorFamily = 'statistical' | 'seasonal' | 'forecast' | 'multivariate' | 'drift';

/**
 * One detection method.
 *
 * `fit(train, params)` learns a model from a training series; `score(model, input)` scores every point of
 * `input` (which may include history before the points of interest: rolling methods use it as context).
 * Both throw `ParameterError` for invalid parameters and never mutate their inputs.
 */
export interface Detector<P extends object = Record<string, unknown>, M extends DetectorModel = DetectorModel> {
  /** stable name used in options, models (`kind`) and explanations, e.g. `zscore` */
  readonly name: string;
  readonly family: DetectorFamily;
  /** one line for `--help` and docs */
  readonly description: string;
  /** default parameters; `fit` merges user parameters over these */
  readonly defaults: P;
  /**
   * true when `score` is causal: the score of point t depends only on points <= t (and the model).
   * Non-causal detectors (e.g. a decomposition of the whole input) must be refitted on history for honest
   * streaming evaluation.
   */
  readonly causal: boolean;
  /**
   * How the ensemble turns this detector's raw scores into tail probabilities (default `tail`: empirical body
   * plus an exponential tail; `standard`: the raw score already is a standard normal deviate, probability =
   * its normal upper tail).
   */
  readonly calibration?: CalibrationMethod;
  fit(train: DetectorInput, params?: Partial<P>): M;
  score(model: M, input: DetectorInput): DetectorOutput;
}

/** Allocate an output of length n filled with NaN. */
export function emptyOutput(n: number): DetectorOutput {
  return {
    score: new Float64Array(n).fill(NaN),
    expected: new Float64Array(n).fill(NaN),
    lower: new Float64Array(n).fill(NaN),
    upper: new Float64Array(n).fill(NaN),
  };
}
