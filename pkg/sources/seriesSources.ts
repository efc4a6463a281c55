import { access, readFile, realpath, stat } from 'node:fs/promises';
import { constants as fsConstants } from 'node:fs';
import path from 'node:path';
import { InputError, SourceError } from '../core/errors';
import { parseInterval } from '../core/interval';
import type { Series } from '../core/series';
import type { AuthConfig, SourceConfig } from '../config/config';
import { ElasticsearchHttpClient, checkIndex, type EsAggregation } from './elasticsearch';
import type { HttpAuth } from './http';
import { PrometheusHttpClient } from './prometheus';
import { readSeriesFile } from './file';
import type { SeriesSource } from './types';
import type { EsMetric, SourceQuery } from '../contract/sources';
import { ES_METRIC_TYPES, esMetricProblem } from '../contract/rules';

/**
 * The configured sources as the service sees them: each `*SeriesSource` implements `SeriesSource` over the
 * `*HttpClient` that speaks the server's HTTP API (or over the file reader).
 */

/** The HTTP clients' form of a configured auth setting. */
export function toHttpAuth(a: AuthConfig | undefined): HttpAuth | undefined {
  if (!a) return undefined;
  if (a.type === 'basic') return { type: 'basic', username: a.username, password: a.password };
  if (a.type === 'bearer') return { type: 'bearer', token: a.token };
  return { type: 'apikey', key: a.apiKey };
}

/** HTTP client options of a configured source (URL, auth, CA file, timeout). */
export async function httpOptions(c: SourceConfig) {
  return {
    url: c.url as string,
    auth: toHttpAuth(c.auth),
    caCert: c.caFile ? await readFile(c.caFile) : undefined,
    timeoutMs: c.timeout ? parseInterval(c.timeout, 'timeout') : undefined,
  };
}

/** Prometheus: `query_range` with step = the job interval, chunked to stay under 11,000 points per request. */
export class PrometheusSeriesSource implements SeriesSource {
  readonly type = 'prometheus' as const;
  constructor(
    readonly name: string,
    private readonly client: Pick<PrometheusHttpClient, 'queryRange' | 'query'>
  ) {}

  async fetch(query: SourceQuery, from: number, to: number, intervalMs: number): Promise<Series[]> {
    if (query.type !== 'prometheus') throw new InputError(`source "${this.name}" is a prometheus source`);
    const start = Math.ceil(from / intervalMs) * intervalMs;
    if (start > to) return [];
    const chunk = 10_000 * intervalMs;
    const parts: Series[][] = [];
    for (let s = start; s <= to; s += chunk + intervalMs) {
      parts.push(await this.client.queryRange(query.query, s, Math.min(to, s + chunk), intervalMs));
    }
    return concatSeries(parts);
  }

  async health(): Promise<void> {
    await this.client.query('1');
  }
}

/** Map the REST contract's ES metric onto the source's aggregation. */
export function esMetric(m: EsMetric): { name: string; metric: EsAggregation } {
  // the rule the query editor checks too (pkg/contract/rules.ts), worded for the API
  const problem = (ES_METRIC_TYPES as readonly string[]).includes(m.type) ? esMetricProblem(m) : undefined;
  if (problem === 'field') throw new InputError(`metric "${m.type}" needs a field`, { field: 'source.metric.field' });
  if (problem === 'percentile') {
    throw new InputError(`percentile must be in (0, 100), got ${m.percentile}`, { field: 'source.metric.percentile' });
  }
  switch (m.type) {
    case 'count':
      return { name: 'count', metric: { type: 'count' } };
    case 'cardinality':
      return { name: `cardinality_${m.field}`, metric: { type: 'cardinality', field: m.field! } };
    case 'avg':
    case 'sum':
    case 'min':
    case 'max':
      return { name: `${m.type}_${m.field}`, metric: { type: m.type, field: m.field! } };
    case 'percentile': {
      const p = m.percentile ?? 95;
      return { name: `p${p}_${m.field}`, metric: { type: 'percentiles', field: m.field!, percents: [p] } };
    }
    case 'error_rate': {
      const field = m.field ?? 'status';
      return { name: 'error_rate', metric: { type: 'filter_ratio', filter: `${field}:>=400` } };
    }
    default:
      throw new InputError(`unknown metric type ${JSON.stringify((m as { type: unknown }).type)}`, {
        field: 'source.metric.type',
      });
  }
}

/** Elasticsearch / OpenSearch: `date_histogram` (fixed_interval) with the metric pushed down. */
export class ElasticsearchSeriesSource implements SeriesSource {
  readonly type = 'elasticsearch' as const;
  constructor(
    readonly name: string,
    private readonly client: Pick<ElasticsearchHttpClient, 'histogram' | 'info'>
  ) {}

  async fetch(query: SourceQuery, from: number, to: number, intervalMs: number): Promise<Series[]> {
    if (query.type !== 'elasticsearch') throw new InputError(`source "${this.name}" is an elasticsearch source`);
    checkIndex(query.index, 'source.index');
    const { name, metric } = esMetric(query.metric);
    const start = Math.floor(from / intervalMs) * intervalMs;
    const chunk = 50_000 * intervalMs;
    const parts: Series[][] = [];
    for (let s = start; s <= to; s += chunk) {
      parts.push(
        await this.client.histogram({
          index: query.index,
          timeField: query.timeField,
          startMs: s,
          endMs: Math.min(to + 1, s + chunk),
          intervalMs,
          query: query.filter,
          metrics: { [name]: metric },
          splitBy: query.splitBy ? { field: query.splitBy, size: query.size } : undefined,
        })
      );
    }
    return concatSeries(parts);
  }

  async health(): Promise<void> {
    await this.client.info();
  }
}

/**
 * File source: CSV/NDJSON (optionally gzipped) read with `readSeriesFile`, only under `root`. The parsed file is
 * cached until its modification time or size changes, so a job re-reading a file each interval costs a `stat`.
 */
export class FileSeriesSource implements SeriesSource {
  readonly type = 'file' as const;
  private cache = new Map<string, { mtimeMs: number; size: number; series: Series[] }>();
  constructor(
    readonly name: string,
    private readonly root: string
  ) {}

  /**
   * The real path of `p` (relative to the root), after following every symbolic link, when it lies under the
   * root's real path; nothing outside the root is ever opened, whatever links inside it point to.
   * @throws InputError (field `source.path`) when the path, or what it links to, is outside the root, or is missing
   */
  async resolve(p: string): Promise<string> {
    const outside = () =>
      new InputError(`path "${p}" is outside the file source's root directory`, { field: 'source.path' });
    const within = (root: string, full: string) => {
      const rel = path.relative(root, full);
      return !(rel === '..' || rel.startsWith(`..${path.sep}`) || path.isAbsolute(rel));
    };
    if (typeof p !== 'string' || p === '' || p.includes('\0')) throw outside();
    const root = await realpath(this.root).catch(() => {
      throw new SourceError(this.name, `root directory ${this.root} does not exist or is not readable`);
    });
    const full = path.resolve(root, p);
    if (!within(root, full)) throw outside();
    const real = await realpath(full).catch(() => {
      throw new InputError(`file "${p}" not found under the file source's root`, { field: 'source.path' });
    });
    if (!within(root, real)) throw outside();
    return real;
  }

  async fetch(query: SourceQuery, from: number, to: number): Promise<Series[]> {
    if (query.type !== 'file') throw new InputError(`source "${this.name}" is a file source`);
    const file = await this.resolve(query.path);
    const st = await stat(file).catch(() => {
      throw new InputError(`file "${query.path}" not found under the file source's root`, { field: 'source.path' });
    });
    if (!st.isFile()) {
      throw new InputError(`"${query.path}" is not a regular file`, { field: 'source.path' });
    }
    const key = JSON.stringify([file, query.timeField, query.valueField, query.labelFields]);
    let hit = this.cache.get(key);
    if (!hit || hit.mtimeMs !== st.mtimeMs || hit.size !== st.size) {
      const res = await readSeriesFile(file, {
        timeField: query.timeField,
        valueFields: query.valueField ? [query.valueField] : undefined,
        labelFields: query.labelFields,
      });
      hit = { mtimeMs: st.mtimeMs, size: st.size, series: res.series };
      this.cache.set(key, hit);
    }
    return hit.series.map((s) => slice(s, from, to)).filter((s) => s.timestamps.length > 0);
  }

  async health(): Promise<void> {
    try {
      await access(this.root, fsConstants.R_OK);
    } catch (err) {
      throw new SourceError('file', `root directory ${this.root} is not readable: ${(err as Error).message}`);
    }
  }
}

/** Build the clients of the configured sources. @throws SourceError for a bad URL/timeout/CA */
export async function createSeriesSources(configs: SourceConfig[], cwd = process.cwd()): Promise<SeriesSource[]> {
  const out: SeriesSource[] = [];
  for (const c of configs) {
    if (c.type === 'prometheus')
      out.push(new PrometheusSeriesSource(c.name, new PrometheusHttpClient(await httpOptions(c))));
    else if (c.type === 'elasticsearch')
      out.push(new ElasticsearchSeriesSource(c.name, new ElasticsearchHttpClient(await httpOptions(c))));
    else out.push(new FileSeriesSource(c.name, path.resolve(cwd, c.root ?? path.join('.vigil', 'files'))));
  }
  return out;
}

function slice(s: Series, from: number, to: number): Series {
  let a = 0;
  while (a < s.timestamps.length && s.timestamps[a] < from) a++;
  let b = a;
  while (b < s.timestamps.length && s.timestamps[b] <= to) b++;
  return { labels: s.labels, timestamps: s.timestamps.slice(a, b), values: s.values.slice(a, b) };
}

/** Join the chunks of a long range per label set. */
function concatSeries(parts: Series[][]): Series[] {
  if (parts.length === 1) return parts[0];
  const byKey = new Map<string, { labels: Series['labels']; t: number[]; v: number[] }>();
  for (const part of parts) {
    for (const s of part) {
      const k = JSON.stringify(Object.entries(s.labels).sort());
      let e = byKey.get(k);
      if (!e) byKey.set(k, (e = { labels: s.labels, t: [], v: [] }));
      for (let i = 0; i < s.timestamps.length; i++) {
        if (e.t.length && s.timestamps[i] <= e.t[e.t.length - 1]) continue;
        e.t.push(s.timestamps[i]);
        e.v.push(s.values[i]);
      }
    }
  }
  return [...byKey.values()].map((e) => ({
    labels: e.labels,
    timestamps: Float64Array.from(e.t),
    values: Float64Array.from(e.v),
  }));
}
