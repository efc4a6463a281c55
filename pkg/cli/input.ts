import path from 'node:path';
import { InputError } from '../core/errors';
import type { Series } from '../core/series';
import { aggregateAccessLogs, LOG_FIELD_CANDIDATES, pickField, type AccessLogMetric } from '../sources/accessLogs';
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
  const statusField = options.statusField ?? pickField(record, LOG_FIELD_CANDIDATES.status);
  const clientField = options.clientField ?? pickField(record, LOG_FIELD_CANDIDATES.client);
  const agentField = options.agentField ?? pickField(record, LOG_FIELD_CANDIDATES.agent) ?? clientField;
  const bytesField = options.bytesField ?? pickField(record, LOG_FIELD_CANDIDATES.bytes);
  if (!statusField) throw new InputError('no HTTP status field found; use --status-field', { file: name, line: 1 });
  if (!clientField) throw new InputError('no client field found; use --client-field', { file: name, line: 1 });
  const intervalMs = options.intervalMs ?? DEFAULT_LOG_INTERVAL_MS;
  const agg = await aggregateAccessLogs(readRecords(file, { format: options.format, onBytes }), {
    intervalMs,
    timeField,
    statusField,
    clientField,
    agentField: agentField!,
    bytesField,
    splitBy: options.splitBy,
    sessionGapMs: options.sessionGapMs,
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
    description:
      `${agg.records} access-log records (time "${timeField}", status "${statusField}", client "${clientField}", ` +
      `agent "${agentField}"${bytesField ? `, bytes "${bytesField}"` : ''}${options.splitBy ? `, split by "${options.splitBy}"` : ''})`,
  };
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
