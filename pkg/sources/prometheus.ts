/**
 * Prometheus source: instant and range queries, label and series look-ups against any server that speaks the
 * Prometheus HTTP API (Prometheus, Mimir, Cortex, Thanos, VictoriaMetrics). Aggregation is pushed down: the
 * server evaluates PromQL on its `query_range` step grid, and Vigil receives one point per step.
 *
 * Requests are form-encoded POSTs by default, as Grafana's Prometheus data source sends them (GET on request).
 * API reference: https://prometheus.io/docs/prometheus/latest/querying/api/
 */
import { SourceError } from '../core/errors';
import { createSeries, type Labels, type Series } from '../core/series';
import { HttpEndpoint, parseJsonBody, defaultHttpServices, type HttpServices, type HttpClientOptions } from './http';

export const PROMETHEUS_SOURCE = 'prometheus';

/** Connection settings for a Prometheus-compatible server. */
export interface PrometheusHttpClientOptions extends HttpClientOptions {
  /** HTTP method for queries: POST with a form body (default, like Grafana) or GET with a query string. */
  method?: 'POST' | 'GET';
}

/** Optional time bounds for label and series look-ups (epoch ms). */
export interface LookupOptions {
  match?: string[];
  startMs?: number;
  endMs?: number;
}

/** Prometheus' JSON envelope. */
export interface PrometheusEnvelope {
  status: 'success' | 'error';
  data?: unknown;
  errorType?: string;
  error?: string;
  warnings?: string[];
}

/** `[unix seconds, "value"]` as Prometheus encodes a sample. */
export type PromSample = [number, string];
/** One series of a matrix result. */
export interface PromMatrixItem {
  metric: Labels;
  values?: PromSample[];
}
/** One series of a vector result. */
export interface PromVectorItem {
  metric: Labels;
  value?: PromSample;
}
/** The `data` of a query answer. */
export type PromQueryData =
  | { resultType: 'matrix'; result: PromMatrixItem[] }
  | { resultType: 'vector'; result: PromVectorItem[] }
  | { resultType: 'scalar'; result: PromSample }
  | { resultType: 'string'; result: PromSample };

/** The fixed evaluation grid of a range query: `startMs + k * stepMs` for every k with the point `<= endMs`. */
export interface StepGrid {
  startMs: number;
  endMs: number;
  stepMs: number;
}

/** Largest number of points a range query may ask for (Prometheus refuses more than 11 000 per series). */
export const MAX_POINTS_PER_SERIES = 11_000;

/**
 * Client for one Prometheus-compatible server.
 *
 * Services (HTTP) are injected through the constructor; the default is undici's fetch.
 */
export class PrometheusHttpClient {
  private readonly http: HttpEndpoint;
  private readonly method: 'POST' | 'GET';

  /** @throws SourceError on an invalid URL, timeout or auth setting */
  constructor(options: PrometheusHttpClientOptions, services: HttpServices = defaultHttpServices()) {
    this.http = new HttpEndpoint(PROMETHEUS_SOURCE, options, services);
    this.method = options.method ?? 'POST';
  }

  /**
   * Instant query (`/api/v1/query`): one point per series at `timeMs`.
   *
   * @param expr PromQL expression
   * @param timeMs evaluation time, epoch ms (default: the server's now)
   * @returns series with one point each (vector, scalar) or the raw samples (for a range selector such as `x[5m]`)
   * @throws SourceError on a PromQL error (bad_data, execution, timeout...), a non-JSON answer or a transport failure
   */
  async query(expr: string, timeMs?: number): Promise<Series[]> {
    requireExpr(expr);
    const params: Record<string, string> = { query: expr };
    if (timeMs !== undefined) params.time = toPromTime(timeMs, 'time');
    const data = await this.call('/api/v1/query', params, 'query');
    return queryDataToSeries(data as PromQueryData);
  }

  /**
   * Range query (`/api/v1/query_range`) on the grid `start, start+step, ... <= end`. Every series comes back on
   * the full grid, with NaN where Prometheus returned no sample (gaps, staleness, series that start late).
   *
   * @param expr PromQL expression
   * @param startMs grid start, epoch ms
   * @param endMs grid end (inclusive), epoch ms, >= startMs
   * @param stepMs step in ms (> 0); at most 11 000 points per series
   * @throws SourceError on bad bounds, a PromQL error, a non-JSON answer or a transport failure
   */
  async queryRange(expr: string, startMs: number, endMs: number, stepMs: number): Promise<Series[]> {
    requireExpr(expr);
    const grid = checkGrid({ startMs, endMs, stepMs });
    const params = {
      query: expr,
      start: toPromTime(startMs, 'start'),
      end: toPromTime(endMs, 'end'),
      step: String(stepMs / 1000),
    };
    const data = (await this.call('/api/v1/query_range', params, 'query_range')) as PromQueryData;
    if (data?.resultType !== 'matrix') {
      throw new SourceError(PROMETHEUS_SOURCE, `query_range: expected a matrix result, got ${describe(data)}`);
    }
    return matrixToSeries(data.result, grid);
  }

  /**
   * Label names (`/api/v1/labels`), sorted.
   * @throws SourceError as for queries
   */
  async labelNames(opts: LookupOptions = {}): Promise<string[]> {
    const data = await this.call('/api/v1/labels', lookupParams(opts), 'labels');
    return stringList(data, 'labels');
  }

  /**
   * Values of one label (`/api/v1/label/<name>/values`), e.g. `__name__` for metric names.
   * @throws SourceError as for queries
   */
  async labelValues(name: string, opts: LookupOptions = {}): Promise<string[]> {
    if (!name) throw new SourceError(PROMETHEUS_SOURCE, 'label values: label name is empty');
    const data = await this.call(
      `/api/v1/label/${encodeURIComponent(name)}/values`,
      lookupParams(opts),
      `label ${name} values`,
      'GET'
    );
    return stringList(data, `label ${name} values`);
  }

  /**
   * Label sets of the series matching any of the selectors (`/api/v1/series`).
   * @param match one or more series selectors, e.g. `['nab_value{series=~"ec2.*"}']`
   * @throws SourceError when no selector is given, and as for queries
   */
  async series(match: string[], opts: Omit<LookupOptions, 'match'> = {}): Promise<Labels[]> {
    if (!match.length) throw new SourceError(PROMETHEUS_SOURCE, 'series: at least one match[] selector is required');
    const data = await this.call('/api/v1/series', lookupParams({ ...opts, match }), 'series');
    if (!Array.isArray(data))
      throw new SourceError(PROMETHEUS_SOURCE, `series: expected a list, got ${describe(data)}`);
    return data.map((d) => ({ ...(d as Labels) }));
  }

  /** Release sockets held by a custom-CA dispatcher. */
  close(): Promise<void> {
    return this.http.close();
  }

  private async call(
    path: string,
    params: Record<string, string | string[]>,
    what: string,
    method: 'POST' | 'GET' = this.method
  ): Promise<unknown> {
    const form = new URLSearchParams();
    for (const [k, v] of Object.entries(params)) {
      if (Array.isArray(v)) for (const item of v) form.append(k, item);
      else form.append(k, v);
    }
    const encoded = form.toString();
    const answer =
      method === 'POST'
        ? await this.http.request('POST', path, { contentType: 'application/x-www-form-urlencoded', text: encoded })
        : await this.http.request('GET', encoded ? `${path}?${encoded}` : path);
    return parsePrometheusAnswer(what, answer.status, answer.text);
  }
}

/**
 * Check a Prometheus answer and return its `data`.
 *
 * @param what what was asked, for the message (e.g. `query_range`)
 * @param status HTTP status
 * @param text body
 * @throws SourceError `prometheus: query_range failed: bad_data: <error> (HTTP 400)` for an error envelope, or a
 *   clear message for a non-JSON body, an unknown envelope or an HTTP error without a Prometheus body (e.g. 401)
 */
export function parsePrometheusAnswer(what: string, status: number, text: string): unknown {
  if ((status === 401 || status === 403) && !looksLikeJson(text)) {
    throw new SourceError(
      PROMETHEUS_SOURCE,
      `${what}: HTTP ${status} ${status === 401 ? 'unauthorized' : 'forbidden'} (check the credentials)`,
      status
    );
  }
  const body = parseJsonBody(PROMETHEUS_SOURCE, what, { status, statusText: '', text }) as PrometheusEnvelope;
  if (body === null || typeof body !== 'object' || (body.status !== 'success' && body.status !== 'error')) {
    throw new SourceError(
      PROMETHEUS_SOURCE,
      `${what}: answer is not a Prometheus API response (HTTP ${status}, no "status" field)`,
      status
    );
  }
  if (body.status === 'error') {
    const type = body.errorType ? `${body.errorType}: ` : '';
    throw new SourceError(
      PROMETHEUS_SOURCE,
      `${what} failed: ${type}${body.error ?? 'unknown error'} (HTTP ${status})`,
      status
    );
  }
  if (status < 200 || status >= 300) {
    throw new SourceError(PROMETHEUS_SOURCE, `${what}: HTTP ${status}`, status);
  }
  return body.data;
}

/**
 * Convert a Prometheus sample value to a number: `"NaN"` -> NaN, `"+Inf"`/`"-Inf"` -> ±Infinity.
 * @throws SourceError for anything that is not a number
 */
export function parseSampleValue(v: string): number {
  if (v === '+Inf' || v === 'Inf') return Infinity;
  if (v === '-Inf') return -Infinity;
  if (v === 'NaN') return NaN;
  const n = Number(v);
  if (v === '' || Number.isNaN(n)) throw new SourceError(PROMETHEUS_SOURCE, `sample value "${v}" is not a number`);
  return n;
}

/**
 * Matrix result -> Series[]. Labels are kept as returned (including `__name__` when present). Timestamps are
 * epoch ms. With a grid, every series is laid on the full grid and steps without a sample are NaN; without
 * one, the samples are returned as they are.
 *
 * @param result `data.result` of a matrix answer
 * @param grid the range query's grid, or undefined to keep the raw sample times
 * @throws SourceError when a sample falls off the grid or is malformed
 */
export function matrixToSeries(result: PromMatrixItem[], grid?: StepGrid): Series[] {
  if (!Array.isArray(result))
    throw new SourceError(PROMETHEUS_SOURCE, `matrix result is not a list: ${describe(result)}`);
  return result.map((item) => {
    const labels = { ...(item.metric ?? {}) };
    const samples = item.values ?? [];
    if (!grid) {
      return createSeries(
        labels,
        samples.map((s) => sampleTime(s)),
        samples.map((s) => parseSampleValue(s[1]))
      );
    }
    const n = gridLength(grid);
    const timestamps = new Float64Array(n);
    const values = new Float64Array(n).fill(NaN);
    for (let i = 0; i < n; i++) timestamps[i] = grid.startMs + i * grid.stepMs;
    for (const s of samples) {
      const t = sampleTime(s);
      const k = Math.round((t - grid.startMs) / grid.stepMs);
      if (k < 0 || k >= n || Math.abs(timestamps[k] - t) > 1) {
        throw new SourceError(
          PROMETHEUS_SOURCE,
          `sample at ${new Date(t).toISOString()} is not on the query grid (start ${new Date(grid.startMs).toISOString()}, step ${grid.stepMs} ms)`
        );
      }
      values[k] = parseSampleValue(s[1]);
    }
    return { labels, timestamps, values };
  });
}

/**
 * Instant-query data -> Series[]: a vector gives one single-point series per element, a scalar one series with
 * no labels, a matrix (range selector) the raw samples.
 * @throws SourceError for a string result or a malformed answer
 */
export function queryDataToSeries(data: PromQueryData): Series[] {
  switch (data?.resultType) {
    case 'vector':
      return data.result.map((item) =>
        item.value
          ? createSeries({ ...item.metric }, [sampleTime(item.value)], [parseSampleValue(item.value[1])])
          : createSeries({ ...item.metric }, [], [])
      );
    case 'scalar':
      return [createSeries({}, [sampleTime(data.result)], [parseSampleValue(data.result[1])])];
    case 'matrix':
      return matrixToSeries(data.result);
    case 'string':
      throw new SourceError(PROMETHEUS_SOURCE, 'query returned a string, not series');
    default:
      throw new SourceError(PROMETHEUS_SOURCE, `query: unknown result ${describe(data)}`);
  }
}

/** Number of grid points `start + k*step <= end`. */
export function gridLength(grid: StepGrid): number {
  return Math.floor((grid.endMs - grid.startMs) / grid.stepMs + 1e-9) + 1;
}

function checkGrid(grid: StepGrid): StepGrid {
  const { startMs, endMs, stepMs } = grid;
  if (!Number.isFinite(startMs) || !Number.isFinite(endMs)) {
    throw new SourceError(
      PROMETHEUS_SOURCE,
      `query_range: start and end must be finite epoch ms, got ${startMs} and ${endMs}`
    );
  }
  if (endMs < startMs) {
    throw new SourceError(
      PROMETHEUS_SOURCE,
      `query_range: end ${new Date(endMs).toISOString()} is before start ${new Date(startMs).toISOString()}`
    );
  }
  if (!(stepMs > 0) || !Number.isFinite(stepMs)) {
    throw new SourceError(PROMETHEUS_SOURCE, `query_range: step must be a positive number of ms, got ${stepMs}`);
  }
  const n = gridLength(grid);
  if (n > MAX_POINTS_PER_SERIES) {
    throw new SourceError(
      PROMETHEUS_SOURCE,
      `query_range: ${n} points per series exceeds Prometheus' limit of ${MAX_POINTS_PER_SERIES}; use a larger step or a shorter range`
    );
  }
  return grid;
}

function sampleTime(s: PromSample): number {
  if (!Array.isArray(s) || typeof s[0] !== 'number' || typeof s[1] !== 'string') {
    throw new SourceError(PROMETHEUS_SOURCE, `malformed sample ${JSON.stringify(s)} (expected [seconds, "value"])`);
  }
  return Math.round(s[0] * 1000);
}

function toPromTime(ms: number, name: string): string {
  if (!Number.isFinite(ms)) throw new SourceError(PROMETHEUS_SOURCE, `${name} must be finite epoch ms, got ${ms}`);
  return (ms / 1000).toFixed(3);
}

function requireExpr(expr: string): void {
  if (typeof expr !== 'string' || !expr.trim())
    throw new SourceError(PROMETHEUS_SOURCE, 'query: PromQL expression is empty');
}

function lookupParams(opts: LookupOptions): Record<string, string | string[]> {
  const p: Record<string, string | string[]> = {};
  if (opts.match?.length) p['match[]'] = opts.match;
  if (opts.startMs !== undefined) p.start = toPromTime(opts.startMs, 'start');
  if (opts.endMs !== undefined) p.end = toPromTime(opts.endMs, 'end');
  return p;
}

function stringList(data: unknown, what: string): string[] {
  if (!Array.isArray(data) || data.some((x) => typeof x !== 'string')) {
    throw new SourceError(PROMETHEUS_SOURCE, `${what}: expected a list of strings, got ${describe(data)}`);
  }
  return [...(data as string[])].sort();
}

function looksLikeJson(text: string): boolean {
  const t = text.trimStart();
  return t.startsWith('{') || t.startsWith('[');
}

function describe(x: unknown): string {
  const s = JSON.stringify(x);
  return s === undefined ? String(x) : s.length > 120 ? s.slice(0, 120) + '...' : s;
}
