/**
 * How bad a log line is: its level (when the header has one) and what its message says.
 *
 * - Levels are read as syslog severities (RFC 5424 section 6.2.1: emergency 0 ... debug 7), with the names other
 *   loggers use mapped onto them (log4j/logback FATAL/ERROR/WARN/INFO/DEBUG/TRACE, java.util.logging
 *   SEVERE/WARNING/FINE, Android's one-letter F/E/W/I/D/V).
 * - A message reports a fault when it states a failure (error, failed, panic, terminated, timed out, reset, ...)
 *   that nothing in it undoes (corrected, recovered, succeeded, no errors), unless:
 *   - the failure is the caller's: the standard error texts of errno values a request causes (ENOENT "No such file
 *     or directory", EACCES "Permission denied", EPERM, EINVAL, ENOEXEC, EBADF, ENOTBLK, ENOTDIR, EISDIR, EEXIST,
 *     E2BIG, ENAMETOOLONG; POSIX.1-2017 <errno.h>) and HTTP's client-error reason phrases (RFC 9110 section 15.5:
 *     Bad Request, Unauthorized, Forbidden, Not Found, ...). As with HTTP's 4xx against 5xx, the system did what it
 *     should; such lines are errors, not faults;
 *   - the line is a status report: every value in it follows a field label (`address: <*>`, `r24=<*>`,
 *     `enable.......<*>`), as register and state dumps are written; a label naming a failure is not a failure.
 *
 * The result is a 0-100 score in the ensemble's bands (75+ critical, 50+ major, 25+ minor): a fault at a
 * fatal/critical level or above scores 90, at error level 70, a fault in a line without a level 60, an error that is
 * not a fault (caller error, status report, error level without a fault statement) 30, a warning 20.
 */

import { WILDCARD } from './masking';

/** Syslog severities, most severe first (RFC 5424). */
export type Severity = 'emergency' | 'alert' | 'critical' | 'error' | 'warning' | 'notice' | 'info' | 'debug';

const LEVELS: Record<string, Severity> = {
  emerg: 'emergency',
  emergency: 'emergency',
  panic: 'emergency',
  alert: 'alert',
  crit: 'critical',
  critical: 'critical',
  fatal: 'critical',
  f: 'critical',
  a: 'critical',
  err: 'error',
  error: 'error',
  severe: 'error',
  failure: 'error',
  fail: 'error',
  e: 'error',
  warn: 'warning',
  warning: 'warning',
  w: 'warning',
  notice: 'notice',
  n: 'notice',
  info: 'info',
  information: 'info',
  informational: 'info',
  i: 'info',
  debug: 'debug',
  d: 'debug',
  trace: 'debug',
  verbose: 'debug',
  v: 'debug',
  fine: 'debug',
  finer: 'debug',
  finest: 'debug',
  config: 'debug',
};

const RANK: Record<Severity, number> = {
  emergency: 0,
  alert: 1,
  critical: 2,
  error: 3,
  warning: 4,
  notice: 5,
  info: 6,
  debug: 7,
};

/**
 * Read a level field as a syslog severity.
 *
 * @param level the level text (`FATAL`, `warn`, `E`, `<3>`, `3`...), case-insensitive
 * @returns the severity, or undefined when the text is not a level
 */
export function parseLevel(level: string | undefined | null): Severity | undefined {
  if (level === undefined || level === null) return undefined;
  const t = String(level)
    .trim()
    .replace(/^[<[(]|[>\])]$/g, '')
    .toLowerCase();
  if (/^[0-7]$/.test(t)) return (Object.keys(RANK) as Severity[])[Number(t)];
  return LEVELS[t];
}

/** True when severity `a` is at least as severe as `b`. */
export function atLeast(a: Severity, b: Severity): boolean {
  return RANK[a] <= RANK[b];
}

const FAILURE =
  /\b(?:errors?|fail(?:s|ed|ure|ures|ing)?|fatal|panic(?:ked)?|abort(?:ed|ing)?|crash(?:ed|es)?|terminated|severed|reset|timed out|time-?out|refused|unreachable|lost|corrupt(?:ed|ion)?|killed|segfault|segmentation fault|out of memory|oom|exception|interrupt|unavailable|cannot|can't|unable)\b/i;
const UNDONE =
  /\b(?:corrected|recovered|resolved|succeeded|successful(?:ly)?|no errors?|0 errors?|without errors?|cleared|retrying succeeded)\b/i;
const CALLER_ERRORS = new RegExp(
  [
    'no such file or directory',
    'permission denied',
    'operation not permitted',
    'invalid argument',
    'exec format error',
    'bad file descriptor',
    'block device required',
    'not a directory',
    'is a directory',
    'file exists',
    'argument list too long',
    'file name too long',
    'bad request',
    'unauthori[sz]ed',
    'payment required',
    'forbidden',
    'not found',
    'method not allowed',
    'not acceptable',
    'proxy authentication required',
    'request timeout',
    'gone',
    'length required',
    'precondition failed',
    'content too large',
    'payload too large',
    'uri too long',
    'unsupported media type',
    'range not satisfiable',
    'expectation failed',
    'misdirected request',
    'unprocessable (?:content|entity)',
    'too many requests',
  ]
    .map((p) => `\\b${p}\\b`)
    .join('|'),
  'i'
);

/** Label-then-value separators of a status report: `name: v`, `name=v`, `name....v`, `(v)`. */
const VALUE_AFTER_LABEL = /(?::|=|\.{1,}|\()\s*$/;

/**
 * True when a (masked) message is a status report: it holds at least one value and every value follows a field
 * label separator (`:`, `=`, a dot leader) or sits in parentheses after another value.
 */
export function isStatusReport(masked: string): boolean {
  if (!masked.includes(WILDCARD)) return false;
  const parts = masked.split(WILDCARD);
  for (let i = 0; i < parts.length - 1; i++) {
    const before = parts[i];
    if (i > 0 && /^[\s(]*$/.test(before)) continue; // a value right after another (`<*> (<*>)`, `<*> <*>`)
    if (!VALUE_AFTER_LABEL.test(before)) return false;
  }
  // nothing but closing text after the last value
  return /^[\s)\]}>,;.]*$/.test(parts[parts.length - 1]);
}

/** What a line says about itself. */
export interface LineSeverity {
  /** the level field as a syslog severity, when the line has one */
  level?: Severity;
  /** the message states a failure the system did not undo */
  fault: boolean;
  /** why: `fault`, `caller error`, `status report`, `undone`, `level`, or `none` */
  reason: 'fault' | 'caller error' | 'status report' | 'undone' | 'level' | 'none';
  /** 0-100, in the ensemble's bands (see the module docs) */
  score: number;
}

/**
 * Judge one line.
 *
 * @param masked the line's message with variables masked (`maskMessage`), so values never read as words
 * @param level the line's level field, if any (any spelling `parseLevel` reads)
 */
export function lineSeverity(masked: string, level?: string): LineSeverity {
  const lv = parseLevel(level);
  const states = FAILURE.test(masked);
  let reason: LineSeverity['reason'] = 'none';
  if (states) {
    if (UNDONE.test(masked)) reason = 'undone';
    else if (CALLER_ERRORS.test(masked)) reason = 'caller error';
    else if (isStatusReport(masked)) reason = 'status report';
    else reason = 'fault';
  }
  const fault = reason === 'fault' && (lv === undefined || atLeast(lv, 'error'));
  let score: number;
  if (fault) score = lv === undefined ? 60 : atLeast(lv, 'critical') ? 90 : 70;
  else if (lv !== undefined && atLeast(lv, 'error')) score = 30;
  else if (reason === 'caller error' || reason === 'status report') score = lv === undefined ? 30 : 10;
  else if (lv === 'warning') score = 20;
  else score = 0;
  if (lv !== undefined && !atLeast(lv, 'error') && reason === 'fault') reason = 'level';
  return { ...(lv !== undefined ? { level: lv } : {}), fault, reason, score };
}
