import { InputError } from '../../core/errors';
import { OUTSIDE, PROBATIONARY, type WindowLimits } from './types';

/** NAB's default probationary fraction: the first 15% of a file is a learning period and not scored. */
export const PROBATION_PERCENT = 0.15;

/**
 * Number of probationary rows of a file of `rows` rows: `min(floor(p * rows), p * 5000)`, i.e. 15% capped
 * at 750 rows (NAB v1.1 `Sweeper._getProbationaryLength`). Throws `InputError` for a negative or
 * non-integer row count.
 */
export function probationaryLength(rows: number, percent = PROBATION_PERCENT): number {
  if (!Number.isInteger(rows) || rows < 0) throw new InputError(`row count must be an integer >= 0, got ${rows}`);
  return Math.min(Math.floor(percent * rows), percent * 5000);
}

/** A window located on a file's rows: `left..right` row indices, inclusive. */
export interface LocatedWindow {
  left: number;
  right: number;
}

/**
 * Locate anomaly windows on a file's rows as NAB's sweeper does: a window starts at the row whose
 * timestamp equals its start and ends at the row whose timestamp equals its end.
 *
 * @param timestamps row timestamps, epoch ms, increasing
 * @param limits windows `[start, end]` epoch ms, in time order
 * @returns per-window row ranges, and per row its window index or `OUTSIDE`
 * @throws InputError when a window's start or end is not a row's timestamp, or windows overlap or are
 *   out of order (NAB would silently drop such a window and every later one)
 */
export function locateWindows(
  timestamps: ArrayLike<number>,
  limits: readonly WindowLimits[],
  file = 'series'
): { windows: LocatedWindow[]; rowWindow: Int32Array } {
  const index = new Map<number, number>();
  for (let i = 0; i < timestamps.length; i++) if (!index.has(timestamps[i])) index.set(timestamps[i], i);
  const rowWindow = new Int32Array(timestamps.length).fill(OUTSIDE);
  const windows: LocatedWindow[] = [];
  let lastRight = -1;
  limits.forEach(([start, end], k) => {
    const left = index.get(start);
    const right = index.get(end);
    const name = `window ${k} [${new Date(start).toISOString()}, ${new Date(end).toISOString()}]`;
    if (left === undefined || right === undefined) {
      throw new InputError(`${name}: its ${left === undefined ? 'start' : 'end'} is not a row timestamp`, { file });
    }
    if (right < left || left <= lastRight) {
      throw new InputError(`${name}: windows must be in time order and not overlap`, { file });
    }
    for (let i = left; i <= right; i++) rowWindow[i] = k;
    windows.push({ left, right });
    lastRight = right;
  });
  return { windows, rowWindow };
}

/** Mark the first `probationaryLength(n)` rows of a row-window tagging as `PROBATIONARY` (returns a copy). */
export function markProbation(rowWindow: Int32Array, percent = PROBATION_PERCENT): Int32Array {
  const out = rowWindow.slice();
  const p = probationaryLength(out.length, percent);
  for (let i = 0; i < p && i < out.length; i++) out[i] = PROBATIONARY;
  return out;
}
