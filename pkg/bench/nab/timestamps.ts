import { InputError } from '../../core/errors';

const NAB_TIME = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?$/;

/**
 * Parse a NAB timestamp, `YYYY-MM-DD HH:MM:SS` with optional fraction (`.ffffff`), read as UTC.
 * @returns epoch ms (fractions below a millisecond kept as a fraction)
 * @throws InputError naming the text when it is not such a timestamp
 */
export function parseNabTimestamp(text: string): number {
  const m = NAB_TIME.exec(text.trim());
  if (!m) throw new InputError(`not a NAB timestamp (YYYY-MM-DD HH:MM:SS[.ffffff]): "${text}"`);
  const [, y, mo, d, h, mi, s, frac] = m;
  const ms = Date.UTC(+y, +mo - 1, +d, +h, +mi, +s);
  const fraction = frac ? Number(`0.${frac}`) * 1000 : 0;
  return ms + fraction;
}

/** Format epoch ms as a NAB timestamp `YYYY-MM-DD HH:MM:SS` (UTC, whole seconds). */
export function formatNabTimestamp(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
}
