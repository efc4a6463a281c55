import { InputError } from '../core/errors';
import { createSeries, type Labels, type Series } from '../core/series';
import { getField, parseTimestamp, type FileRecord } from './file';

/** The metrics Vigil derives from access logs, one series each (per split value). */
export const ACCESS_LOG_METRICS = [
  'requests',
  'errors',
  'error_rate',
  'unique_clients',
  'sessions',
  'requests_per_session',
  'bytes',
] as const;
export type AccessLogMetric = (typeof ACCESS_LOG_METRICS)[number];

export interface AccessLogOptions {
  /** bucket width in ms; buckets are epoch-aligned: start = floor(t / intervalMs) * intervalMs */
  intervalMs: number;
  timeField: string;
  /** HTTP status field; a status >= 400 is an error */
  statusField: string;
  /** client identity (e.g. client IP) for unique clients and sessions */
  clientField: string;
  /** user agent; a session is client + agent */
  agentField: string;
  /** response size field, summed into `bytes` (missing: bytes are not counted) */
  bytesField?: string;
  /** split every metric by this field's value (a label of the same name) */
  splitBy?: string;
  /** a session ends after this much inactivity (ms, default 30 minutes, as web analytics tools use) */
  sessionGapMs?: number;
  /** file name for error messages */
  file?: string;
}

/** Aggregated metrics plus counts of records that could not be used, so nothing is dropped silently. */
export interface AccessLogAggregation {
  series: Series[];
  records: number;
  warnings: string[];
}

interface Bucket {
  requests: number;
  errors: number;
  bytes: number;
  clients: Set<string>;
  sessions: number;
}

/**
 * Turn access-log records into metric series on a fixed grid: requests, errors (status >= 400), error rate
 * (errors / requests; NaN for a bucket without requests), unique clients, sessions (client + user agent, a new
 * session after `sessionGapMs` of inactivity; a session counts in every bucket where it made a request),
 * requests per session, and bytes. Buckets without any record are zero (no traffic is a real zero).
 * Records may arrive in any order. Memory: O(distinct clients per bucket + records' timestamps per session key).
 *
 * @returns series labelled `{ __name__: <metric> }` plus `{ [splitBy]: value }` when split
 * @throws InputError when no record has a usable timestamp, or none has the status field
 */
export async function aggregateAccessLogs(
  input: AsyncIterable<FileRecord>,
  options: AccessLogOptions
): Promise<AccessLogAggregation> {
  const { intervalMs, timeField, statusField, clientField, agentField, bytesField, splitBy } = options;
  if (!(intervalMs > 0)) throw new InputError(`interval must be positive, got ${intervalMs}`);
  const gap = options.sessionGapMs ?? 30 * 60_000;
  const file = options.file;
  const buckets = new Map<string, Map<number, Bucket>>(); // split value -> bucket start -> bucket
  const sessionTimes = new Map<string, number[]>(); // split \0 client \0 agent -> request times
  let records = 0;
  let noTime = 0;
  let noStatus = 0;
  let firstNoTimeLine = 0;
  let minB = Infinity;
  let maxB = -Infinity;
  for await (const { line, record } of input) {
    records++;
    const t = parseTimestamp(getField(record, timeField));
    if (Number.isNaN(t)) {
      noTime++;
      if (!firstNoTimeLine) firstNoTimeLine = line;
      continue;
    }
    const split = splitBy ? String(getField(record, splitBy) ?? '') : '';
    const b = Math.floor(t / intervalMs) * intervalMs;
    minB = Math.min(minB, b);
    maxB = Math.max(maxB, b);
    let perSplit = buckets.get(split);
    if (!perSplit) buckets.set(split, (perSplit = new Map()));
    let bucket = perSplit.get(b);
    if (!bucket) perSplit.set(b, (bucket = { requests: 0, errors: 0, bytes: 0, clients: new Set(), sessions: 0 }));
    bucket.requests++;
    const status = Number(getField(record, statusField));
    if (Number.isFinite(status)) {
      if (status >= 400) bucket.errors++;
    } else noStatus++;
    if (bytesField) {
      const bytes = Number(getField(record, bytesField));
      if (Number.isFinite(bytes)) bucket.bytes += bytes;
    }
    const client = String(getField(record, clientField) ?? '');
    const agent = String(getField(record, agentField) ?? '');
    bucket.clients.add(client);
    const key = `${split}\u0000${client}\u0000${agent}`;
    let times = sessionTimes.get(key);
    if (!times) sessionTimes.set(key, (times = []));
    times.push(t);
  }
  if (records === 0) throw new InputError('no log records', { file });
  if (noTime === records) {
    throw new InputError(`no record has a usable timestamp (first at line ${firstNoTimeLine})`, {
      file,
      field: timeField,
    });
  }
  if (noStatus === records - noTime) {
    throw new InputError('no record has a numeric HTTP status; name the field with --status-field', {
      file,
      field: statusField,
    });
  }
  // sessions: walk each key's sorted request times; a session counts once in each bucket it touches
  for (const [key, times] of sessionTimes) {
    const split = key.slice(0, key.indexOf('\u0000'));
    const perSplit = buckets.get(split)!;
    times.sort((a, b) => a - b);
    let last = -Infinity;
    let lastBucket = NaN;
    for (const t of times) {
      const b = Math.floor(t / intervalMs) * intervalMs;
      const newSession = t - last > gap;
      if (newSession || b !== lastBucket) perSplit.get(b)!.sessions++;
      last = t;
      lastBucket = b;
    }
  }
  const warnings: string[] = [];
  if (noTime)
    warnings.push(
      `${noTime} of ${records} records had no usable "${timeField}" and were skipped (first at line ${firstNoTimeLine})`
    );
  if (noStatus) warnings.push(`${noStatus} records had no numeric "${statusField}"; counted as requests, not errors`);

  const n = Math.round((maxB - minB) / intervalMs) + 1;
  const timestamps = Float64Array.from({ length: n }, (_, i) => minB + i * intervalMs);
  const series: Series[] = [];
  for (const split of [...buckets.keys()].sort()) {
    const perSplit = buckets.get(split)!;
    const cols: Record<AccessLogMetric, Float64Array> = {
      requests: new Float64Array(n),
      errors: new Float64Array(n),
      error_rate: new Float64Array(n).fill(NaN),
      unique_clients: new Float64Array(n),
      sessions: new Float64Array(n),
      requests_per_session: new Float64Array(n).fill(NaN),
      bytes: new Float64Array(n),
    };
    for (const [b, bucket] of perSplit) {
      const i = Math.round((b - minB) / intervalMs);
      cols.requests[i] = bucket.requests;
      cols.errors[i] = bucket.errors;
      cols.error_rate[i] = bucket.errors / bucket.requests;
      cols.unique_clients[i] = bucket.clients.size;
      cols.sessions[i] = bucket.sessions;
      cols.requests_per_session[i] = bucket.sessions ? bucket.requests / bucket.sessions : NaN;
      cols.bytes[i] = bucket.bytes;
    }
    for (const metric of ACCESS_LOG_METRICS) {
      if (metric === 'bytes' && !bytesField) continue;
      const labels: Labels = { __name__: metric };
      if (splitBy) labels[splitBy] = split;
      series.push(createSeries(labels, timestamps, cols[metric]));
    }
  }
  return { series, records, warnings };
}

/** Field names tried, in order, when a log file's fields are not given. */
export const LOG_FIELD_CANDIDATES = {
  status: ['status', 'response', 'status_code', 'http.response.status_code', 'http_status'],
  client: ['clientip', 'client_ip', 'ip', 'remote_addr', 'client.ip', 'source.ip'],
  agent: ['agent', 'user_agent', 'http_user_agent', 'user_agent.original', 'useragent'],
  bytes: ['bytes', 'body_bytes_sent', 'http.response.body.bytes', 'size'],
};

/** First candidate field present in the record, or undefined. */
export function pickField(record: Record<string, unknown>, candidates: string[]): string | undefined {
  return candidates.find((f) => getField(record, f) !== undefined && getField(record, f) !== null);
}
