import type { VoteMode } from '../contract/rules';
import type { DetectorModel } from '../detectors/types';

/** Ensemble configuration. Every field has a measured default (see `DEFAULT_ENSEMBLE`). */
export interface EnsembleOptions {
  /** detector names, e.g. `['zscore', 'mad', 'iqr', 'spike', 'seasonal']` */
  detectors: string[];
  /** per-detector parameters, merged over each detector's defaults */
  params?: Record<string, Record<string, unknown>>;
  /** per-detector vote weights (default 1) */
  weights?: Record<string, number>;
  mode: VoteMode;
  /** a detector votes when its calibrated tail probability is below this (0-1) */
  voteProbability: number;
  /** minimum ensemble anomaly score (0-100) for a point to count as anomalous */
  threshold: number;
}

/** A fitted ensemble: each detector's model plus its score calibration. Plain JSON. */
export interface EnsembleModel {
  kind: 'ensemble';
  version: number;
  options: EnsembleOptions;
  members: { name: string; model: DetectorModel; calibration: CalibrationModel }[];
}

/**
 * Maps a detector's raw score to a tail probability P(S >= s): empirical below the `threshold`
 * quantile, an exponential tail above it (peaks-over-threshold, as in SPOT: Siffer et al., KDD 2017).
 */
export interface CalibrationModel {
  kind: 'calibration';
  version: number;
  /** raw scores at evenly spaced quantile levels 0..1 (ascending) */
  quantiles: number[];
  /** tail starts at this raw score, holding `tailMass` of the probability */
  threshold: number;
  tailMass: number;
  /** scale of the exponential tail (mean excess over the threshold) */
  scale: number;
  /**
   * `standard` (the detector's `calibration`): the raw score is a standard normal deviate and the probability
   * its normal upper tail; the fields above are then kept for reference only. Absent means `tail`.
   */
  method?: 'standard';
}

/**
 * Per-point ensemble output for one series; every array has the series' length.
 * - `score`: anomaly score 0-100 (NaN when no detector could judge the point)
 * - `anomalous`: 1 when the point is anomalous under the vote rule and threshold
 * - `confidence`: share (0-1) of detector weight that voted
 * - `direction`: 1 above expected, -1 below, 0 when unknown or equal
 * - `contributions`: each detector's own 0-100 score
 */
export interface EnsembleOutput {
  score: Float64Array;
  anomalous: Uint8Array;
  confidence: Float64Array;
  direction: Int8Array;
  expected: Float64Array;
  lower: Float64Array;
  upper: Float64Array;
  contributions: Record<string, Float64Array>;
}
