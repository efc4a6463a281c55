/**
 * Shared types of the NAB v1.1 scorer port (Numenta Anomaly Benchmark, Lavin & Ahmad 2015,
 * https://github.com/numenta/NAB, `nab/sweeper.py`).
 */

/** One NAB application profile's weights (`profiles.json` -> `CostMatrix`). */
export interface CostMatrix {
  tpWeight: number;
  fpWeight: number;
  fnWeight: number;
  tnWeight: number;
}

/** `profiles.json`: profile name -> `{ CostMatrix }`. */
export type Profiles = Record<string, { CostMatrix: CostMatrix }>;

/** An anomaly window as `[start, end]` epoch ms (both inclusive, each equal to a row's timestamp). */
export type WindowLimits = [number, number];

/** Row tag: the row lies in the probationary period and is never scored. */
export const PROBATIONARY = -2;
/** Row tag: the row lies outside every window. */
export const OUTSIDE = -1;

/**
 * A file's rows prepared for scoring (NAB's `AnomalyPoint` list), all arrays of the file's length.
 * - `anomalyScore`: the detector's score per row (0-1 by NAB convention)
 * - `sweepScore`: the weighted score the row earns if detected (TP credit inside a window, FP cost outside)
 * - `window`: index of the row's window in the file (0-based), `OUTSIDE`, or `PROBATIONARY`
 */
export interface SweepRows {
  anomalyScore: Float64Array;
  sweepScore: Float64Array;
  window: Int32Array;
  /** number of windows of the file (including any inside the probationary period) */
  windowCount: number;
}

/** Score of a set of rows when every row with `anomalyScore >= threshold` is a detection. */
export interface ThresholdScore {
  threshold: number;
  /** raw NAB score: window credits (TP or -fnWeight) plus FP costs */
  score: number;
  tp: number;
  tn: number;
  fp: number;
  fn: number;
  /** scored rows (tp + tn + fp + fn), i.e. rows after the probationary period */
  total: number;
}
