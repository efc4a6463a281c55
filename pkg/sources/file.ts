import { createReadStream, promises as fsp } from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { Readable, Transform } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { parse as parseCsv } from 'csv-parse';
import { StringDecoder } from 'node:string_decoder';
import { InputError, excerpt } from '../core/errors';
import type { Labels, Series } from '../core/series';

/** One parsed record of a file and the 1-based line it came from. */
export interface FileRecord {
  line: number;
  record: Record<string, unknown>;
}

export type FileFormat = 'csv' | 'ndjson';

export interface ReadOptions {
  /** force a format; default: from the extension, else sniffed from the first byte (`{` = NDJSON) */
  format?: FileFormat;
  /** called with (bytes read from disk, file size in bytes) as the file streams */
  onBytes?: (read: number, total: number) => void;
  /** longest line or CSV record accepted, in characters (default 1 MiB): a longer one is refused where it starts */
  maxLineLength?: number;
}

/** Default longest line or CSV record: 1 MiB of characters. */
export const MAX_LINE_LENGTH = 1 << 20;

/**
 * Stream the records of a CSV (header row) or NDJSON file, optionally gzipped (detected by its magic bytes),
 * without reading the whole file into memory.
 *
 * @param file path to a `.csv`, `.ndjson`/`.jsonl`/`.json` file, optionally `.gz`
 * @throws InputError naming the file and line for: a missing or empty file, a malformed CSV row or JSON line,
 *   a truncated or corrupt gzip stream
 */
export async function* readRecords(file: string, options: ReadOptions = {}): AsyncGenerator<FileRecord> {
  for await (const batch of readRecordBatches(file, options)) yield* batch;
}

/**
 * `readRecords` in batches of up to a thousand records: one `await` per batch instead of per record, which halves
 * the time and the garbage of reading millions of rows.
 */
export async function* readRecordBatches(file: string, options: ReadOptions = {}): AsyncGenerator<FileRecord[]> {
  const name = path.basename(file);
  const stat = await fsp.stat(file).catch((e: NodeJS.ErrnoException) => {
    throw new InputError(e.code === 'ENOENT' ? 'file not found' : `cannot read: ${e.message}`, { file: name });
  });
  if (!stat.isFile()) throw new InputError('not a regular file', { file: name });
  if (stat.size === 0) throw new InputError('file is empty', { file: name });
  const head = await readHead(file, 64);
  const gzipped = head[0] === 0x1f && head[1] === 0x8b;

  const raw = createReadStream(file);
  let read = 0;
  if (options.onBytes) {
    raw.on('data', (chunk) => {
      read += chunk.length;
      options.onBytes?.(read, stat.size);
    });
  }
  let stream: Readable = raw;
  if (gzipped) {
    const gunzip = createGunzip();
    raw.on('error', (e) => gunzip.destroy(e));
    stream = raw.pipe(gunzip);
  }
  const format = options.format ?? formatFromName(file) ?? (await sniffFormat(gzipped, head, file));
  try {
    const maxLine = options.maxLineLength ?? MAX_LINE_LENGTH;
    if (format === 'ndjson') yield* ndjsonBatches(stream, name, maxLine);
    else yield* csvBatches(stream, maxLine);
  } catch (e) {
    throw wrapStreamError(e, name, gzipped);
  } finally {
    stream.destroy();
    raw.destroy();
  }
}

/** One line of a text file and its 1-based number. */
export interface TextLine {
  line: number;
  text: string;
}

/**
 * Stream the lines of a text file, optionally gzipped (detected by its magic bytes), without reading the whole
 * file into memory. Empty lines are yielded too (their numbers count).
 *
 * @throws InputError naming the file for a missing or empty file and a truncated or corrupt gzip stream
 */
export async function* readTextLines(
  file: string,
  options: Pick<ReadOptions, 'onBytes'> = {}
): AsyncGenerator<TextLine> {
  const name = path.basename(file);
  const stat = await fsp.stat(file).catch((e: NodeJS.ErrnoException) => {
    throw new InputError(e.code === 'ENOENT' ? 'file not found' : `cannot read: ${e.message}`, { file: name });
  });
  if (!stat.isFile()) throw new InputError('not a regular file', { file: name });
  if (stat.size === 0) throw new InputError('file is empty', { file: name });
  const head = await readHead(file, 2);
  const gzipped = head[0] === 0x1f && head[1] === 0x8b;
  const raw = createReadStream(file);
  let read = 0;
  if (options.onBytes) {
    raw.on('data', (chunk) => {
      read += chunk.length;
      options.onBytes?.(read, stat.size);
    });
  }
  let stream: Readable = raw;
  if (gzipped) {
    const gunzip = createGunzip();
    raw.on('error', (e) => gunzip.destroy(e));
    stream = raw.pipe(gunzip);
  }
  try {
    const rl = readline.createInterface({ input: stream, crlfDelay: Infinity });
    let line = 0;
    for await (const text of rl) yield { line: ++line, text };
  } catch (e) {
    throw wrapStreamError(e, name, gzipped);
  } finally {
    stream.destroy();
    raw.destroy();
  }
}

/** True when a file (optionally gzipped) starts with `{` after whitespace: NDJSON rather than text or CSV. */
export async function looksLikeNdjson(file: string): Promise<boolean> {
  const head = await readHead(file, 64);
  const gzipped = head[0] === 0x1f && head[1] === 0x8b;
  return (await sniffFormat(gzipped, head, file)) === 'ndjson';
}

function formatFromName(file: string): FileFormat | undefined {
  const base = file.toLowerCase().replace(/\.gz$/, '');
  if (base.endsWith('.csv')) return 'csv';
  if (base.endsWith('.ndjson') || base.endsWith('.jsonl') || base.endsWith('.json')) return 'ndjson';
  return undefined;
}

async function sniffFormat(gzipped: boolean, head: Buffer, file: string): Promise<FileFormat> {
  let text = head.toString('utf8');
  if (gzipped) {
    // decompress just enough to see the first character
    const first = await new Promise<string>((resolve) => {
      const s = createReadStream(file).pipe(createGunzip());
      s.once('data', (c: Buffer) => {
        resolve(c.toString('utf8', 0, 64));
        s.destroy();
      });
      s.once('error', () => resolve(''));
      s.once('end', () => resolve(''));
    });
    text = first;
  }
  return text.trimStart().startsWith('{') ? 'ndjson' : 'csv';
}

async function readHead(file: string, n: number): Promise<Buffer> {
  const fh = await fsp.open(file, 'r');
  try {
    const buf = Buffer.alloc(n);
    const { bytesRead } = await fh.read(buf, 0, n, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

/**
 * The records of an NDJSON stream, a batch per chunk read, refusing a line longer than `maxLength` characters as
 * soon as it passes the limit (readline would hold a line of any size in memory).
 */
async function* ndjsonBatches(stream: Readable, name: string, maxLength: number): AsyncGenerator<FileRecord[]> {
  const decoder = new StringDecoder('utf8');
  let pending = '';
  let line = 0;
  const tooLong = () =>
    new InputError(`line is longer than ${maxLength} characters; is this really a CSV or NDJSON file?`, {
      file: name,
      line: line + 1,
    });
  const parse = (text: string, batch: FileRecord[]) => {
    line++;
    const t = text.trim();
    if (t === '') return;
    let record: unknown;
    try {
      record = JSON.parse(t);
    } catch {
      throw new InputError(`not valid JSON: ${excerpt(t)}`, { file: name, line });
    }
    if (record === null || typeof record !== 'object' || Array.isArray(record)) {
      throw new InputError('expected one JSON object per line', { file: name, line });
    }
    batch.push({ line, record: record as Record<string, unknown> });
  };
  for await (const chunk of stream) {
    pending += typeof chunk === 'string' ? chunk : decoder.write(chunk as Buffer);
    const batch: FileRecord[] = [];
    let start = 0;
    for (let nl = pending.indexOf('\n'); nl >= 0; nl = pending.indexOf('\n', start)) {
      if (nl - start > maxLength) throw tooLong();
      parse(pending.slice(start, nl), batch);
      start = nl + 1;
    }
    pending = pending.slice(start);
    if (pending.length > maxLength) throw tooLong();
    if (batch.length > 0) yield batch;
  }
  pending += decoder.end();
  if (pending.length > maxLength) throw tooLong();
  if (pending !== '') {
    const batch: FileRecord[] = [];
    parse(pending, batch);
    if (batch.length > 0) yield batch;
  }
}

async function* csvBatches(stream: Readable, maxLength: number): AsyncGenerator<FileRecord[]> {
  const parser = parseCsv({ columns: true, trim: true, skip_empty_lines: true, bom: true, max_record_size: maxLength });
  // Each record is pushed as the parser finishes it, when `parser.info.lines` (documented) is its last line: tag
  // it there. csv-parse's own `info`/`on_record` options would build a context object per row, twice as slow.
  const push = parser.push.bind(parser);
  parser.push = (record: unknown) =>
    push(
      record === null
        ? null
        : ({ line: parser.info.lines, record: record as Record<string, unknown> } satisfies FileRecord)
    );
  // forward read errors (e.g. a truncated gzip) into the parser so the loop below sees them
  stream.on('error', (e) => parser.destroy(e));
  yield* drainInBatches<FileRecord>(stream.pipe(parser as unknown as Transform));
}

/** The objects of a readable stream in batches of up to `size`, taken with `read()` (no promise per object). */
async function* drainInBatches<T>(readable: Readable, size = 1024): AsyncGenerator<T[]> {
  let error: Error | undefined;
  let ended = false;
  let wake: (() => void) | undefined;
  const onReadable = () => wake?.();
  const onEnd = () => {
    ended = true;
    wake?.();
  };
  const onError = (e: Error) => {
    error = e;
    wake?.();
  };
  readable.on('readable', onReadable);
  readable.on('end', onEnd);
  readable.on('error', onError);
  try {
    for (;;) {
      const batch: T[] = [];
      let r: T | null;
      while (batch.length < size && (r = readable.read() as T | null) !== null) batch.push(r);
      if (batch.length > 0) {
        yield batch;
        continue;
      }
      if (error) throw error;
      if (ended) return;
      await new Promise<void>((resolve) => (wake = resolve));
      wake = undefined;
    }
  } finally {
    readable.off('readable', onReadable);
    readable.off('end', onEnd);
    readable.off('error', onError);
  }
}

function wrapStreamError(e: unknown, name: string, gzipped: boolean): Error {
  if (e instanceof InputError) return e;
  const err = e as NodeJS.ErrnoException & { lines?: number };
  if (gzipped && (err.code === 'Z_BUF_ERROR' || err.code === 'Z_DATA_ERROR' || /unexpected end/i.test(err.message))) {
    return new InputError(`gzip stream is truncated or corrupt (${err.message}); the file may be half-written`, {
      file: name,
    });
  }
  if (err.code === 'CSV_MAX_RECORD_SIZE') {
    return new InputError('a record is longer than the limit of one CSV row; is this really a CSV file?', {
      file: name,
      line: err.lines,
    });
  }
  if (typeof err.code === 'string' && err.code.startsWith('CSV_')) {
    // csv-parse may quote the offending field: keep its message short
    const message = err.message.length > 160 ? `${err.message.slice(0, 160)}...` : err.message;
    return new InputError(`malformed CSV: ${message}`, { file: name, line: err.lines });
  }
  return new InputError(err.message ?? String(e), { file: name });
}

/**
 * Resolve a dotted field path in a record (`geo.src` reads `record.geo.src`, or a literal `geo.src` key).
 */
export function getField(record: Record<string, unknown>, field: string): unknown {
  if (field in record) return record[field];
  let cur: unknown = record;
  for (const part of field.split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}

/**
 * Parse a timestamp: ISO 8601 (a zone-less `YYYY-MM-DD HH:MM:SS` is taken as UTC, as NAB files are), or epoch
 * seconds / milliseconds as a number or numeric string (values below 1e11 are seconds).
 * @returns epoch ms, or NaN when unparseable
 */
export function parseTimestamp(v: unknown): number {
  if (typeof v === 'number') return Number.isFinite(v) ? (Math.abs(v) < 1e11 ? v * 1000 : v) : NaN;
  if (typeof v !== 'string') return NaN;
  const s = v.trim();
  if (s === '') return NaN;
  if (/^-?\d+(\.\d+)?$/.test(s)) return parseTimestamp(Number(s));
  let iso = s.includes('T') ? s : s.replace(' ', 'T');
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(iso)) iso += 'Z';
  if (/^\d{4}-\d{2}-\d{2}$/.test(iso)) iso += 'T00:00:00Z';
  const t = Date.parse(iso);
  return Number.isFinite(t) ? t : NaN;
}

/** Parse a numeric field value: numbers and numeric strings; empty/null/`NaN` are missing (NaN); anything else throws. */
function parseValue(v: unknown, where: { file: string; line: number; field: string }): number {
  if (typeof v === 'number') return v;
  if (v === null || v === undefined) return NaN;
  if (typeof v === 'string') {
    const s = v.trim();
    if (s === '' || s.toLowerCase() === 'nan' || s.toLowerCase() === 'null') return NaN;
    const x = Number(s);
    if (Number.isFinite(x)) return x;
  }
  throw new InputError(`${excerpt(v)} is not a number`, where);
}

export interface SeriesFileOptions extends ReadOptions {
  /** time field; default the first of `timestamp`, `@timestamp`, `time`, `ts`, `date` present */
  timeField?: string;
  /** value fields, one series each; default `value`, else every numeric field of the first record */
  valueFields?: string[];
  /** fields whose values split records into separate series (become labels) */
  labelFields?: string[];
  /**
   * aggregate while reading: each series keeps one point per epoch-aligned bucket of this many ms (the mean of
   * its values), so a file of millions of rows costs memory per bucket, not per row
   */
  intervalMs?: number;
  /** most points kept over all series (default `MAX_FILE_POINTS`); the row that passes it is refused */
  maxPoints?: number;
}

/** Series read from a file, plus what was fixed on the way (unsorted or duplicate timestamps). */
export interface SeriesFile {
  series: Series[];
  warnings: string[];
  records: number;
}

export const TIME_FIELDS = ['timestamp', '@timestamp', 'time', 'ts', 'date', 'datetime'];

/** Rows read before the number of points in the whole file is estimated from its size. */
const ESTIMATE_AFTER_RECORDS = 20_000;

/** Default most points a file may give, over all its series: 1,000,000 (after `intervalMs` aggregation). */
export const MAX_FILE_POINTS = 1_000_000;

/**
 * Points of one series as they are read: timestamps, values and counts (for means) in chunks of typed arrays,
 * 20 bytes a point, never copied while growing.
 */
class PointBuffer {
  private static readonly CHUNK = 1 << 16;
  private t: Float64Array[] = [];
  private v: Float64Array[] = [];
  private c: Uint32Array[] = [];
  n = 0;
  unsorted = false;

  private at(i: number): [number, number] {
    return [i >>> 16, i & 0xffff];
  }
  lastT(): number {
    if (this.n === 0) return NaN;
    const [a, b] = this.at(this.n - 1);
    return this.t[a][b];
  }
  push(t: number, v: number): void {
    const [a, b] = this.at(this.n);
    if (b === 0) {
      this.t.push(new Float64Array(PointBuffer.CHUNK));
      this.v.push(new Float64Array(PointBuffer.CHUNK));
      this.c.push(new Uint32Array(PointBuffer.CHUNK));
    }
    if (this.n > 0 && t < this.lastT()) this.unsorted = true;
    this.t[a][b] = t;
    this.v[a][b] = v;
    this.c[a][b] = Number.isNaN(v) ? 0 : 1;
    this.n++;
  }
  /** Fold `v` into the last point's mean (a value of the same bucket). */
  addToLast(v: number): void {
    if (Number.isNaN(v)) return;
    const [a, b] = this.at(this.n - 1);
    const c = ++this.c[a][b];
    this.v[a][b] = c === 1 ? v : this.v[a][b] + (v - this.v[a][b]) / c;
  }
  /**
   * The points sorted by time, those sharing a timestamp merged into their count-weighted mean; frees the chunks.
   * @returns the series arrays and how many duplicate timestamps were merged
   */
  finish(): { t: Float64Array; v: Float64Array; duplicates: number } {
    const n = this.n;
    const get = (arr: (Float64Array | Uint32Array)[], i: number) => arr[i >>> 16][i & 0xffff];
    let order: Uint32Array | undefined;
    if (this.unsorted) {
      order = new Uint32Array(n);
      for (let i = 0; i < n; i++) order[i] = i;
      const t = this.t;
      order.sort((x, y) => get(t, x) - get(t, y) || x - y);
    }
    const outT = new Float64Array(n);
    const outV = new Float64Array(n);
    let m = 0;
    let count = 0;
    let duplicates = 0;
    for (let k = 0; k < n; k++) {
      const i = order ? order[k] : k;
      const t = get(this.t, i);
      const v = get(this.v, i);
      const c = get(this.c, i);
      if (m > 0 && outT[m - 1] === t) {
        duplicates++;
        if (c > 0) {
          outV[m - 1] = count === 0 ? v : outV[m - 1] + ((v - outV[m - 1]) * c) / (count + c);
          count += c;
        }
      } else {
        outT[m] = t;
        outV[m] = c > 0 ? v : NaN;
        count = c;
        m++;
      }
    }
    this.t = [];
    this.v = [];
    this.c = [];
    return { t: outT.slice(0, m), v: outV.slice(0, m), duplicates };
  }
}

/**
 * Read metric series from a CSV or NDJSON file (e.g. NAB's `timestamp,value`), streamed: points are kept in
 * compact typed arrays (or, with `intervalMs`, one per bucket), so memory follows the points kept, never the file
 * size; the row that would pass `maxPoints` stops the read there. Unsorted rows are sorted and duplicate
 * timestamps averaged, each with a warning; empty values become gaps (NaN).
 *
 * @throws InputError naming file, line and field for: no records (header only), a missing time or value
 *   field, an unparseable timestamp, a non-numeric value (quoted by a short excerpt), more points than
 *   `maxPoints`, a line longer than `maxLineLength`
 */
export async function readSeriesFile(file: string, options: SeriesFileOptions = {}): Promise<SeriesFile> {
  const name = path.basename(file);
  const groups = new Map<string, { labels: Labels; points: PointBuffer[] }>();
  let timeField = options.timeField;
  let valueFields = options.valueFields;
  const labelFields = options.labelFields ?? [];
  const intervalMs = options.intervalMs;
  if (intervalMs !== undefined && !(intervalMs > 0)) {
    throw new InputError(`interval must be positive, got ${intervalMs}`, { field: 'interval' });
  }
  const maxPoints = options.maxPoints ?? MAX_FILE_POINTS;
  let points = 0;
  let records = 0;
  // bytes read so far, to see early (from the file size) that a file holds far more points than allowed
  let bytesRead = 0;
  let fileSize = 0;
  let estimated = false;
  const onBytes = (read: number, total: number) => {
    bytesRead = read;
    fileSize = total;
    options.onBytes?.(read, total);
  };
  for await (const batch of readRecordBatches(file, { ...options, onBytes }))
    for (const { line, record } of batch) {
      records++;
      if (!timeField) {
        timeField = TIME_FIELDS.find((f) => getField(record, f) !== undefined);
        if (!timeField) {
          throw new InputError(
            `no time field found (looked for ${TIME_FIELDS.join(', ')}); name it with --time-field`,
            {
              file: name,
              line,
            }
          );
        }
      }
      if (!valueFields) {
        if (getField(record, 'value') !== undefined) valueFields = ['value'];
        else {
          valueFields = Object.keys(record).filter(
            (k) => k !== timeField && !labelFields.includes(k) && isNumeric(record[k])
          );
          if (valueFields.length === 0) {
            throw new InputError('no numeric value field found; name it with --value-field', { file: name, line });
          }
        }
      }
      const rawT = getField(record, timeField);
      if (rawT === undefined) throw new InputError('missing time field', { file: name, line, field: timeField });
      const parsedT = parseTimestamp(rawT);
      if (Number.isNaN(parsedT)) {
        throw new InputError(`${excerpt(rawT)} is not a timestamp (ISO 8601 or epoch seconds/ms)`, {
          file: name,
          line,
          field: timeField,
        });
      }
      if (!estimated && !intervalMs && records >= ESTIMATE_AFTER_RECORDS && bytesRead > 0) {
        estimated = true;
        // an estimate (rows vary in length): refused only when well over the limit
        const total = Math.round((records / bytesRead) * fileSize * valueFields.length);
        if (total > 1.5 * maxPoints) {
          throw new InputError(
            `about ${total} points (estimated from the first ${records} rows and the file size), more than the ` +
              `limit of ${maxPoints}; aggregate them with --interval (e.g. --interval 1h) or raise --max-points`,
            { file: name, line }
          );
        }
      }
      const t = intervalMs ? Math.floor(parsedT / intervalMs) * intervalMs : parsedT;
      const labels: Labels = {};
      for (const f of labelFields) labels[f] = String(getField(record, f) ?? '');
      const key = labelFields.length ? JSON.stringify(labels) : '';
      let g = groups.get(key);
      if (!g) {
        g = { labels, points: valueFields.map(() => new PointBuffer()) };
        groups.set(key, g);
      }
      const sameBucket = intervalMs !== undefined && g.points[0].lastT() === t;
      if (!sameBucket) {
        points += valueFields.length;
        if (points > maxPoints) {
          throw new InputError(
            `more than ${maxPoints} points` +
              (intervalMs ? ` at this interval` : '') +
              `; aggregate them with a longer --interval${intervalMs ? '' : ' (e.g. --interval 1h)'} or raise --max-points`,
            { file: name, line }
          );
        }
      }
      for (let k = 0; k < valueFields.length; k++) {
        const f = valueFields[k];
        const raw = getField(record, f);
        if (raw === undefined) throw new InputError('missing value field', { file: name, line, field: f });
        const v = parseValue(raw, { file: name, line, field: f });
        if (sameBucket) g.points[k].addToLast(v);
        else g.points[k].push(t, v);
      }
    }
  if (records === 0) throw new InputError('no data rows (header only?)', { file: name });
  const warnings: string[] = [];
  const series: Series[] = [];
  for (const g of groups.values()) {
    valueFields!.forEach((f, k) => {
      const labels = valueFields!.length > 1 || f !== 'value' ? { ...g.labels, __name__: f } : { ...g.labels };
      const unsorted = g.points[k].unsorted;
      const { t, v, duplicates } = g.points[k].finish();
      if (unsorted && k === 0) warnings.push(`${name}: rows were not in time order; sorted them`);
      if (duplicates && k === 0 && !intervalMs) {
        warnings.push(`${name}: ${duplicates} duplicate timestamps; averaged their values`);
      }
      series.push({ labels, timestamps: t, values: v });
    });
  }
  return { series, warnings, records };
}

function isNumeric(v: unknown): boolean {
  return (
    (typeof v === 'number' && Number.isFinite(v)) ||
    (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v)))
  );
}
