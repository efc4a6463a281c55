import { createReadStream, promises as fsp } from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { Readable, Transform } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { parse as parseCsv } from 'csv-parse';
import { InputError } from '../core/errors';
import { createSeries, type Labels, type Series } from '../core/series';

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
}

/**
 * Stream the records of a CSV (header row) or NDJSON file, optionally gzipped (detected by its magic bytes),
 * without reading the whole file into memory.
 *
 * @param file path to a `.csv`, `.ndjson`/`.jsonl`/`.json` file, optionally `.gz`
 * @throws InputError naming the file and line for: a missing or empty file, a malformed CSV row or JSON line,
 *   a truncated or corrupt gzip stream
 */
export async function* readRecords(file: string, options: ReadOptions = {}): AsyncGenerator<FileRecord> {
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
    if (format === 'ndjson') yield* ndjsonRecords(stream, name);
    else yield* csvRecords(stream);
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

async function* ndjsonRecords(stream: Readable, name: string): AsyncGenerator<FileRecord> {
  const rl = readline.createInterface({ input: stream, crlfDelay: Infinity });
  let line = 0;
  for await (const text of rl) {
    line++;
    const t = text.trim();
    if (t === '') continue;
    let record: unknown;
    try {
      record = JSON.parse(t);
    } catch (e) {
      throw new InputError(`not valid JSON (${(e as Error).message})`, { file: name, line });
    }
    if (record === null || typeof record !== 'object' || Array.isArray(record)) {
      throw new InputError('expected one JSON object per line', { file: name, line });
    }
    yield { line, record: record as Record<string, unknown> };
  }
}

async function* csvRecords(stream: Readable): AsyncGenerator<FileRecord> {
  const parser = parseCsv({ columns: true, trim: true, skip_empty_lines: true, info: true, bom: true });
  // forward read errors (e.g. a truncated gzip) into the parser so the loop below sees them
  stream.on('error', (e) => parser.destroy(e));
  const piped = stream.pipe(parser as unknown as Transform);
  for await (const row of piped as AsyncIterable<{ record: Record<string, string>; info: { lines: number } }>) {
    yield { line: row.info.lines, record: row.record };
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
  if (typeof err.code === 'string' && err.code.startsWith('CSV_')) {
    return new InputError(`malformed CSV: ${err.message}`, { file: name, line: err.lines });
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
  throw new InputError(`${JSON.stringify(v)} is not a number`, where);
}

export interface SeriesFileOptions extends ReadOptions {
  /** time field; default the first of `timestamp`, `@timestamp`, `time`, `ts`, `date` present */
  timeField?: string;
  /** value fields, one series each; default `value`, else every numeric field of the first record */
  valueFields?: string[];
  /** fields whose values split records into separate series (become labels) */
  labelFields?: string[];
}

/** Series read from a file, plus what was fixed on the way (unsorted or duplicate timestamps). */
export interface SeriesFile {
  series: Series[];
  warnings: string[];
  records: number;
}

export const TIME_FIELDS = ['timestamp', '@timestamp', 'time', 'ts', 'date', 'datetime'];

/**
 * Read metric series from a CSV or NDJSON file (e.g. NAB's `timestamp,value`). Unsorted rows are sorted and
 * duplicate timestamps averaged, each with a warning; empty values become gaps (NaN).
 *
 * @throws InputError naming file, line and field for: no records (header only), a missing time or value
 *   field, an unparseable timestamp, a non-numeric value
 */
export async function readSeriesFile(file: string, options: SeriesFileOptions = {}): Promise<SeriesFile> {
  const name = path.basename(file);
  const groups = new Map<string, { labels: Labels; t: number[]; v: number[][] }>();
  let timeField = options.timeField;
  let valueFields = options.valueFields;
  const labelFields = options.labelFields ?? [];
  let records = 0;
  for await (const { line, record } of readRecords(file, options)) {
    records++;
    if (!timeField) {
      timeField = TIME_FIELDS.find((f) => getField(record, f) !== undefined);
      if (!timeField) {
        throw new InputError(`no time field found (looked for ${TIME_FIELDS.join(', ')}); name it with --time-field`, {
          file: name,
          line,
        });
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
    const t = parseTimestamp(rawT);
    if (Number.isNaN(t)) {
      throw new InputError(`${JSON.stringify(rawT)} is not a timestamp (ISO 8601 or epoch seconds/ms)`, {
        file: name,
        line,
        field: timeField,
      });
    }
    const labels: Labels = {};
    for (const f of labelFields) labels[f] = String(getField(record, f) ?? '');
    const key = JSON.stringify(labels);
    let g = groups.get(key);
    if (!g) {
      g = { labels, t: [], v: valueFields.map(() => []) };
      groups.set(key, g);
    }
    g.t.push(t);
    valueFields.forEach((f, k) => {
      const raw = getField(record, f);
      if (raw === undefined) throw new InputError('missing value field', { file: name, line, field: f });
      g!.v[k].push(parseValue(raw, { file: name, line, field: f }));
    });
  }
  if (records === 0) throw new InputError('no data rows (header only?)', { file: name });
  const warnings: string[] = [];
  const series: Series[] = [];
  for (const g of groups.values()) {
    valueFields!.forEach((f, k) => {
      const labels = valueFields!.length > 1 || f !== 'value' ? { ...g.labels, __name__: f } : { ...g.labels };
      const { t, v, unsorted, duplicates } = sortAndMerge(g.t, g.v[k]);
      if (unsorted && k === 0) warnings.push(`${name}: rows were not in time order; sorted them`);
      if (duplicates && k === 0) warnings.push(`${name}: ${duplicates} duplicate timestamps; averaged their values`);
      series.push(createSeries(labels, t, v));
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

/** Sort by time (stable) and average values sharing a timestamp. */
function sortAndMerge(t: number[], v: number[]): { t: number[]; v: number[]; unsorted: boolean; duplicates: number } {
  let unsorted = false;
  for (let i = 1; i < t.length; i++) if (t[i] < t[i - 1]) unsorted = true;
  const idx = t.map((_, i) => i);
  if (unsorted) idx.sort((a, b) => t[a] - t[b] || a - b);
  const outT: number[] = [];
  const outV: number[] = [];
  const counts: number[] = [];
  let duplicates = 0;
  for (const i of idx) {
    const last = outT.length - 1;
    if (last >= 0 && outT[last] === t[i]) {
      duplicates++;
      if (!Number.isNaN(v[i])) {
        if (Number.isNaN(outV[last])) {
          outV[last] = v[i];
          counts[last] = 1;
        } else {
          counts[last]++;
          outV[last] += (v[i] - outV[last]) / counts[last];
        }
      }
    } else {
      outT.push(t[i]);
      outV.push(v[i]);
      counts.push(Number.isNaN(v[i]) ? 0 : 1);
    }
  }
  return { t: outT, v: outV, unsorted, duplicates };
}
