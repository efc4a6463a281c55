/**
 * Log lines from a file: raw text split by a header format (`logFormat.ts`), or NDJSON documents with a message
 * field; optionally gzipped; streamed, never read into memory at once.
 */

import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { InputError } from '../core/errors';
import { getField, looksLikeNdjson, parseTimestamp, readRecords, readTextLines, TIME_FIELDS } from '../sources/file';
import { compileLogFormat, fieldByRole, LEVEL_NAMES, parseLogLine, type LogFormat } from './logFormat';
import type { LogRecord } from './logAnomalies';
import { LogTimeReader } from './logTime';

/** A log line and the fields it came with (header fields, or the NDJSON document). */
export interface LogFileRecord extends LogRecord {
  line: number;
  fields: Record<string, unknown>;
}

/** Options of `readLogRecords`. */
export interface LogFileOptions {
  /** `text` or `ndjson`; default: from the extension (`.ndjson`, `.jsonl`, `.json`), else sniffed */
  kind?: 'text' | 'ndjson';
  /** header format of text lines (preset name, loghub-style `<Field>` format, or regex with named groups);
   *  default: none, each line is a message without time or level */
  header?: string;
  /** date-fns pattern of the time fields (default: ISO 8601, epoch, or common layouts) */
  timeFormat?: string;
  /** year of times written without one (syslog); default the current year */
  year?: number;
  /** NDJSON: message field (default the first of message, msg, log, content, text) */
  messageField?: string;
  /** NDJSON: time field (default the first of timestamp, @timestamp, time, ts, date, datetime) */
  timeField?: string;
  /** NDJSON: level field (default the first of level, severity, log.level, loglevel) */
  levelField?: string;
  /** called once at the end with the number of text lines that did not match the header and were appended to
   *  the line before (a stack trace, a wrapped message) or dropped (before the first match) */
  onUnmatched?: (appended: number, dropped: number) => void;
}

const MESSAGE_FIELDS = ['message', 'msg', 'log', 'content', 'text', '@message'];
const NDJSON_LEVEL_FIELDS = ['level', 'severity', 'log.level', 'loglevel', 'log_level'];

/**
 * Read the log lines of a file.
 *
 * @throws InputError naming the file (and line) for a missing file, malformed JSON, an NDJSON document without
 *   the message field, or a text file none of whose lines matches the header format; ParameterError for a bad
 *   header format or time format
 */
export async function* readLogRecords(file: string, options: LogFileOptions = {}): AsyncGenerator<LogFileRecord> {
  const name = path.basename(file);
  await fsp.stat(file).catch((e: NodeJS.ErrnoException) => {
    throw new InputError(e.code === 'ENOENT' ? 'file not found' : `cannot read: ${e.message}`, { file: name });
  });
  const times = new LogTimeReader({ format: options.timeFormat, year: options.year });
  const kind = options.kind ?? kindFromName(file) ?? ((await looksLikeNdjson(file)) ? 'ndjson' : 'text');
  if (kind === 'ndjson') {
    yield* ndjsonLogRecords(file, name, options, times);
    return;
  }
  const format = options.header ? compileLogFormat(options.header) : undefined;
  yield* textLogRecords(file, name, format, times, options);
}

function kindFromName(file: string): 'text' | 'ndjson' | undefined {
  const base = file.toLowerCase().replace(/\.gz$/, '');
  if (base.endsWith('.ndjson') || base.endsWith('.jsonl') || base.endsWith('.json')) return 'ndjson';
  return undefined;
}

async function* ndjsonLogRecords(
  file: string,
  name: string,
  options: LogFileOptions,
  times: LogTimeReader
): AsyncGenerator<LogFileRecord> {
  let messageField = options.messageField;
  let timeField = options.timeField;
  let levelField = options.levelField;
  for await (const { line, record } of readRecords(file, { format: 'ndjson' })) {
    if (messageField === undefined) {
      messageField = MESSAGE_FIELDS.find((f) => getField(record, f) !== undefined);
      if (messageField === undefined) {
        throw new InputError(
          `no message field (looked for ${MESSAGE_FIELDS.join(', ')}; name it with --message-field)`,
          { file: name, line }
        );
      }
      timeField ??= TIME_FIELDS.find((f) => getField(record, f) !== undefined);
      levelField ??= NDJSON_LEVEL_FIELDS.find((f) => getField(record, f) !== undefined);
    }
    const message = getField(record, messageField);
    if (message === undefined || message === null) {
      throw new InputError(`field "${messageField}" is missing`, { file: name, line, field: messageField });
    }
    const t = timeField === undefined ? undefined : getField(record, timeField);
    const time = typeof t === 'number' ? parseTimestamp(t) : times.read(t === undefined ? undefined : String(t));
    const level = levelField === undefined ? undefined : getField(record, levelField);
    const out: LogFileRecord = { time, message: String(message), line, fields: record };
    if (level !== undefined && level !== null) out.level = String(level);
    yield out;
  }
}

async function* textLogRecords(
  file: string,
  name: string,
  format: LogFormat | undefined,
  times: LogTimeReader,
  options: LogFileOptions
): AsyncGenerator<LogFileRecord> {
  let pending: LogFileRecord | undefined;
  let appended = 0;
  let dropped = 0;
  let matched = 0;
  let seen = 0;
  for await (const { line, text } of readTextLines(file)) {
    if (text.trim() === '') continue;
    seen++;
    if (!format) {
      yield { time: NaN, message: text, line, fields: {} };
      continue;
    }
    const parsed = parseLogLine(format, text);
    if (!parsed) {
      if (pending) {
        pending.message += `\n${text}`;
        appended++;
      } else dropped++;
      continue;
    }
    matched++;
    if (pending) yield pending;
    pending = { time: times.fromFields(parsed.fields), message: parsed.message, line, fields: parsed.fields };
    const level = fieldByRole(parsed.fields, LEVEL_NAMES);
    if (level !== undefined) pending.level = level;
  }
  if (pending) yield pending;
  if (format && seen > 0 && matched === 0) {
    throw new InputError(`no line matches the header format "${format.source}"`, { file: name });
  }
  options.onUnmatched?.(appended, dropped);
}
