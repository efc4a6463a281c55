import { ParameterError } from '../core/errors';

/** Consistency constant making the MAD estimate the standard deviation of normal data. */
export const MAD_TO_SD = 1.4826;

/** Median of the present values (NaN when none). O(n log n). Does not mutate. */
export function medianOf(values: ArrayLike<number>): number {
  const xs: number[] = [];
  for (let i = 0; i < values.length; i++) if (!Number.isNaN(values[i])) xs.push(values[i]);
  if (xs.length === 0) return NaN;
  xs.sort((a, b) => a - b);
  const m = xs.length >> 1;
  return xs.length % 2 ? xs[m] : (xs[m - 1] + xs[m]) / 2;
}

/**
 * A positive floor for a scale learned from a whole series (batch fits): 1% of the median absolute step between
 * consecutive present values, or a millionth of the mean absolute level, or 1e-9.
 */
export function batchScaleFloor(values: Float64Array): number {
  const steps: number[] = [];
  let prev = NaN;
  let absSum = 0;
  let n = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (Number.isNaN(v)) continue;
    if (!Number.isNaN(prev)) steps.push(Math.abs(v - prev));
    prev = v;
    absSum += Math.abs(v);
    n++;
  }
  const stepMedian = medianOf(steps);
  const level = n ? absSum / n : 0;
  return Math.max(1e-9, Number.isNaN(stepMedian) ? 0 : 0.01 * stepMedian, 1e-6 * level);
}

/**
 * Validate a numeric parameter.
 * @throws ParameterError `<detector>: <name> must be ... , got <value>`
 */
export function checkParam(detector: string, name: string, value: unknown, min: number, integer = false): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || (integer && !Number.isInteger(value))) {
    throw new ParameterError(
      `${detector}: ${name} must be ${integer ? 'an integer' : 'a number'} >= ${min}, got ${JSON.stringify(value)}`
    );
  }
  return value;
}
