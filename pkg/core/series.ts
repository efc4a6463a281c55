import { InputError } from './errors';

/** Label set of a series, e.g. `{ __name__: 'requests', host: 'www.example.org' }`. */
export type Labels = Record<string, string>;

/**
 * One time series, the unit every source produces and every detector consumes.
 *
 * - `timestamps`: epoch milliseconds, strictly increasing.
 * - `values`: same length; `NaN` marks a missing point (a gap).
 */
export interface Series {
  labels: Labels;
  timestamps: Float64Array;
  values: Float64Array;
}

/**
 * Build a validated series from plain arrays (copies the inputs).
 *
 * @param labels label set
 * @param timestamps epoch ms, strictly increasing
 * @param values numbers, NaN for missing
 * @throws InputError when lengths differ or timestamps are not finite and strictly increasing
 * @example createSeries({ job: 'api' }, [0, 60000], [1, 2])
 */
export function createSeries(labels: Labels, timestamps: ArrayLike<number>, values: ArrayLike<number>): Series {
  if (timestamps.length !== values.length) {
    throw new InputError(`series ${formatLabels(labels)}: ${timestamps.length} timestamps but ${values.length} values`);
  }
  const ts = Float64Array.from(timestamps);
  for (let i = 0; i < ts.length; i++) {
    if (!Number.isFinite(ts[i])) throw new InputError(`series ${formatLabels(labels)}: timestamp ${i} is not finite`);
    if (i > 0 && ts[i] <= ts[i - 1]) {
      throw new InputError(
        `series ${formatLabels(labels)}: timestamps must be strictly increasing (point ${i}: ${new Date(ts[i]).toISOString()} after ${new Date(ts[i - 1]).toISOString()})`
      );
    }
  }
  return { labels: { ...labels }, timestamps: ts, values: Float64Array.from(values) };
}

/** `{a="1", b="2"}`, labels sorted by name; `{}` for none. */
export function formatLabels(labels: Labels): string {
  const keys = Object.keys(labels).sort();
  return `{${keys.map((k) => `${k}="${labels[k]}"`).join(', ')}}`;
}

/** Number of non-NaN values. O(n). */
export function countPresent(values: Float64Array): number {
  let n = 0;
  for (let i = 0; i < values.length; i++) if (!Number.isNaN(values[i])) n++;
  return n;
}

/** A finite number, or null: how a missing point (NaN, ±Infinity) is written in JSON answers and stored results. */
export function finiteOrNull(v: number): number | null {
  return Number.isFinite(v) ? v : null;
}
