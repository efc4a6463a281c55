/**
 * Times of log lines from their header fields. Header formats split a time over fields (`<Date> <Time>`,
 * `<Month> <Day> <Time>`, one `<Timestamp>`); the time fields are joined in their order in the line and read as
 * ISO 8601 or epoch seconds/ms, else by the first of a list of common layouts (date-fns `parse` patterns: log4j's
 * `yyyy-MM-dd HH:mm:ss,SSS`, syslog's `MMM d HH:mm:ss`, Apache's `EEE MMM dd HH:mm:ss yyyy`, HDFS's
 * `yyMMdd HHmmss`, ...), or by a pattern the user gives. Times without a zone are UTC; layouts without a year
 * (syslog) take the reference year.
 */

import { isValid, parse } from 'date-fns';
import { ParameterError } from '../core/errors';
import { parseTimestamp } from '../sources/file';

/** date-fns patterns tried in order when no time format is given. */
export const LOG_TIME_PATTERNS: readonly string[] = [
  'yyyy-MM-dd HH:mm:ss,SSS',
  'yyyy-MM-dd HH:mm:ss.SSS',
  'yyyy-MM-dd HH:mm:ss',
  'yyyy/MM/dd HH:mm:ss',
  'yyyy/MM/dd HH:mm:ss.SSS',
  'yy/MM/dd HH:mm:ss',
  'yyMMdd HHmmss',
  'dd/MMM/yyyy:HH:mm:ss XX',
  'EEE MMM dd HH:mm:ss yyyy',
  'EEE MMM d HH:mm:ss yyyy',
  'MMM d HH:mm:ss',
  'MMM d yyyy HH:mm:ss',
  'MM-dd HH:mm:ss.SSS',
  'MM.dd HH:mm:ss',
  'yyyy-MM-dd-HH.mm.ss.SSSSSS',
  'yyyy.MM.dd HH:mm:ss',
  'yyyy.MM.dd',
  'yyyy-MM-dd',
];

/** Names of fields that hold a whole time, and of fields that hold a part of one. */
const WHOLE = ['timestamp', '@timestamp', 'datetime', 'ts', 'time_iso8601', 'eventtime'];
const PARTS = ['date', 'day', 'month', 'year', 'time'];

/** Reads the times of one source's lines, remembering the layout that worked. */
export class LogTimeReader {
  private readonly patterns: readonly string[];
  private last = -1;
  private readonly reference: Date;
  /** the reference instant, when the year of yearless layouts is inferred from it */
  private readonly now?: number;

  /**
   * @param options `format`: a date-fns pattern to use alone; `year`: the year of layouts without one (default:
   *   the year of `now`, or the year before for a date more than a day after `now`: a syslog line of December
   *   read in January is last year's, as syslog receivers infer it); `now`: the reference instant (default: the
   *   current time)
   * @throws ParameterError when `format` is empty
   */
  constructor(options: { format?: string; year?: number; now?: number } = {}) {
    if (options.format !== undefined && options.format.trim() === '') throw new ParameterError('time format: empty');
    this.patterns = options.format ? [options.format] : LOG_TIME_PATTERNS;
    const now = new Date(options.now ?? Date.now());
    this.reference = new Date(options.year ?? now.getUTCFullYear(), 0, 1, 0, 0, 0, 0);
    if (options.year === undefined) this.now = now.getTime();
  }

  /**
   * The time of a line from its header fields (in their order in the line).
   *
   * @returns epoch ms, or NaN when no field holds a time or none of the layouts reads it
   */
  fromFields(fields: Record<string, string>): number {
    const keys = Object.keys(fields);
    const whole = keys.find((k) => WHOLE.includes(k.toLowerCase()));
    if (whole !== undefined) return this.read(fields[whole]);
    const parts = keys.filter((k) => PARTS.includes(k.toLowerCase())).map((k) => fields[k].trim());
    if (parts.length === 0) return NaN;
    return this.read(parts.join(' '));
  }

  /** Read one time text. @returns epoch ms or NaN */
  read(text: string | undefined): number {
    if (text === undefined) return NaN;
    const t = text.trim().replace(/\s+/g, ' ');
    if (t === '') return NaN;
    if (this.patterns === LOG_TIME_PATTERNS) {
      if (/^\d{9,13}(\.\d+)?$/.test(t)) return parseTimestamp(t);
      if (/^\d{4}-\d{2}-\d{2}T/.test(t)) return parseTimestamp(t);
    }
    if (this.last >= 0) {
      const v = this.tryPattern(t, this.patterns[this.last]);
      if (!Number.isNaN(v)) return v;
    }
    for (let i = 0; i < this.patterns.length; i++) {
      if (i === this.last) continue;
      const v = this.tryPattern(t, this.patterns[i]);
      if (!Number.isNaN(v)) {
        this.last = i;
        return v;
      }
    }
    return NaN;
  }

  private tryPattern(text: string, pattern: string): number {
    const d = parse(text, pattern, this.reference);
    // a four-digit year pattern also reads two digits (`17` as year 17): no log predates 1900
    if (!isValid(d) || d.getFullYear() < 1900) return NaN;
    if (/X/.test(pattern)) return d.getTime();
    // the pattern had no zone: the fields are UTC
    const utc = (year: number) =>
      Date.UTC(year, d.getMonth(), d.getDate(), d.getHours(), d.getMinutes(), d.getSeconds(), d.getMilliseconds());
    const t = utc(d.getFullYear());
    // a layout without a year, read against the current time: a date more than a day ahead is last year's
    if (this.now !== undefined && !/y/i.test(pattern.replace(/'[^']*'/g, '')) && t > this.now + 86_400_000) {
      return utc(d.getFullYear() - 1);
    }
    return t;
  }
}
