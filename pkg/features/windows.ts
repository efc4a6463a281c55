/**
 * Sliding-window feature engineering for one series: each point becomes a feature row describing the point
 * against its recent past, so multivariate detectors (Isolation Forest, One-Class SVM, k-means) can judge
 * shapes (jumps, level shifts, bursts of volatility) and not only values.
 */

import { InputError } from '../core/errors';
import { intParam, type FeatureMatrix } from './multivariate';

/** Names of the columns `windowFeatures` produces, in order. */
export const WINDOW_FEATURE_NAMES = ['value', 'delta', 'deviation', 'volatility', 'trend'] as const;

/**
 * Features of every point of a series from a trailing window of `window` points (the context excludes the point
 * itself, so a spike does not hide in its own baseline):
 *
 * - `value`: x[t]
 * - `delta`: x[t] minus the last present value before t
 * - `deviation`: x[t] minus the mean of the context x[t-window .. t-1]
 * - `volatility`: standard deviation of x[t-window+1 .. t] (window ending at t)
 * - `trend`: mean of the newer half of the window ending at t minus the mean of its older half
 *
 * Missing values (NaN) are skipped inside windows. A row is NaN (all columns) when x[t] is missing or the
 * context holds fewer than max(2, window / 2) present values (the warm-up at the start of the series).
 *
 * @param values series values, NaN for missing; not mutated
 * @param window context length in points, integer >= 2
 * @returns a rows = values.length by 5 matrix; O(n * window)
 * @throws ParameterError for a bad window, InputError when values is not a Float64Array
 */
export function windowFeatures(values: Float64Array, window: number): FeatureMatrix {
  if (!(values instanceof Float64Array)) throw new InputError('windowFeatures: values must be a Float64Array');
  intParam('windowFeatures', 'window', window, 2, 100000);
  const n = values.length;
  const cols = WINDOW_FEATURE_NAMES.length;
  const data = new Float64Array(n * cols).fill(NaN);
  const minPresent = Math.max(2, Math.floor(window / 2));
  const half = Math.floor(window / 2);
  for (let t = 0; t < n; t++) {
    const x = values[t];
    if (Number.isNaN(x)) continue;
    // context: t-window .. t-1
    let cn = 0;
    let csum = 0;
    let last = NaN;
    for (let i = Math.max(0, t - window); i < t; i++) {
      const v = values[i];
      if (Number.isNaN(v)) continue;
      cn++;
      csum += v;
      last = v;
    }
    if (cn < minPresent) continue;
    // window ending at t: t-window+1 .. t, split into older and newer halves
    let wn = 0;
    let wsum = 0;
    let oldN = 0;
    let oldSum = 0;
    let newN = 0;
    let newSum = 0;
    const start = t - window + 1;
    for (let i = Math.max(0, start); i <= t; i++) {
      const v = values[i];
      if (Number.isNaN(v)) continue;
      wn++;
      wsum += v;
      if (i - start < window - half) {
        oldN++;
        oldSum += v;
      } else {
        newN++;
        newSum += v;
      }
    }
    const wmean = wsum / wn;
    let ss = 0;
    for (let i = Math.max(0, start); i <= t; i++) {
      const v = values[i];
      if (!Number.isNaN(v)) ss += (v - wmean) * (v - wmean);
    }
    const o = t * cols;
    data[o] = x;
    data[o + 1] = x - last;
    data[o + 2] = x - csum / cn;
    data[o + 3] = wn > 1 ? Math.sqrt(ss / (wn - 1)) : 0;
    data[o + 4] = oldN > 0 && newN > 0 ? newSum / newN - oldSum / oldN : 0;
  }
  return { data, rows: n, cols, names: [...WINDOW_FEATURE_NAMES] };
}
