import parseDuration from 'parse-duration';
import { InputError } from './errors';

/**
 * Parse a duration such as `30s`, `5m`, `1h`, `1d` or `1h30m` into milliseconds.
 *
 * @param text duration text (Prometheus style units: ms, s, m, h, d, w)
 * @returns milliseconds, > 0
 * @throws InputError when the text is not a positive duration
 * @example parseInterval('5m') // 300000
 */
export function parseInterval(text: string, what = 'interval'): number {
  const trimmed = text.trim();
  const ms = /^\d+$/.test(trimmed) ? Number(trimmed) * 1000 : parseDuration(trimmed);
  // below half a millisecond (".1", "0.4ms") rounds to no duration at all
  if (ms === null || ms === undefined || !Number.isFinite(ms) || Math.round(ms) <= 0) {
    throw new InputError(`${what} "${text}" is not a positive duration (examples: 30s, 5m, 1h, 1d)`);
  }
  return Math.round(ms);
}

/** Format milliseconds as the shortest exact unit: 300000 -> `5m`, 3600000 -> `1h`, 1500 -> `1500ms`. */
export function formatInterval(ms: number): string {
  const units: [string, number][] = [
    ['d', 86_400_000],
    ['h', 3_600_000],
    ['m', 60_000],
    ['s', 1000],
  ];
  for (const [u, size] of units) if (ms % size === 0) return `${ms / size}${u}`;
  return `${ms}ms`;
}
