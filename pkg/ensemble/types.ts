// the wire types of results (AnomalyEvent, ResultPoint, SeriesResult, DetectionResult, Severity) live in pkg/contract
import type { VoteMode } from '../contract/rules';
import type { DetectorState } from '../detectors/types';
import type { TailCalibration } from './calibration';

/** Ensemble configuration. Every field has a measured default (see `DEFAULT_ENSEMBLE`). */
export interface EnsembleOptions {
  /** detector names, e.g. `['novelty', 'level', 'contextual', 'volatility']` */
  detectors: string[];
  /** per-detector parameters, merged over each detector's defaults */
  params?: Record<string, Record<string, unknown>>;
  /**
   * per-detector weights (default 1; the default ensemble's are in `DEFAULT_ENSEMBLE`): a detector's calibrated
   * normal score is multiplied by its weight before it is turned into its 0-100 score
   */
  weights?: Record<string, number>;
  mode: VoteMode;
  /** minimum anomaly score (0-100) for a point to count as anomalous; a detector votes when its own score reaches it */
  threshold: number;
}

/** One member of a running ensemble: its detector's stream state and, for `tail` detectors, its calibration. */
export interface MemberState {
  name: string;
  weight: number;
  state: DetectorState;
  calibration: TailCalibration | null;
  /** whether this member has judged any point yet (the vote counts active members only) */
  active: boolean;
}

/** A running ensemble: plain JSON through `core/stateCodec`. */
export interface EnsembleState {
  kind: 'ensemble';
  version: number;
  options: EnsembleOptions;
  members: MemberState[];
}

/**
 * One point of ensemble output.
 * - `score`: anomaly score 0-100 (NaN when no detector could judge the point)
 * - `strength`: the highest weighted normal score of the detectors, uncapped (the score saturates at 100 for
 *   p <= 1e-6; the event logic compares strengths so that two saturated scores still rank)
 * - `anomalous`: the point is anomalous under the vote rule and threshold
 * - `confidence`: share (0-1) of the detectors that judged the point that voted
 * - `direction`: 1 above expected, -1 below, 0 when unknown or equal
 * - `strengths`: each detector's weighted normal score, in member order (its 0-100 score is `detectorScore` of it)
 */
export interface EnsemblePoint {
  score: number;
  strength: number;
  anomalous: boolean;
  confidence: number;
  direction: number;
  expected: number;
  lower: number;
  upper: number;
  strengths: Float64Array;
  /** what `updateEnsemble` resolved for the state it last updated (its detectors, the vote's normal score) */
  resolved?: { state: EnsembleState; detectors: unknown[]; voteAt: number };
}

/** Per-point ensemble output for a whole series; arrays of the series' length (see `EnsemblePoint`). */
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
