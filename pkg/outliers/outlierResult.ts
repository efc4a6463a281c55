import type { OutlierRequest, OutlierResult, OutlierSeries } from '../contract/outliers';
import { InputError } from '../core/errors';
import { finiteOrNull, formatLabels, type Series } from '../core/series';
import { detectPeerOutliers, type PeerOutlierOptions, type PeerOutlierResult } from './peerOutliers';

/**
 * The group on one grid: buckets of `intervalMs` from the one holding `from` to the one holding `to` (epoch ms,
 * bucket start = floor(t / intervalMs) · intervalMs), each series' points averaged per bucket, NaN where it has none.
 * Sources answer on their own steps and may skip points; peers are compared at the same times only.
 *
 * @returns the grid's times and one Float64Array of values per series (in the order given)
 * @throws InputError when the interval is not positive or `to` is before `from`
 */
export function alignGroup(
  series: readonly Series[],
  from: number,
  to: number,
  intervalMs: number
): { times: Float64Array; values: Float64Array[] } {
  if (!(intervalMs > 0)) throw new InputError(`interval must be positive, got ${intervalMs}`);
  if (!(to >= from)) throw new InputError(`to (${to}) is before from (${from})`);
  const first = Math.floor(from / intervalMs) * intervalMs;
  const n = Math.floor(to / intervalMs) - Math.floor(from / intervalMs) + 1;
  const times = Float64Array.from({ length: n }, (_, i) => first + i * intervalMs);
  const values = series.map((s) => {
    const sum = new Float64Array(n);
    const count = new Uint32Array(n);
    for (let j = 0; j < s.timestamps.length; j++) {
      const i = Math.floor(s.timestamps[j] / intervalMs) - Math.floor(from / intervalMs);
      const x = s.values[j];
      if (i < 0 || i >= n || !Number.isFinite(x)) continue;
      sum[i] += x;
      count[i]++;
    }
    return sum.map((v, i) => (count[i] ? v / count[i] : NaN));
  });
  return { times, values };
}

/**
 * A group judged on one grid, in typed arrays (it crosses between threads by structured clone, without a JSON text):
 * the grid's times, which series of the query were kept (indices), their aligned values, the verdicts and the band,
 * and a warning for each series left out.
 */
export interface GroupJudgement {
  times: Float64Array;
  /** indices into the query's series of those judged (the others had no value in the range) */
  kept: number[];
  /** the kept series' values on the grid, NaN where missing, in the order of `kept` */
  values: Float64Array[];
  /** the verdicts, in the order of `kept`, and the band per point */
  result: PeerOutlierResult;
  warnings: string[];
}

/**
 * A source query's series judged against each other over [from, to], in typed arrays (`outlierResultOf` makes the
 * API's answer of it). Series without a single value in the range stay out of the group (a warning names them).
 *
 * @param series the query's series (epoch ms, any step); never mutated
 * @param from start of the range, epoch ms
 * @param to end of the range, epoch ms
 * @param intervalMs the grid, ms
 * @param options algorithm, sensitivity (0-1), minDuration (points); defaults as `detectPeerOutliers`
 * @throws InputError when fewer than 3 series have values in the range (naming how many the query returned)
 * @throws ParameterError for a sensitivity, minDuration or algorithm out of range
 */
export function judgeGroup(
  series: readonly Series[],
  from: number,
  to: number,
  intervalMs: number,
  options: Partial<Pick<OutlierRequest, 'algorithm' | 'sensitivity' | 'minDuration'>> = {}
): GroupJudgement {
  const aligned = alignGroup(series, from, to, intervalMs);
  const warnings: string[] = [];
  const kept: number[] = [];
  aligned.values.forEach((v, s) => {
    if (v.some(Number.isFinite)) kept.push(s);
    else warnings.push(`series ${formatLabels(series[s].labels)} has no value in the range: left out of the group`);
  });
  if (kept.length < 3) {
    throw new InputError(
      `peer outliers need at least 3 series with values in the range to compare, the query returned ${series.length}` +
        (kept.length < series.length ? ` (${kept.length} with values)` : '')
    );
  }
  const values = kept.map((s) => aligned.values[s]);
  const result = detectPeerOutliers(values, options as Partial<PeerOutlierOptions>);
  return { times: aligned.times, kept, values, result, warnings };
}

/**
 * The answer of `POST /api/outliers` (and what an `outliers` job stores) from a group's judgement: per series the
 * outlier flag, outlying intervals (epoch ms of their first and last point), highest 0-100 score and per-point values,
 * scores and flags; the group's band per point.
 *
 * @param series the query's series, as given to `judgeGroup`
 * @param only the positions in `j.kept` to answer for (default all of them)
 */
export function outlierResultOf(
  series: readonly Series[],
  j: GroupJudgement,
  intervalMs: number,
  only?: readonly number[]
): OutlierResult {
  const { times, result: res } = j;
  const out: OutlierSeries[] = (only ?? j.kept.map((_, k) => k)).map((k) => {
    const v = res.series[k];
    const values = j.values[k];
    return {
      labels: { ...series[j.kept[k]].labels },
      outlier: v.outlier,
      score: v.score,
      intervals: v.runs.map((r) => ({ start: times[r.start], end: times[r.end] })),
      points: Array.from(times, (t, i) => ({
        t,
        value: finiteOrNull(values[i]),
        score: finiteOrNull(v.scores[i]),
        outlier: v.outlying[i] === 1,
      })),
    };
  });
  return {
    algorithm: res.options.algorithm,
    sensitivity: res.options.sensitivity,
    minDuration: res.options.minDuration,
    intervalMs,
    band: Array.from(times, (t, i) => ({
      t,
      median: finiteOrNull(res.band.median[i]),
      lower: finiteOrNull(res.band.lower[i]),
      upper: finiteOrNull(res.band.upper[i]),
    })),
    series: out,
    warnings: j.warnings,
  };
}

/**
 * A source query's series judged against each other over [from, to]: the answer of `POST /api/outliers`
 * (`judgeGroup`, then `outlierResultOf`).
 *
 * @param series the query's series (epoch ms, any step); never mutated
 * @param from start of the range, epoch ms
 * @param to end of the range, epoch ms
 * @param intervalMs the grid, ms
 * @param options algorithm, sensitivity (0-1), minDuration (points); defaults as `detectPeerOutliers`
 * @throws InputError when fewer than 3 series have values in the range (naming how many the query returned)
 * @throws ParameterError for a sensitivity, minDuration or algorithm out of range
 */
export function peerOutlierResult(
  series: readonly Series[],
  from: number,
  to: number,
  intervalMs: number,
  options: Partial<Pick<OutlierRequest, 'algorithm' | 'sensitivity' | 'minDuration'>> = {}
): OutlierResult {
  return outlierResultOf(series, judgeGroup(series, from, to, intervalMs, options), intervalMs);
}
