import { ParameterError } from '../core/errors';
import type { OutlierAlgorithm } from '../contract/rules';
import type { PeerJudgement } from './group';
import { peerDbscan } from './peerDbscan';
import { peerMad } from './peerMad';

/** How a group is judged; every field has a default. */
export interface PeerOutlierOptions {
  /** default `dbscan` (Grafana's default too) */
  algorithm: OutlierAlgorithm;
  /** 0-1, higher flags more; default 0.5 */
  sensitivity: number;
  /** consecutive outlying points before a series counts as an outlier there; default 3 */
  minDuration: number;
}

export const DEFAULT_OUTLIER_OPTIONS: PeerOutlierOptions = { algorithm: 'dbscan', sensitivity: 0.5, minDuration: 3 };

/** A run of outlying points of one series: indices of its first and last point (inclusive). */
export interface OutlierRun {
  start: number;
  end: number;
}

/** One series of the group, judged. */
export interface PeerSeriesVerdict {
  /** whether any run of outlying points lasted at least `minDuration` points */
  outlier: boolean;
  /** the highest score over the range, 0-100 (0 when never judged) */
  score: number;
  /** per point, 0-100 (50 at the edge of the normal band); NaN where not judged */
  scores: Float64Array;
  /** per point, 1 inside a run of at least `minDuration` outlying points */
  outlying: Uint8Array;
  runs: OutlierRun[];
}

export interface PeerOutlierResult {
  options: PeerOutlierOptions;
  /** the group's normal band per point (NaN where not judged) */
  band: Pick<PeerJudgement, 'median' | 'lower' | 'upper'>;
  /** in the order of the input */
  series: PeerSeriesVerdict[];
}

/**
 * A 0-100 score from a deviation in band half-widths: 0 at the group's centre, 50 at the band's edge, 75 at twice
 * that distance, towards 100 beyond (100 · (1 - 2^-deviation)).
 */
export function deviationScore(deviation: number): number {
  return 100 * (1 - Math.pow(2, -deviation));
}

/**
 * Which series of a peer group behave unlike the others, and when: the chosen method judges each point against the
 * group at that time (`peerDbscan` or `peerMad`), then a series is an outlier where it stays outlying for at least
 * `minDuration` consecutive points (a missing point ends a run), as Grafana Machine Learning's outlier detector
 * reports outlying intervals.
 *
 * @param values the group: one Float64Array per series on one grid (same length), NaN for a missing point; never
 *   mutated
 * @param options algorithm, sensitivity (0-1) and minDuration (points); defaults `DEFAULT_OUTLIER_OPTIONS`
 * @returns per series: the flag, the highest 0-100 score, per-point scores and outlying flags and the runs (point
 *   indices); the group's band
 * @throws InputError with fewer than 3 series or series of different lengths
 * @throws ParameterError for a sensitivity outside [0, 1], a minDuration that is not an integer >= 1, or an unknown
 *   algorithm
 * @example detectPeerOutliers(group, { algorithm: 'mad' }).series.filter((s) => s.outlier)
 */
export function detectPeerOutliers(
  values: readonly Float64Array[],
  options: Partial<PeerOutlierOptions> = {}
): PeerOutlierResult {
  const o: PeerOutlierOptions = { ...DEFAULT_OUTLIER_OPTIONS };
  for (const [key, v] of Object.entries(options)) if (v !== undefined) Object.assign(o, { [key]: v });
  if (!Number.isInteger(o.minDuration) || o.minDuration < 1) {
    throw new ParameterError(`peer outliers: minDuration must be an integer >= 1 (points), got ${o.minDuration}`);
  }
  let judged: PeerJudgement;
  if (o.algorithm === 'dbscan') judged = peerDbscan(values, o.sensitivity);
  else if (o.algorithm === 'mad') judged = peerMad(values, o.sensitivity);
  else throw new ParameterError(`peer outliers: unknown algorithm ${JSON.stringify(o.algorithm)} (dbscan or mad)`);
  const series = judged.deviation.map((dev) => verdict(dev, o.minDuration));
  return { options: o, band: { median: judged.median, lower: judged.lower, upper: judged.upper }, series };
}

function verdict(dev: Float64Array, minDuration: number): PeerSeriesVerdict {
  const n = dev.length;
  const scores = new Float64Array(n);
  const outlying = new Uint8Array(n);
  const runs: OutlierRun[] = [];
  let score = 0;
  let runStart = -1;
  const close = (end: number) => {
    if (runStart >= 0 && end - runStart + 1 >= minDuration) {
      runs.push({ start: runStart, end });
      outlying.fill(1, runStart, end + 1);
    }
    runStart = -1;
  };
  for (let i = 0; i < n; i++) {
    const d = dev[i];
    scores[i] = Number.isNaN(d) ? NaN : deviationScore(d);
    if (scores[i] > score) score = scores[i];
    if (d > 1) {
      if (runStart < 0) runStart = i;
    } else close(i - 1);
  }
  close(n - 1);
  return { outlier: runs.length > 0, score, scores, outlying, runs };
}
