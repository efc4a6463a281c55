import type { Severity } from '../contract/rules';
import { CRITICALITIES, type Criticality, type TriageParts } from './types';

/** Weights of the triage score's parts (they sum to 1). */
export const TRIAGE_WEIGHTS: Readonly<TriageParts> = {
  score: 0.4,
  series: 0.2,
  detectors: 0.15,
  duration: 0.1,
  criticality: 0.15,
};

/** The criticality part of the triage score. */
export const CRITICALITY_WEIGHT: Readonly<Record<Criticality, number>> = {
  low: 0.25,
  medium: 0.5,
  high: 0.75,
  critical: 1,
};

/** An incident lasting this long (ms) or longer gets the full duration part. */
export const FULL_DURATION_MS = 4 * 3_600_000;

/** What the triage score is computed from. */
export interface TriageInput {
  /** highest anomaly score of the incident's events, 0-100 */
  peakScore: number;
  /** distinct series with an anomaly (>= 1) */
  seriesCount: number;
  /** score-weighted mean share (0-1) of detectors that voted at the events' peaks */
  confidence: number;
  /** incident duration, ms (>= 0) */
  durationMs: number;
  criticality: Criticality;
}

/**
 * The parts of the triage score, each 0-1: the peak anomaly score / 100; series agreement `1 - 2^-(n-1)` (one
 * series 0, two 0.5, three 0.75); detector agreement (the confidence); duration `ln(1 + minutes) / ln(1 + 240)`
 * capped at 1 (four hours); the criticality weight.
 *
 * @param input see `TriageInput`; non-finite numbers count as 0
 * @returns the five parts, each rounded to 3 decimals
 */
export function triageParts(input: TriageInput): TriageParts {
  const clamp = (x: number) => (Number.isFinite(x) ? Math.min(1, Math.max(0, x)) : 0);
  const minutes = Math.max(0, input.durationMs) / 60_000;
  const full = FULL_DURATION_MS / 60_000;
  return {
    score: r3(clamp(input.peakScore / 100)),
    series: r3(clamp(1 - 2 ** -(Math.max(1, input.seriesCount) - 1))),
    detectors: r3(clamp(input.confidence)),
    duration: r3(clamp(Math.log1p(minutes) / Math.log1p(full))),
    criticality: CRITICALITY_WEIGHT[input.criticality] ?? CRITICALITY_WEIGHT.medium,
  };
}

/**
 * Triage score 0-1 of an incident: the weighted sum of its parts (`TRIAGE_WEIGHTS`: anomaly score 0.4, series
 * agreement 0.2, detector agreement 0.15, duration 0.1, criticality 0.15). Higher means look at it first. A
 * linear risk score in the manner of alert-triage scoring (evidence strength plus asset value); the weights are
 * Vigil's, chosen so that a strong anomaly seen by several series outranks a lone one of the same score.
 *
 * @example triageScore({ peakScore: 100, seriesCount: 3, confidence: 0.9, durationMs: 3_600_000, criticality: 'medium' }) // 0.84
 */
export function triageScore(input: TriageInput): { triage: number; parts: TriageParts } {
  const parts = triageParts(input);
  let sum = 0;
  for (const k of Object.keys(TRIAGE_WEIGHTS) as (keyof TriageParts)[]) sum += TRIAGE_WEIGHTS[k] * parts[k];
  return { triage: Math.round(sum * 100) / 100, parts };
}

const SEVERITIES: Severity[] = ['warning', 'minor', 'major', 'critical'];

/**
 * Severity of an incident from its peak anomaly score and its criticality: the score's band (75+ critical, 50+
 * major, 25+ minor, else warning) moved one step down for a `low` asset, kept for `medium`, one step up for
 * `high` and `critical`, and never below `major` for a `critical` asset.
 *
 * | band \ criticality | low     | medium   | high     | critical |
 * | ------------------ | ------- | -------- | -------- | -------- |
 * | critical (75+)     | major   | critical | critical | critical |
 * | major (50+)        | minor   | major    | critical | critical |
 * | minor (25+)        | warning | minor    | major    | major    |
 * | warning            | warning | warning  | minor    | major    |
 */
export function incidentSeverity(peakScore: number, criticality: Criticality): Severity {
  const band = peakScore >= 75 ? 3 : peakScore >= 50 ? 2 : peakScore >= 25 ? 1 : 0;
  const shift = criticality === 'low' ? -1 : criticality === 'medium' ? 0 : 1;
  let i = Math.min(3, Math.max(0, band + shift));
  if (criticality === 'critical') i = Math.max(i, 2);
  return SEVERITIES[i];
}

/** Index of a severity from 0 (warning) to 3 (critical), for comparisons. */
export function severityRank(s: Severity): number {
  return SEVERITIES.indexOf(s);
}

/** The more critical of two criticalities. */
export function maxCriticality(a: Criticality, b: Criticality): Criticality {
  return CRITICALITIES.indexOf(a) >= CRITICALITIES.indexOf(b) ? a : b;
}

/** True for one of `low`, `medium`, `high`, `critical`. */
export function isCriticality(x: unknown): x is Criticality {
  return typeof x === 'string' && (CRITICALITIES as readonly string[]).includes(x);
}

function r3(x: number): number {
  return Math.round(x * 1000) / 1000;
}
