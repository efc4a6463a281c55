/**
 * Baselines of the legacy API (`pkg/api/routes/legacy.ts`): what is kept beside a baseline's detection stream, the
 * baseline as the API shows it, and a sent value as the stream's next points. Pure functions.
 */
import { InputError } from '../core/errors';
import type { SourceQuery } from '../contract/sources';
import { finiteOrNull, type Labels } from '../core/series';
import type { StreamOutput, StreamState } from '../pipeline/stream';

/** Points of the recent band kept with a baseline for display. */
const BAND_POINTS = 1440;

/** What a baseline keeps beside its detection stream (the stream itself is the stored model). */
export interface BaselineInfo {
  source?: SourceQuery;
  detectors: string[];
  threshold: number;
  points: number;
  from: number;
  to: number;
  /** the recent expected value and band, newest last */
  band: { t: number; expected: number | null; lower: number | null; upper: number | null }[];
}

/** Keep the band of the newest points of a stream output. */
export function keepBand(info: BaselineInfo, out: StreamOutput): void {
  for (let i = 0; i < out.timestamps.length; i++) {
    info.band.push({
      t: out.timestamps[i],
      expected: finiteOrNull(out.expected[i]),
      lower: finiteOrNull(out.lower[i]),
      upper: finiteOrNull(out.upper[i]),
    });
  }
  if (info.band.length > BAND_POINTS) info.band.splice(0, info.band.length - BAND_POINTS);
}

/** The baseline as `GET /api/baseline/:series` and `POST /api/train` answer it (the newest band point as its expected value and thresholds). */
export function describeBaseline(
  name: string,
  labels: Labels,
  intervalMs: number,
  trainedAt: number,
  info: BaselineInfo
) {
  const last = info.band[info.band.length - 1];
  return {
    series: name,
    labels,
    intervalMs,
    trainedAt,
    points: info.points,
    from: info.from,
    to: info.to,
    detectors: info.detectors,
    expected: last?.expected ?? null,
    lower: last?.lower ?? null,
    upper: last?.upper ?? null,
    thresholds: {
      anomalyScore: info.threshold,
      detectorVoteScore: info.threshold,
      lower: last?.lower ?? null,
      upper: last?.upper ?? null,
    },
    band: info.band,
  };
}

/** One sent value as the next points of the stream (missing points before it, when it skips ahead). */
export function pointsOfValue(
  stream: StreamState,
  intervalMs: number,
  series: string,
  value: number,
  timestamp?: number
): { timestamps: Float64Array; values: Float64Array } {
  const lastT = stream.last;
  const t = timestamp ?? lastT + intervalMs;
  const slot = Math.floor(t / intervalMs) * intervalMs;
  if (slot <= lastT) {
    throw new InputError(`timestamp ${t} is not after the last point of "${series}" (${lastT})`, {
      field: 'timestamp',
    });
  }
  const n = Math.round((slot - lastT) / intervalMs);
  const timestamps = Float64Array.from({ length: n }, (_, k) => lastT + (k + 1) * intervalMs);
  const values = new Float64Array(n).fill(NaN);
  values[n - 1] = value;
  return { timestamps, values };
}
