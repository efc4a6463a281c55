import type { Labels } from '../core/series';
import type { SourceQuery } from '../sources/types';
import type { AnomalyEvent, VoteMode } from '../ensemble/types';

/** A saved detection as the user writes it. */
export interface JobSpec {
  name: string;
  source: SourceQuery;
  /** detector names (default: the engine's default set) */
  detectors?: string[];
  /** per-detector parameters */
  params?: Record<string, Record<string, unknown>>;
  /** how often the job runs and the grid of its series, e.g. `1m` (default `1m`) */
  interval?: string;
  /** how much history the model is fitted on, e.g. `7d` (default `7d`) */
  trainingWindow?: string;
  /** anomaly score threshold 0-100 */
  threshold?: number;
  mode?: VoteMode;
  /** labels added to every result series */
  labels?: Record<string, string>;
  /** forecast horizon in points written after each run (0 or absent: none) */
  forecastHorizon?: number;
}

export interface LastRun {
  at: number;
  ok: boolean;
  error?: string;
  durationMs: number;
  points?: number;
  /** the anomaly score threshold the run used, after feedback tuning */
  threshold?: number;
}

/** A saved job as the API returns it. */
export interface Job extends JobSpec {
  id: string;
  enabled: boolean;
  createdAt: number;
  updatedAt: number;
  lastRun?: LastRun;
  anomalies24h: number;
  drift?: { drifting: boolean; pValue: number };
}

/** Scheduler bookkeeping per job (persisted so a restart resumes incrementally). */
export interface JobState {
  /** newest point already scored, epoch ms */
  lastProcessed?: number;
  /** consecutive failures */
  failures: number;
  /** the next run may not start before this (backoff) */
  backoffUntil?: number;
}

/** A stored anomaly: the event plus identity, owner and feedback. */
export interface StoredAnomaly extends AnomalyEvent {
  id: string;
  jobId: string;
  feedback?: { verdict: FeedbackVerdict; comment?: string; at: number };
  /** the false-positive feedback id whose pattern suppressed this event, if any */
  suppressedBy?: string;
}

export type FeedbackVerdict = 'false_positive' | 'expected' | 'confirmed';

export interface Feedback {
  id: string;
  anomalyId: string;
  jobId: string;
  verdict: FeedbackVerdict;
  comment: string | null;
  at: number;
}

export interface DriftStatus {
  jobId: string;
  name: string;
  labels: Labels;
  drifting: boolean;
  pValue: number;
  statistic: number;
  checkedAt: number;
}
