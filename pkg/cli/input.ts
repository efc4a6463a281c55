import path from 'node:path';
import { InputError, type InputLocation } from '../core/errors';
import { parseTruthTime } from '../report/accuracy';
import type { Series } from '../core/series';
import {
  aggregateAccessLogs,
  LOG_FIELD_CANDIDATES,
  pickField,
  type AccessLogMetric,
  type AccessLogOptions,
} from '../sources/accessLogs';
import { getField, readRecords, readSeriesFile, TIME_FIELDS, type FileFormat } from '../sources/file';
import { Progress } from './progress';

/** What `vigil detect` reads, and how. Every field optional: the file's shape decides the defaults. */
export interface InputOptions {
  kind?: 'auto' | 'logs' | 'metrics';
  format?: FileFormat;
  timeField?: string;
  valueFields?: string[];
  labelFields?: string[];
  intervalMs?: number;
  statusField?: string;
  clientField?: string;
  agentField?: string;
  bytesField?: string;
  splitBy?: string;
  sessionGapMs?: number;
  metrics?: AccessLogMetric[];
  /** most points read from a metrics file, over all its series (default 1,000,000, see `MAX_FILE_POINTS`) */
  maxPoints?: number;
  /** the time range read from an index (epoch ms, [from, to)); files are read whole */
  from?: number;
  to?: number;
  quiet?: boolean;
}

export interface LoadedInput {
  kind: 'logs' | 'metrics';
  series: Series[];
  records: number;
  warnings: string[];
  /** how the file was read, for the summary */
  description: string;
}

/** Default interval for access logs when none is given: one hour. */
export const DEFAULT_LOG_INTERVAL_MS = 3_600_000;

/**
 * Load a file for detection: NDJSON/CSV access logs (recognised by an HTTP status field plus a client field)
 * become metric series by aggregation; anything else is read as metric series.
 * @throws InputError for unreadable files and missing fields (naming file, line and field)
 */
export async function loadInput(file: string, options: InputOptions = {}): Promise<LoadedInput> {
  const name = path.basename(file);
  // the first record decides the file's kind and the log fields; read it once
  let firstCache: Record<string, unknown> | undefined;
  const first = async () => (firstCache ??= await firstRecord(file, options.format));
  const kind = options.kind && options.kind !== 'auto' ? options.kind : sniffKind(await first(), options);
  const progress = new Progress(`reading ${name}`, process.stderr, !options.quiet);
  const onBytes = (read: number, total: number) => progress.update(`${Math.round((100 * read) / total)}%`);
  if (kind === 'metrics') {
    const r = await readSeriesFile(file, {
      format: options.format,
      timeField: options.timeField,
      valueFields: options.valueFields,
      labelFields: options.labelFields,
      // with --interval the rows are averaged per bucket while reading: memory per bucket, not per row
      intervalMs: options.intervalMs,
      maxPoints: options.maxPoints,
      onBytes,
    });
    progress.done(`${r.records} rows`);
    return {
      kind,
      series: r.series,
      records: r.records,
      warnings: r.warnings,
      description: `${r.records} rows as ${r.series.length} metric series`,
    };
  }
  const record = await first();
  const timeField = options.timeField ?? TIME_FIELDS.find((f) => getField(record, f) !== undefined);
  if (!timeField)
    throw new InputError(`no time field found (looked for ${TIME_FIELDS.join(', ')}); use --time-field`, {
      file: name,
    });
  const fields = accessLogFields(record, timeField, options, { file: name, line: 1 });
  const agg = await aggregateAccessLogs(readRecords(file, { format: options.format, onBytes }), {
    ...fields,
    file: name,
  });
  progress.done(`${agg.records} records`);
  const wanted = new Set<string>(options.metrics ?? DEFAULT_LOG_METRICS);
  const series = agg.series.filter((s) => wanted.has(s.labels.__name__));
  return {
    kind,
    series,
    records: agg.records,
    warnings: agg.warnings,
    description: `${agg.records} access-log records (${describeFields(fields)})`,
  };
}

/** How access logs are aggregated: the grid, the fields, the split and the session gap (no file name). */
export type AccessLogFields = Omit<AccessLogOptions, 'file'>;

/**
 * The aggregation of access logs from a sample record (a file's first record, an index's newest document): the
 * fields given by the flags, else the first of the usual names present (`LOG_FIELD_CANDIDATES`); the interval
 * given, else `DEFAULT_LOG_INTERVAL_MS`.
 * @throws InputError at `where` when no HTTP status or client field is given or found
 */
export function accessLogFields(
  record: Record<string, unknown>,
  timeField: string,
  options: InputOptions,
  where: InputLocation
): AccessLogFields {
  const statusField = options.statusField ?? pickField(record, LOG_FIELD_CANDIDATES.status);
  const clientField = options.clientField ?? pickField(record, LOG_FIELD_CANDIDATES.client);
  if (!statusField) throw new InputError('no HTTP status field found; use --status-field', where);
  if (!clientField) throw new InputError('no client field found; use --client-field', where);
  return {
    intervalMs: options.intervalMs ?? DEFAULT_LOG_INTERVAL_MS,
    timeField,
    statusField,
    clientField,
    agentField: options.agentField ?? pickField(record, LOG_FIELD_CANDIDATES.agent) ?? clientField,
    bytesField: options.bytesField ?? pickField(record, LOG_FIELD_CANDIDATES.bytes),
    splitBy: options.splitBy,
    sessionGapMs: options.sessionGapMs,
  };
}

/** `time "timestamp", status "response", client "clientip", agent "agent"[, bytes ...][, split by ...]` */
export function describeFields(f: AccessLogFields): string {
  return (
    `time "${f.timeField}", status "${f.statusField}", client "${f.clientField}", agent "${f.agentField}"` +
    `${f.bytesField ? `, bytes "${f.bytesField}"` : ''}${f.splitBy ? `, split by "${f.splitBy}"` : ''}`
  );
}

/**
 * Metrics detected on access logs unless `--metrics` says otherwise. The error count rather than the error
 * rate: an hour with one request and one error has a 100% error rate, which is noise, not an incident.
 */
export const DEFAULT_LOG_METRICS: AccessLogMetric[] = [
  'requests',
  'errors',
  'unique_clients',
  'requests_per_session',
  'bytes',
];

async function firstRecord(file: string, format?: FileFormat): Promise<Record<string, unknown>> {
  for await (const { record } of readRecords(file, { format })) return record;
  throw new InputError('no data rows (header only?)', { file: path.basename(file) });
}

function sniffKind(first: Record<string, unknown>, options: InputOptions): 'logs' | 'metrics' {
  if (options.statusField || options.clientField) return 'logs';
  const status = pickField(first, LOG_FIELD_CANDIDATES.status);
  const client = pickField(first, LOG_FIELD_CANDIDATES.client);
  return status && client ? 'logs' : 'metrics';
}

/**
 * A time flag (`--since`, `--from`, ...): ISO 8601 (UTC when no zone; a bare date is its midnight UTC) or epoch ms.
 * @throws InputError naming the flag and the expected forms
 */
export function parseTimeFlag(v: string, flag: string): number {
  const text = /^\d{4}-\d{2}-\d{2}$/.test(v) ? `${v}T00:00:00Z` : v;
  try {
    return parseTruthTime(/^\d+$/.test(text) ? Number(text) : text);
  } catch {
    throw new InputError(`${flag}: "${v}" is not a time (ISO 8601, e.g. 2018-08-21 or 2018-08-21T11:00:00Z)`);
  }
}
