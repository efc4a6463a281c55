/**
 * Elasticsearch / OpenSearch source over plain HTTP (Elasticsearch 7 and 8, OpenSearch 1 and 2; the official
 * Elasticsearch client refuses OpenSearch, so none is used).
 *
 * Aggregation is pushed down: one `_search` with `size: 0`, a range filter on the time field, an optional
 * query-string filter, a `date_histogram` with `fixed_interval`, `extended_bounds` and `min_doc_count: 0` (so
 * empty buckets appear), metric sub-aggregations per bucket, and optionally a `terms` split (top N) above it.
 * Raw documents are never pulled.
 *
 * Aggregations reference: https://www.elastic.co/guide/en/elasticsearch/reference/current/search-aggregations.html
 * (OpenSearch: https://opensearch.org/docs/latest/aggregations/).
 */
import { InputError, SourceError } from '../core/errors';
import type { Labels, Series } from '../core/series';
import { HttpEndpoint, parseJsonBody, defaultHttpServices, type HttpServices, type HttpClientOptions } from './http';

export const ELASTICSEARCH_SOURCE = 'elasticsearch';

/** Connection settings (basic or API-key auth, custom CA, timeout). */
export type ElasticsearchHttpClientOptions = HttpClientOptions;

/** A filter: a Lucene query string (`response:>=400 AND host:www*`) or a query DSL object (`{ range: {...} }`). */
export type EsFilter = string | Record<string, unknown>;

/**
 * One metric computed per time bucket inside the server.
 *
 * - `count`: documents in the bucket.
 * - `cardinality`: distinct values of `field` (HyperLogLog++; exact below `precisionThreshold`, max 40 000).
 * - `avg` / `sum` / `min` / `max`: of a numeric `field` (avg/min/max of an empty bucket are NaN, sum is 0).
 * - `percentiles`: one series per percent, labelled `percentile="95"` (TDigest, approximate).
 * - `filter_count`: documents matching `filter`.
 * - `filter_ratio`: documents matching `filter` / all documents (NaN for an empty bucket), e.g. error rate.
 * - `sessions`: sessions (same `clientField` + `agentField`, a new one after more than `gapMs` without a request)
 *   with at least one request in the bucket, by a `scripted_metric` (Painless) per bucket: exact, but the
 *   server holds one (key, time) pair per document of a bucket while reducing it.
 * - `ratio`: the values of two other metrics of the same query divided (`numerator / denominator`, NaN for 0/0);
 *   computed from the aggregated values, not from documents.
 */
export type EsAggregation =
  | { type: 'count' }
  | { type: 'cardinality'; field: string; precisionThreshold?: number }
  | { type: 'avg' | 'sum' | 'min' | 'max'; field: string }
  | { type: 'percentiles'; field: string; percents: number[] }
  | { type: 'filter_count'; filter: EsFilter }
  | { type: 'filter_ratio'; filter: EsFilter }
  | { type: 'sessions'; clientField: string; agentField: string; gapMs: number }
  | { type: 'ratio'; numerator: string; denominator: string };

/** A date-histogram query. The grid is epoch-aligned: bucket start = floor(t / intervalMs) * intervalMs (UTC). */
export interface EsHistogramQuery {
  /** Index, alias, pattern or comma list, e.g. `weblogs`, `logs-*`. */
  index: string;
  /** Date field of the documents, e.g. `@timestamp`. */
  timeField: string;
  /** Start, epoch ms, inclusive. */
  startMs: number;
  /** End, epoch ms, exclusive. */
  endMs: number;
  /** Bucket width in ms (`fixed_interval`). */
  intervalMs: number;
  /** Optional Lucene query-string filter applied to every document. */
  query?: string;
  /** Metrics by name; the name becomes the `__name__` label. */
  metrics: Record<string, EsAggregation>;
  /** Split by a terms field: top `size` (default 10) values by document count over the whole range. */
  splitBy?: { field: string; size?: number };
}

/** Server identity from `GET /`. */
export interface EsServerInfo {
  flavour: 'elasticsearch' | 'opensearch';
  version: string;
}

/** Largest number of buckets one histogram may ask for (Elasticsearch's default `search.max_buckets` is 65 536). */
export const MAX_BUCKETS = 65_536;

/**
 * Client for one Elasticsearch or OpenSearch cluster.
 * Services (HTTP) are injected through the constructor; the default is undici's fetch.
 */
export class ElasticsearchHttpClient {
  private readonly http: HttpEndpoint;

  /** @throws SourceError on an invalid URL, timeout or auth setting */
  constructor(options: ElasticsearchHttpClientOptions, services: HttpServices = defaultHttpServices()) {
    this.http = new HttpEndpoint(ELASTICSEARCH_SOURCE, options, services);
  }

  /**
   * Which server this is (`GET /`).
   * @throws SourceError on an error answer or a transport failure
   */
  async info(): Promise<EsServerInfo> {
    const body = (await this.call('GET', '/', undefined, 'server info')) as {
      version?: { number?: string; distribution?: string };
    };
    return {
      flavour: body?.version?.distribution === 'opensearch' ? 'opensearch' : 'elasticsearch',
      version: body?.version?.number ?? 'unknown',
    };
  }

  /**
   * Run a `_search` body and return the parsed answer, after checking for errors, time-outs and failed shards.
   * @throws SourceError naming the ES error type and root-cause reason
   */
  async search(index: string, body: Record<string, unknown>): Promise<EsSearchResponse> {
    checkIndex(index);
    const res = (await this.call(
      'POST',
      `/${encodeURIComponent(index).replace(/%2C/g, ',').replace(/%2A/g, '*')}/_search`,
      body,
      `search ${index}`
    )) as EsSearchResponse;
    checkSearchResponse(`search ${index}`, res);
    return res;
  }

  /**
   * Date histogram with metrics pushed down; one series per metric (and per split value), on the full
   * epoch-aligned grid of buckets covering `[startMs, endMs)`.
   *
   * @returns series labelled `{ __name__: <metric name>, [split field]: <value>, percentile?: <p> }`,
   *   timestamps = bucket starts (epoch ms)
   * @throws SourceError on a bad query (names the field), a server error or a transport failure
   */
  async histogram(q: EsHistogramQuery): Promise<Series[]> {
    const body = buildHistogramRequest(q);
    const res = await this.search(q.index, body);
    return histogramResponseToSeries(q, res);
  }

  /**
   * Log messages of the documents in a time range, a bounded sample when more match: every matching document
   * (time order) when at most `maxDocs` match, otherwise `maxDocs` drawn uniformly at random with a fixed seed
   * (`function_score` / `random_score` on `_seq_no`, so the same query draws the same sample), sorted by time.
   *
   * @returns the messages and how many documents matched
   * @throws SourceError for a bad query (names the field), a server error or a transport failure
   */
  async logMessages(q: EsLogQuery): Promise<EsLogSample> {
    const counted = await this.search(q.index, buildLogCountRequest(q));
    const total = hitsTotal(counted);
    const maxDocs = q.maxDocs ?? DEFAULT_LOG_SAMPLE;
    const hits: EsHit[] = [];
    if (total <= maxDocs) {
      for (let from = 0; from < total; from += LOG_PAGE) {
        const res = await this.search(q.index, buildLogPageRequest(q, from, Math.min(LOG_PAGE, total - from)));
        const page = res.hits?.hits ?? [];
        hits.push(...page);
        if (page.length === 0) break;
      }
    } else {
      const res = await this.search(q.index, buildLogSampleRequest(q, maxDocs));
      hits.push(...(res.hits?.hits ?? []));
    }
    const messages = logHitsToMessages(q, hits);
    return { messages, total, sampled: total > maxDocs };
  }

  /** Release sockets held by a custom-CA dispatcher. */
  close(): Promise<void> {
    return this.http.close();
  }

  private async call(
    method: 'GET' | 'POST',
    path: string,
    body: Record<string, unknown> | undefined,
    what: string
  ): Promise<unknown> {
    const answer = await this.http.request(
      method,
      path,
      body ? { contentType: 'application/json', text: JSON.stringify(body) } : undefined
    );
    return parseElasticsearchAnswer(what, answer.status, answer.text);
  }
}

/** The parts of a `_search` answer this source reads. */
export interface EsSearchResponse {
  timed_out?: boolean;
  _shards?: { total?: number; failed?: number; failures?: { reason?: { type?: string; reason?: string } }[] };
  aggregations?: Record<string, unknown>;
  hits?: { total?: number | { value?: number; relation?: string }; hits?: EsHit[] };
}

/** One document of a `_search` answer. */
export interface EsHit {
  _id?: string;
  _source?: Record<string, unknown>;
}

/** A query for log messages (`ElasticsearchHttpClient.logMessages`). */
export interface EsLogQuery {
  index: string;
  /** date field, e.g. `@timestamp` */
  timeField: string;
  /** field holding the message, e.g. `message` (dotted paths read nested objects) */
  messageField: string;
  /** field holding the level, if any, e.g. `log.level` */
  levelField?: string;
  /** more fields to bring back with each message (client address, agent, status...) */
  fields?: string[];
  /** bring back every field of each document (its whole `_source`) */
  allFields?: boolean;
  /** start (inclusive) and end (exclusive), epoch ms */
  startMs: number;
  endMs: number;
  /** Lucene query string applied to every document */
  query?: string;
  /** most documents brought back (default 10 000, at most 10 000: `index.max_result_window`) */
  maxDocs?: number;
  /** seed of the random sample (default 1) */
  seed?: number;
}

/** One log message read from a document. */
export interface EsLogMessage {
  /** epoch ms (NaN when the document has no parsable time) */
  time: number;
  message: string;
  level?: string;
  /** the requested fields, by name */
  fields: Record<string, unknown>;
}

/** What `logMessages` returns. */
export interface EsLogSample {
  messages: EsLogMessage[];
  /** documents that matched the query */
  total: number;
  /** true when `messages` is a random sample of them */
  sampled: boolean;
}

/** Default and largest sample size of `logMessages` (Elasticsearch's default `index.max_result_window`). */
export const DEFAULT_LOG_SAMPLE = 10_000;
const LOG_PAGE = 1000;

/**
 * Check an Elasticsearch/OpenSearch answer and return its parsed body.
 *
 * @throws SourceError `elasticsearch: search weblogs failed: index_not_found_exception: no such index [x] (HTTP 404)`
 *   for an error body (`error.root_cause[0].reason` and `type`), a clear message for 401/403 and non-JSON bodies
 */
export function parseElasticsearchAnswer(what: string, status: number, text: string): unknown {
  let body: unknown;
  try {
    body = parseJsonBody(ELASTICSEARCH_SOURCE, what, { status, statusText: '', text });
  } catch (err) {
    if (status === 401 || status === 403) {
      throw new SourceError(
        ELASTICSEARCH_SOURCE,
        `${what}: HTTP ${status} ${status === 401 ? 'unauthorized' : 'forbidden'} (check the credentials)`,
        status
      );
    }
    throw err;
  }
  const error = (body as { error?: unknown })?.error;
  if (error !== undefined || status < 200 || status >= 300) {
    throw new SourceError(
      ELASTICSEARCH_SOURCE,
      `${what} failed: ${describeEsError(error, status)} (HTTP ${status})`,
      status
    );
  }
  return body;
}

/** `type: reason` of an ES error object, preferring the first root cause (the one that names the field). */
export function describeEsError(error: unknown, status: number): string {
  if (typeof error === 'string') return error;
  if (error && typeof error === 'object') {
    const e = error as EsErrorBody;
    const root = e.root_cause?.[0];
    const type = root?.type ?? e.type;
    let reason = root?.reason ?? e.reason;
    // "all shards failed" or "compile error" say little; the deepest cause names the field or the script.
    const cause = deepestCause(e.failed_shards?.[0]?.reason ?? e);
    if (cause?.reason && cause.reason !== reason) reason = reason ? `${reason}: ${cause.reason}` : cause.reason;
    if (type || reason) return shorten([type, reason].filter(Boolean).join(': '));
  }
  if (status === 401) return 'unauthorized (check the credentials)';
  if (status === 403) return 'forbidden (check the credentials)';
  return `HTTP ${status}`;
}

/** One line, at most 400 characters (query parse errors list every expected token). */
function shorten(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > 400 ? line.slice(0, 400) + '...' : line;
}

interface EsErrorBody {
  type?: string;
  reason?: string | null;
  root_cause?: { type?: string; reason?: string }[];
  caused_by?: EsErrorBody;
  failed_shards?: { reason?: EsErrorBody }[];
}

function deepestCause(e: EsErrorBody | undefined): EsErrorBody | undefined {
  let best: EsErrorBody | undefined;
  for (let cur = e?.caused_by; cur; cur = cur.caused_by) if (cur.reason) best = cur;
  return best;
}

/**
 * Fail on partial answers: a timed-out search or failed shards would silently drop documents.
 * @throws SourceError naming the first shard failure
 */
export function checkSearchResponse(what: string, res: EsSearchResponse): void {
  if (res === null || typeof res !== 'object')
    throw new SourceError(ELASTICSEARCH_SOURCE, `${what}: answer is not an object`);
  if (res.timed_out)
    throw new SourceError(
      ELASTICSEARCH_SOURCE,
      `${what}: the search timed out on the server (partial results refused)`
    );
  const failed = res._shards?.failed ?? 0;
  if (failed > 0) {
    const r = res._shards?.failures?.[0]?.reason;
    throw new SourceError(
      ELASTICSEARCH_SOURCE,
      `${what}: ${failed} of ${res._shards?.total ?? '?'} shards failed${r ? ` (${[r.type, r.reason].filter(Boolean).join(': ')})` : ''}`
    );
  }
}

/** The bucket starts of the epoch-aligned grid covering `[startMs, endMs)`. */
export function bucketGrid(startMs: number, endMs: number, intervalMs: number): Float64Array {
  const first = Math.floor(startMs / intervalMs) * intervalMs;
  const last = Math.floor((endMs - 1) / intervalMs) * intervalMs;
  const n = endMs > startMs ? Math.round((last - first) / intervalMs) + 1 : 0;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = first + i * intervalMs;
  return out;
}

const HIST = 'vigil_time';
const SPLIT = 'vigil_split';

/**
 * The `_search` body for a histogram query (size 0; range + query-string filter; terms split; date_histogram
 * with fixed_interval, extended_bounds and min_doc_count 0; metric sub-aggregations named `m0`, `m1`, ...).
 *
 * @throws SourceError when the bounds, interval, metric definitions or split size are invalid
 */
export function buildHistogramRequest(q: EsHistogramQuery): Record<string, unknown> {
  checkHistogramQuery(q);
  const grid = bucketGrid(q.startMs, q.endMs, q.intervalMs);
  const subAggs: Record<string, unknown> = {};
  Object.entries(q.metrics).forEach(([name, m], i) => {
    const agg = metricAggregation(name, m, q.timeField);
    if (agg) subAggs[`m${i}`] = agg;
  });
  const histogram: Record<string, unknown> = {
    date_histogram: {
      field: q.timeField,
      fixed_interval: `${q.intervalMs}ms`,
      min_doc_count: 0,
      extended_bounds: { min: grid[0], max: grid[grid.length - 1] },
    },
  };
  if (Object.keys(subAggs).length) histogram.aggs = subAggs;

  const filter: unknown[] = [{ range: { [q.timeField]: { gte: q.startMs, lt: q.endMs, format: 'epoch_millis' } } }];
  if (q.query && q.query.trim()) filter.push({ query_string: { query: q.query, analyze_wildcard: true } });

  const aggs = q.splitBy
    ? {
        [SPLIT]: {
          terms: { field: q.splitBy.field, size: q.splitBy.size ?? 10, order: { _count: 'desc' } },
          aggs: { [HIST]: histogram },
        },
      }
    : { [HIST]: histogram };

  return { size: 0, track_total_hits: false, query: { bool: { filter } }, aggs };
}

function metricAggregation(name: string, m: EsAggregation, timeField: string): Record<string, unknown> | undefined {
  switch (m.type) {
    case 'count':
    case 'ratio':
      return undefined; // doc_count / computed from other metrics
    case 'cardinality':
      return {
        cardinality: {
          field: m.field,
          ...(m.precisionThreshold !== undefined ? { precision_threshold: m.precisionThreshold } : {}),
        },
      };
    case 'avg':
    case 'sum':
    case 'min':
    case 'max':
      return { [m.type]: { field: m.field } };
    case 'percentiles':
      return { percentiles: { field: m.field, percents: m.percents, keyed: false } };
    case 'filter_count':
    case 'filter_ratio':
      return { filter: toQuery(m.filter) };
    case 'sessions':
      return sessionsAggregation(m, timeField);
    default:
      throw new SourceError(
        ELASTICSEARCH_SOURCE,
        `metric "${name}": unknown type ${JSON.stringify((m as { type?: unknown }).type)} (known: ${KNOWN_TYPES.join(', ')})`
      );
  }
}

const KNOWN_TYPES = [
  'count',
  'cardinality',
  'avg',
  'sum',
  'min',
  'max',
  'percentiles',
  'filter_count',
  'filter_ratio',
  'sessions',
  'ratio',
];

/**
 * Per-bucket session count as a Painless `scripted_metric`. Within one bucket, the requests of a key that lie
 * between two of its requests in that bucket are also in the bucket, so the sessions touching the bucket are
 * exactly: per key present, 1 + the number of consecutive gaps longer than `gapMs` inside the bucket.
 */
function sessionsAggregation(
  m: Extract<EsAggregation, { type: 'sessions' }>,
  timeField: string
): Record<string, unknown> {
  return {
    scripted_metric: {
      params: { client: m.clientField, agent: m.agentField, timeField, gap: m.gapMs, sep: '\u0000' },
      init_script: { source: 'state.keys = new ArrayList(); state.times = new ArrayList();', lang: 'painless' },
      map_script: {
        lang: 'painless',
        source:
          'if (doc[params.client].size() > 0 && doc[params.agent].size() > 0) { state.keys.add(doc[params.client].value.toString() + params.sep + doc[params.agent].value.toString()); state.times.add(doc[params.timeField].value.toInstant().toEpochMilli()); }',
      },
      combine_script: { source: 'return state;', lang: 'painless' },
      reduce_script: {
        lang: 'painless',
        source:
          'Map byKey = new HashMap(); for (def s : states) { if (s == null) { continue; } for (int i = 0; i < s.keys.size(); i++) { def k = s.keys.get(i); def list = byKey.get(k); if (list == null) { list = new ArrayList(); byKey.put(k, list); } list.add(s.times.get(i)); } } long n = 0; for (def list : byKey.values()) { Collections.sort(list); n += 1; for (int i = 1; i < list.size(); i++) { if (list.get(i) - list.get(i - 1) > params.gap) { n += 1; } } } return n;',
      },
    },
  };
}

function toQuery(filter: EsFilter): Record<string, unknown> {
  return typeof filter === 'string' ? { query_string: { query: filter, analyze_wildcard: true } } : filter;
}

/**
 * Turn a histogram answer into series on the full bucket grid.
 *
 * @param q the query that produced `res` (metric names, grid)
 * @param res the `_search` answer
 * @throws SourceError when the answer lacks the expected aggregations or a bucket lies off the grid
 */
export function histogramResponseToSeries(q: EsHistogramQuery, res: EsSearchResponse): Series[] {
  checkHistogramQuery(q);
  const grid = bucketGrid(q.startMs, q.endMs, q.intervalMs);
  const aggs = res?.aggregations;
  if (!aggs) throw new SourceError(ELASTICSEARCH_SOURCE, 'histogram: the answer has no aggregations');
  const out: Series[] = [];
  if (q.splitBy) {
    const split = aggs[SPLIT] as { buckets?: TermsBucket[] } | undefined;
    if (!split || !Array.isArray(split.buckets)) {
      throw new SourceError(ELASTICSEARCH_SOURCE, `histogram: the answer has no "${SPLIT}" terms buckets`);
    }
    for (const b of split.buckets) {
      const value = b.key_as_string ?? String(b.key);
      out.push(...bucketsToSeries(q, grid, b[HIST] as HistAgg | undefined, { [q.splitBy.field]: value }));
    }
  } else {
    out.push(...bucketsToSeries(q, grid, aggs[HIST] as HistAgg | undefined, {}));
  }
  return out;
}

interface TermsBucket {
  key: string | number;
  key_as_string?: string;
  doc_count: number;
  [agg: string]: unknown;
}
interface HistBucket {
  key: number;
  doc_count: number;
  [agg: string]: unknown;
}
interface HistAgg {
  buckets?: HistBucket[];
}

function bucketsToSeries(q: EsHistogramQuery, grid: Float64Array, hist: HistAgg | undefined, extra: Labels): Series[] {
  if (!hist || !Array.isArray(hist.buckets)) {
    throw new SourceError(ELASTICSEARCH_SOURCE, `histogram: the answer has no "${HIST}" date_histogram buckets`);
  }
  const n = grid.length;
  const index = new Map<number, number>();
  for (let i = 0; i < n; i++) index.set(grid[i], i);
  const names = Object.keys(q.metrics);
  const columns = new Map<string, Float64Array>(); // metric name (or name + percentile) -> values
  const percentLabels = new Map<string, { name: string; percentile: string }>();
  const counts = new Float64Array(n); // doc_count per bucket, 0 where ES returned no bucket

  const col = (key: string, fill: number): Float64Array => {
    let c = columns.get(key);
    if (!c) {
      c = new Float64Array(n).fill(fill);
      columns.set(key, c);
    }
    return c;
  };
  // Empty-bucket defaults: counts and sums 0; averages, extremes, ratios and percentiles NaN.
  names.forEach((name) => {
    const m = q.metrics[name];
    if (m.type !== 'percentiles') col(name, emptyValue(m));
  });

  for (const b of hist.buckets) {
    const i = index.get(b.key);
    if (i === undefined) {
      // Buckets outside [start, end) can only appear through extended_bounds rounding; ignore empty ones.
      if (b.doc_count === 0) continue;
      throw new SourceError(
        ELASTICSEARCH_SOURCE,
        `histogram: bucket ${new Date(b.key).toISOString()} is off the query grid`
      );
    }
    counts[i] = b.doc_count;
    names.forEach((name, mi) => {
      const m = q.metrics[name];
      const agg = b[`m${mi}`] as Record<string, unknown> | undefined;
      switch (m.type) {
        case 'count':
          col(name, 0)[i] = b.doc_count;
          break;
        case 'cardinality':
        case 'avg':
        case 'sum':
        case 'min':
        case 'max':
          col(name, emptyValue(m))[i] = numberOrNaN(agg?.value);
          break;
        case 'percentiles': {
          const values = (agg?.values ?? []) as { key: number; value: number | null }[];
          for (const v of values) {
            const p = String(v.key);
            const key = `${name}\u0000${p}`;
            percentLabels.set(key, { name, percentile: p });
            col(key, NaN)[i] = numberOrNaN(v.value);
          }
          break;
        }
        case 'filter_count':
          col(name, 0)[i] = numberOrNaN(agg?.doc_count);
          break;
        case 'filter_ratio':
          col(name, NaN)[i] = b.doc_count > 0 ? numberOrNaN(agg?.doc_count) / b.doc_count : NaN;
          break;
        case 'sessions':
          col(name, 0)[i] = numberOrNaN(agg?.value);
          break;
        case 'ratio':
          break;
      }
    });
  }
  // Percentile columns for metrics with no non-empty bucket: still one NaN series per percent.
  names.forEach((name) => {
    const m = q.metrics[name];
    if (m.type !== 'percentiles') return;
    for (const p of m.percents) {
      const key = `${name}\u0000${String(p)}`;
      if (![...percentLabels.values()].some((l) => l.name === name && Number(l.percentile) === p)) {
        percentLabels.set(key, { name, percentile: String(p) });
        col(key, NaN);
      }
    }
  });
  // Ratios of other metrics, from the aggregated values.
  names.forEach((name) => {
    const m = q.metrics[name];
    if (m.type !== 'ratio') return;
    const num = columns.get(m.numerator);
    const den = columns.get(m.denominator);
    const c = col(name, NaN);
    for (let i = 0; i < n; i++) c[i] = num && den && den[i] !== 0 ? num[i] / den[i] : NaN;
  });

  const out: Series[] = [];
  for (const name of names) {
    const m = q.metrics[name];
    if (m.type === 'percentiles') {
      for (const [key, l] of percentLabels) {
        if (l.name !== name) continue;
        out.push({
          labels: { __name__: name, ...extra, percentile: l.percentile },
          timestamps: grid.slice(),
          values: columns.get(key)!,
        });
      }
    } else {
      out.push({ labels: { __name__: name, ...extra }, timestamps: grid.slice(), values: columns.get(name)! });
    }
  }
  return out;
}

function emptyValue(m: EsAggregation): number {
  switch (m.type) {
    case 'count':
    case 'cardinality':
    case 'sum':
    case 'filter_count':
    case 'sessions':
      return 0;
    default:
      return NaN;
  }
}

function numberOrNaN(x: unknown): number {
  return typeof x === 'number' ? x : NaN;
}

function logFilter(q: EsLogQuery): Record<string, unknown> {
  checkIndex(q.index);
  if (!q.timeField) throw new SourceError(ELASTICSEARCH_SOURCE, 'log query: timeField is required');
  if (!q.messageField) throw new SourceError(ELASTICSEARCH_SOURCE, 'log query: messageField is required');
  if (!(Number.isFinite(q.startMs) && Number.isFinite(q.endMs) && q.startMs < q.endMs)) {
    throw new SourceError(ELASTICSEARCH_SOURCE, `log query: start ${q.startMs} must be before end ${q.endMs}`);
  }
  const max = q.maxDocs ?? DEFAULT_LOG_SAMPLE;
  if (!Number.isInteger(max) || max < 1 || max > DEFAULT_LOG_SAMPLE) {
    throw new SourceError(
      ELASTICSEARCH_SOURCE,
      `log query: maxDocs must be an integer in [1, ${DEFAULT_LOG_SAMPLE}], got ${max}`
    );
  }
  const filter: unknown[] = [{ range: { [q.timeField]: { gte: q.startMs, lt: q.endMs, format: 'epoch_millis' } } }];
  if (q.query && q.query.trim()) filter.push({ query_string: { query: q.query, analyze_wildcard: true } });
  return { bool: { filter } };
}

function logSourceFields(q: EsLogQuery): string[] | true {
  if (q.allFields) return true;
  return [...new Set([q.timeField, q.messageField, ...(q.levelField ? [q.levelField] : []), ...(q.fields ?? [])])];
}

/** `_search` body counting the documents of a log query. @throws SourceError for an invalid query */
export function buildLogCountRequest(q: EsLogQuery): Record<string, unknown> {
  return { size: 0, track_total_hits: true, query: logFilter(q) };
}

/** `_search` body of one page of a log query, in time order. @throws SourceError for an invalid query */
export function buildLogPageRequest(q: EsLogQuery, from: number, size: number): Record<string, unknown> {
  return {
    from,
    size,
    track_total_hits: false,
    _source: logSourceFields(q),
    query: logFilter(q),
    sort: [{ [q.timeField]: { order: 'asc' } }],
  };
}

/** `_search` body of a seeded uniform random sample of a log query. @throws SourceError for an invalid query */
export function buildLogSampleRequest(q: EsLogQuery, size: number): Record<string, unknown> {
  return {
    size,
    track_total_hits: false,
    _source: logSourceFields(q),
    query: {
      function_score: {
        query: logFilter(q),
        random_score: { seed: q.seed ?? 1, field: '_seq_no' },
        boost_mode: 'replace',
      },
    },
  };
}

function hitsTotal(res: EsSearchResponse): number {
  const t = res.hits?.total;
  if (typeof t === 'number') return t;
  return t?.value ?? 0;
}

function pathValue(doc: Record<string, unknown> | undefined, field: string): unknown {
  if (!doc) return undefined;
  if (field in doc) return doc[field];
  let cur: unknown = doc;
  for (const part of field.split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}

/**
 * Messages of `_search` hits, sorted by time (documents without the message field are skipped).
 * Times: epoch ms numbers, numeric strings (seconds below 1e11) or ISO 8601 strings.
 */
export function logHitsToMessages(q: EsLogQuery, hits: EsHit[]): EsLogMessage[] {
  const out: EsLogMessage[] = [];
  for (const h of hits) {
    const message = pathValue(h._source, q.messageField);
    if (message === undefined || message === null) continue;
    const t = pathValue(h._source, q.timeField);
    const num = typeof t === 'number' ? t : typeof t === 'string' && /^\d+(\.\d+)?$/.test(t) ? Number(t) : NaN;
    const time = Number.isFinite(num) ? (num < 1e11 ? num * 1000 : num) : typeof t === 'string' ? Date.parse(t) : NaN;
    const fields: Record<string, unknown> = q.allFields ? { ...(h._source ?? {}) } : {};
    for (const f of q.fields ?? []) fields[f] = pathValue(h._source, f);
    const m: EsLogMessage = { time: Number.isFinite(time) ? time : NaN, message: String(message), fields };
    const level = q.levelField ? pathValue(h._source, q.levelField) : undefined;
    if (level !== undefined && level !== null) m.level = String(level);
    out.push(m);
  }
  return out.sort((a, b) => Number(Number.isNaN(a.time)) - Number(Number.isNaN(b.time)) || a.time - b.time);
}

/**
 * Why `index` is not an index name (or, with `pattern`, a search target: names with `*` wildcards, a
 * comma-separated list, `-name` exclusions after the first item, `cluster:name` for cross-cluster search), as
 * Elasticsearch defines names: lowercase; none of `\ / * ? " < > | , #`, space or control characters (`*` and
 * `,` allowed in patterns); not starting with `-`, `_` or `+`; not `.` or `..`; at most 255 bytes. Returns
 * undefined for a valid one. (https://www.elastic.co/docs/api/doc/elasticsearch/operation/operation-indices-create)
 */
export function indexNameProblem(index: unknown, pattern = true): string | undefined {
  if (typeof index !== 'string' || index === '') return 'is empty';
  if (Buffer.byteLength(index, 'utf8') > (pattern ? 4096 : 255)) return 'is longer than 255 bytes';
  const parts = pattern ? index.split(',') : [index];
  for (let i = 0; i < parts.length; i++) {
    let name = parts[i];
    if (pattern && i > 0 && name.startsWith('-')) name = name.slice(1);
    if (pattern) {
      const colon = name.indexOf(':');
      if (colon >= 0) {
        const cluster = name.slice(0, colon);
        if (!/^[a-z0-9_*-]+$/.test(cluster)) return `has a bad cluster alias "${cluster}"`;
        name = name.slice(colon + 1);
      }
    }
    if (name === '') return 'has an empty name in its list';
    if (name === '.' || name === '..') return `cannot be "${name}"`;
    if (Buffer.byteLength(name, 'utf8') > 255) return 'has a name longer than 255 bytes';
    if (/^[-_+]/.test(name)) return 'cannot start with -, _ or +';
    if (name !== name.toLowerCase()) return 'must be lowercase';
    // eslint-disable-next-line no-control-regex
    const bad = (pattern ? /[\\/?"<>| #:\u0000-\u001f\u007f]/ : /[\\/*?"<>| ,#:\u0000-\u001f\u007f]/).exec(name);
    if (bad) return `cannot contain ${JSON.stringify(bad[0])}`;
  }
  return undefined;
}

/** @throws InputError naming `field` when `index` is not a valid index name or pattern (see `indexNameProblem`) */
export function checkIndex(index: string, field = 'index', pattern = true): void {
  const problem = indexNameProblem(index, pattern);
  if (problem) {
    const shown = typeof index === 'string' ? JSON.stringify(index.slice(0, 80)) : String(index);
    throw new InputError(
      `index ${shown} ${problem} (Elasticsearch index ${pattern ? 'names and patterns' : 'names'})`,
      {
        field,
      }
    );
  }
}

function checkHistogramQuery(q: EsHistogramQuery): void {
  checkIndex(q.index);
  if (!q.timeField) throw new SourceError(ELASTICSEARCH_SOURCE, 'histogram: timeField is required');
  if (!Number.isFinite(q.startMs) || !Number.isFinite(q.endMs) || q.endMs <= q.startMs) {
    throw new SourceError(
      ELASTICSEARCH_SOURCE,
      `histogram: need finite startMs < endMs, got ${q.startMs} and ${q.endMs}`
    );
  }
  if (!Number.isInteger(q.intervalMs) || q.intervalMs <= 0) {
    throw new SourceError(
      ELASTICSEARCH_SOURCE,
      `histogram: intervalMs must be a positive integer, got ${q.intervalMs}`
    );
  }
  const buckets = bucketGrid(q.startMs, q.endMs, q.intervalMs).length * (q.splitBy ? (q.splitBy.size ?? 10) : 1);
  if (buckets > MAX_BUCKETS) {
    throw new SourceError(
      ELASTICSEARCH_SOURCE,
      `histogram: ${buckets} buckets exceed ${MAX_BUCKETS}; use a larger interval, a shorter range or fewer split values`
    );
  }
  if (q.splitBy && (!q.splitBy.field || !(Number.isInteger(q.splitBy.size ?? 10) && (q.splitBy.size ?? 10) > 0))) {
    throw new SourceError(ELASTICSEARCH_SOURCE, `histogram: splitBy needs a field and a positive integer size`);
  }
  const names = Object.keys(q.metrics ?? {});
  if (!names.length) throw new SourceError(ELASTICSEARCH_SOURCE, 'histogram: at least one metric is required');
  for (const name of names) {
    const m = q.metrics[name];
    if (!m || !KNOWN_TYPES.includes(m.type)) {
      throw new SourceError(
        ELASTICSEARCH_SOURCE,
        `metric "${name}": unknown type ${JSON.stringify(m?.type)} (known: ${KNOWN_TYPES.join(', ')})`
      );
    }
    if ('field' in m && !m.field) throw new SourceError(ELASTICSEARCH_SOURCE, `metric "${name}": field is required`);
    if (m.type === 'percentiles' && (!m.percents.length || m.percents.some((p) => !(p >= 0 && p <= 100)))) {
      throw new SourceError(ELASTICSEARCH_SOURCE, `metric "${name}": percents must be numbers in [0, 100]`);
    }
    if (m.type === 'sessions' && (!m.clientField || !m.agentField || !(m.gapMs > 0))) {
      throw new SourceError(
        ELASTICSEARCH_SOURCE,
        `metric "${name}": sessions need clientField, agentField and gapMs > 0`
      );
    }
    if (m.type === 'ratio') {
      for (const ref of [m.numerator, m.denominator]) {
        const target = q.metrics[ref];
        if (!target)
          throw new SourceError(ELASTICSEARCH_SOURCE, `metric "${name}": ratio refers to unknown metric "${ref}"`);
        if (target.type === 'ratio' || target.type === 'percentiles') {
          throw new SourceError(
            ELASTICSEARCH_SOURCE,
            `metric "${name}": ratio of "${ref}" (${target.type}) is not supported`
          );
        }
      }
    }
  }
}

/** Field names and grid of the access-log metric set (defaults fit the OpenSearch Dashboards sample web logs). */
export interface AccessLogAggregationOptions {
  index: string;
  startMs: number;
  endMs: number;
  intervalMs: number;
  timeField?: string;
  statusField?: string;
  clientField?: string;
  agentField?: string;
  bytesField?: string;
  /** Optional query-string filter. */
  query?: string;
  splitBy?: string;
  /** Top N split values (default 10). */
  splitSize?: number;
  /** Compute `sessions` and `requests_per_session` by a scripted_metric (default true). */
  sessions?: boolean;
  /** Inactivity that ends a session (default 30 min). */
  sessionGapMs?: number;
  /**
   * Cardinality precision threshold for unique_clients (default 3 000, Elasticsearch's own default; max 40 000).
   * Counts below it are exact in practice (linear counting); the server reserves about 8 bytes x threshold per
   * bucket, so 40 000 over thousands of buckets can trip the request circuit breaker.
   */
  precisionThreshold?: number;
}

/**
 * The access-log metric set computed inside Elasticsearch/OpenSearch, labelled like `aggregateAccessLogs`
 * (pkg/sources/accessLogs.ts): `requests`, `errors` (status >= 400), `error_rate`, `unique_clients`, `bytes`,
 * and with `sessions` (default) `sessions` and `requests_per_session`.
 *
 * unique_clients uses `cardinality` (HyperLogLog++), exact in practice while a bucket has fewer distinct clients
 * than the precision threshold (3 000 by default, at most 40 000).
 *
 * @returns series labelled `{ __name__, [splitBy]: value }` on the epoch-aligned grid covering `[startMs, endMs)`
 * @throws SourceError from the server (unknown field, bad query) or the transport
 */
export async function aggregateAccessLogsInElasticsearch(
  source: Pick<ElasticsearchHttpClient, 'histogram'>,
  opts: AccessLogAggregationOptions
): Promise<Series[]> {
  return source.histogram(accessLogHistogramQuery(opts));
}

/** The histogram query behind `aggregateAccessLogsInElasticsearch` (exported for inspection and tests). */
export function accessLogHistogramQuery(opts: AccessLogAggregationOptions): EsHistogramQuery {
  const timeField = opts.timeField ?? 'timestamp';
  const statusField = opts.statusField ?? 'response';
  const clientField = opts.clientField ?? 'clientip';
  const agentField = opts.agentField ?? 'agent';
  const bytesField = opts.bytesField ?? 'bytes';
  const errorFilter = { range: { [statusField]: { gte: 400 } } };
  const metrics: Record<string, EsAggregation> = {
    requests: { type: 'count' },
    errors: { type: 'filter_count', filter: errorFilter },
    error_rate: { type: 'filter_ratio', filter: errorFilter },
    unique_clients: { type: 'cardinality', field: clientField, precisionThreshold: opts.precisionThreshold ?? 3000 },
    bytes: { type: 'sum', field: bytesField },
  };
  if (opts.sessions ?? true) {
    metrics.sessions = { type: 'sessions', clientField, agentField, gapMs: opts.sessionGapMs ?? 30 * 60_000 };
    metrics.requests_per_session = { type: 'ratio', numerator: 'requests', denominator: 'sessions' };
  }
  return {
    index: opts.index,
    timeField,
    startMs: opts.startMs,
    endMs: opts.endMs,
    intervalMs: opts.intervalMs,
    query: opts.query,
    metrics,
    splitBy: opts.splitBy ? { field: opts.splitBy, size: opts.splitSize ?? 10 } : undefined,
  };
}
