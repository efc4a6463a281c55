import type { Labels } from '../core/series';
import type { DetectorModel } from '../detectors/types';

/** Severity bands of the 0-100 anomaly score: 75+ critical, 50+ major, 25+ minor, else warning. */
export type Severity = 'critical' | 'major' | 'minor' | 'warning';

/** How detector votes combine: `majority` needs more than half the weight to vote, `any` needs one. */
export type VoteMode = 'majority' | 'any';

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

/** Consecutive anomalous points merged into one event, with the reasons. Times are epoch ms. */
export interface AnomalyEvent {
  start: number;
  /** timestamp of the last anomalous point of the event */
  end: number;
  labels: Labels;
  severity: Severity;
  /** peak anomaly score (0-100) */
  score: number;
  /** timestamp of the peak */
  peak: number;
  /** each voting detector's score (0-100) at the peak */
  detectors: Record<string, number>;
  expected: number;
  actual: number;
  direction: 'above' | 'below';
  /** share (0-1) of detector weight that voted at the peak */
  confidence: number;
  /** a sentence an on-call engineer can read */
  explanation: string;
}

/** One point of a series result as the CLI and API print it. */
export interface ResultPoint {
  t: number;
  value: number | null;
  expected: number | null;
  lower: number | null;
  upper: number | null;
  score: number | null;
  anomaly: boolean;
}

/** The detection result for one series. */
export interface SeriesResult {
  labels: Labels;
  intervalMs: number;
  points: ResultPoint[];
}

/** The document `vigil detect --format json` prints and `POST /api/detect` returns. */
export interface DetectionResult {
  series: SeriesResult[];
  anomalies: AnomalyEvent[];
}
