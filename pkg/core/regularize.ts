import { InputError } from './errors';
import { formatLabels, type Series } from './series';

export type Aggregation = 'mean' | 'sum' | 'last' | 'max' | 'min' | 'count';

/**
 * Put a series onto a fixed grid: bucket start = floor(t / intervalMs) * intervalMs (epoch-aligned), from
 * the first to the last bucket holding a point. Points in one bucket are combined by `agg`; buckets with
 * no point become NaN (a gap; for `count`, 0). NaN input values are ignored.
 *
 * Complexity O(n + buckets). The input is not mutated.
 *
 * @param series input series, timestamps epoch ms, increasing
 * @param intervalMs bucket width in ms (> 0)
 * @param agg how points in one bucket combine (default `mean`)
 * @param maxPoints refuse grids longer than this (default 10,000,000) instead of exhausting memory
 * @throws InputError when the interval is not positive or the grid would exceed `maxPoints`
 * @example regularize(s, 60_000) // one point per minute
 */
export function regularize(
  series: Series,
  intervalMs: number,
  agg: Aggregation = 'mean',
  maxPoints = 10_000_000
): Series {
  if (!(intervalMs > 0)) throw new InputError(`interval must be positive, got ${intervalMs}`);
  const { timestamps, values } = series;
  if (timestamps.length === 0)
    return { labels: { ...series.labels }, timestamps: new Float64Array(0), values: new Float64Array(0) };
  const first = Math.floor(timestamps[0] / intervalMs) * intervalMs;
  const last = Math.floor(timestamps[timestamps.length - 1] / intervalMs) * intervalMs;
  const n = Math.round((last - first) / intervalMs) + 1;
  if (n > maxPoints) {
    throw new InputError(
      `series ${formatLabels(series.labels)}: ${n} points at this interval exceed the limit of ${maxPoints}; choose a longer interval`
    );
  }
  const ts = new Float64Array(n);
  for (let i = 0; i < n; i++) ts[i] = first + i * intervalMs;
  const out = new Float64Array(n).fill(agg === 'count' ? 0 : NaN);
  const counts = new Uint32Array(n);
  for (let i = 0; i < timestamps.length; i++) {
    const v = values[i];
    if (Number.isNaN(v)) continue;
    const b = Math.round((Math.floor(timestamps[i] / intervalMs) * intervalMs - first) / intervalMs);
    const c = counts[b]++;
    switch (agg) {
      case 'mean':
        out[b] = c === 0 ? v : out[b] + (v - out[b]) / (c + 1);
        break;
      case 'sum':
        out[b] = c === 0 ? v : out[b] + v;
        break;
      case 'last':
        out[b] = v;
        break;
      case 'max':
        out[b] = c === 0 ? v : Math.max(out[b], v);
        break;
      case 'min':
        out[b] = c === 0 ? v : Math.min(out[b], v);
        break;
      case 'count':
        out[b] = c + 1;
        break;
    }
  }
  return { labels: { ...series.labels }, timestamps: ts, values: out };
}

/**
 * The typical spacing of a series: the median of the positive differences between consecutive
 * timestamps, in ms. Returns NaN for fewer than two points.
 */
export function inferInterval(timestamps: Float64Array): number {
  if (timestamps.length < 2) return NaN;
  const d: number[] = [];
  for (let i = 1; i < timestamps.length; i++) {
    const x = timestamps[i] - timestamps[i - 1];
    if (x > 0) d.push(x);
  }
  if (d.length === 0) return NaN;
  d.sort((a, b) => a - b);
  return d[Math.floor(d.length / 2)];
}

/** A stretch of missing points on a regular grid: [start, end] epoch ms of the first and last missing point. */
export interface Gap {
  start: number;
  end: number;
  points: number;
}

/** List the runs of NaN values of a regular series. O(n). */
export function findGaps(series: Series): Gap[] {
  const gaps: Gap[] = [];
  const { timestamps, values } = series;
  let i = 0;
  while (i < values.length) {
    if (Number.isNaN(values[i])) {
      const s = i;
      while (i < values.length && Number.isNaN(values[i])) i++;
      gaps.push({ start: timestamps[s], end: timestamps[i - 1], points: i - s });
    } else i++;
  }
  return gaps;
}
