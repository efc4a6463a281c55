import { InputError } from '../core/errors';

/**
 * What one request may ask of the engine. Each limit refuses a request with a message naming the field and the
 * limit, before the work starts (a dashboard asking for a year at one-second resolution, a source answering
 * hundreds of megabytes, a job carrying megabytes of labels), so no request can exhaust the engine's memory.
 */
export interface Limits {
  /** most points of one series a request may read: its grid over [from - warm-up, to] (default 200,000) */
  pointsPerRequest: number;
  /** most bytes of one answer from a Prometheus or Elasticsearch source (default 32 MiB) */
  sourceAnswerBytes: number;
  /** detections waiting for a worker thread before new ones get 429 with `Retry-After` (default 64) */
  detectionQueue: number;
  /** largest request body in bytes (default 10 MiB) */
  bodyBytes: number;
  /** most bytes of a job's `labels`, as JSON (default 16 KiB) */
  labelsBytes: number;
  /** most bytes of a job's detector `params`, as JSON (default 16 KiB) */
  paramsBytes: number;
}

export const DEFAULT_LIMITS: Limits = {
  pointsPerRequest: 200_000,
  sourceAnswerBytes: 32 * 1024 * 1024,
  detectionQueue: 64,
  bodyBytes: 10 * 1024 * 1024,
  labelsBytes: 16 * 1024,
  paramsBytes: 16 * 1024,
};

/** Earliest and latest epoch ms a request may name (years 1 to 9999, as ISO 8601 and Prometheus allow). */
export const MIN_TIME_MS = -62_135_596_800_000;
export const MAX_TIME_MS = 253_402_300_799_999;

/**
 * Check a request's time range.
 * @throws InputError naming `from` or `to` when one is not epoch milliseconds between the years 1 and 9999, or
 *   `to` is not after `from`
 */
export function checkRange(from: number, to: number): void {
  for (const [name, t] of [
    ['from', from],
    ['to', to],
  ] as const) {
    if (!Number.isFinite(t)) throw new InputError(`must be epoch milliseconds, got ${t}`, { field: name });
    if (t < MIN_TIME_MS || t > MAX_TIME_MS) {
      throw new InputError(`${t} is not epoch milliseconds between the years 1 and 9999`, { field: name });
    }
  }
  if (to <= from) throw new InputError(`"to" (${to}) must be after "from" (${from})`, { field: 'to' });
}

/**
 * Check that a series over [from, to] at `intervalMs`, plus `extraPoints` of warm-up, stays within the limit.
 * @throws InputError naming `interval` with the number of points asked for and the limit
 */
export function checkPoints(from: number, to: number, intervalMs: number, limit: number, extraPoints = 0): void {
  const points = Math.floor((to - from) / intervalMs) + 1 + extraPoints;
  if (points > limit) {
    throw new InputError(
      `${points} points per series (${extraPoints ? `${extraPoints} of warm-up, ` : ''}from ${from} to ${to} every ${intervalMs} ms) ` +
        `is more than the limit of ${limit}; ask for a longer interval or a shorter range`,
      { field: 'interval' }
    );
  }
}

/**
 * Check the size of a job's labels and detector params (each stored with the job and repeated on every result
 * series, so a few megabytes per job would grow the store by gigabytes).
 * @throws InputError naming `labels` or `params` with its size and the limit
 */
export function checkSpecSize(
  spec: { labels?: Record<string, string>; params?: Record<string, unknown> },
  limits: Pick<Limits, 'labelsBytes' | 'paramsBytes'>
): void {
  for (const [field, value, limit] of [
    ['labels', spec.labels, limits.labelsBytes],
    ['params', spec.params, limits.paramsBytes],
  ] as const) {
    if (value === undefined) continue;
    const bytes = Buffer.byteLength(JSON.stringify(value), 'utf8');
    if (bytes > limit) {
      throw new InputError(`${bytes} bytes of JSON is more than the limit of ${limit} bytes`, { field });
    }
  }
}
