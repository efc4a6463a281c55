import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { PromResponse } from '../contract/promapi';
import parseDuration from 'parse-duration';
import type { Labels } from '../core/series';
import type { Repo } from '../store/repo';
import { ResultCatalog, RESULT_METRICS } from './catalog';
import {
  evaluate,
  evaluateRange,
  formatValue,
  labelKey,
  lookbehindMs,
  parsePromQL,
  PromQLError,
  selectors,
  type Matcher,
  type Sample,
} from './promql';

/**
 * Prometheus-compatible read API (`/api/v1/...`) over Vigil's result series, so Grafana's Prometheus data source
 * (queries, the query editor, alert rules) can use Vigil directly. Response shapes follow the Prometheus HTTP API
 * (https://prometheus.io/docs/prometheus/latest/querying/api/): `{status, data}` on success,
 * `{status: "error", errorType: "bad_data", error}` with HTTP 400 on a bad request. Every route accepts GET with
 * query parameters and POST with a form-encoded body.
 */

export interface PromApiDeps {
  repo: Repo;
  now: () => number;
  version: string;
}

/** Prometheus refuses range queries with more points than this per series. */
const MAX_POINTS = 11_000;

class BadData extends Error {}

type Params = Record<string, string | string[] | undefined>;

function params(req: FastifyRequest): Params {
  const q = (req.query ?? {}) as Params;
  const b = req.body && typeof req.body === 'object' ? (req.body as Params) : {};
  const path = (req.params ?? {}) as Params;
  return { ...q, ...b, ...path };
}

function one(p: Params, name: string): string | undefined {
  const v = p[name];
  return Array.isArray(v) ? v[v.length - 1] : v;
}

function many(p: Params, name: string): string[] {
  const v = p[name];
  if (v === undefined) return [];
  return Array.isArray(v) ? v : [v];
}

/** Parse a Prometheus time: RFC 3339 or unix seconds (float). Returns epoch ms. */
export function parseTime(text: string | undefined, name: string, fallback: number): number {
  if (text === undefined || text === '') return fallback;
  if (/^[+-]?\d+(\.\d+)?([eE][+-]?\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  const ms = Date.parse(text);
  if (Number.isNaN(ms)) throw new BadData(`invalid parameter "${name}": cannot parse "${text}" to a valid timestamp`);
  return ms;
}

/** Parse a Prometheus duration: float seconds or a duration like `15s`, `1m`. Returns ms. */
export function parseStep(text: string | undefined, name: string): number {
  if (text === undefined || text === '') throw new BadData(`invalid parameter "${name}": missing`);
  let ms: number | null | undefined;
  if (/^\d+(\.\d+)?$/.test(text)) ms = Number(text) * 1000;
  else ms = /^(\d+(ms|s|m|h|d|w|y))+$/.test(text) ? parseDuration(text) : null;
  if (ms === null || ms === undefined || !Number.isFinite(ms)) {
    throw new BadData(`invalid parameter "${name}": cannot parse "${text}" to a valid duration`);
  }
  if (ms <= 0) {
    throw new BadData(
      'invalid parameter "step": zero or negative query resolution step widths are not accepted. Try a positive integer'
    );
  }
  return ms;
}

function parseMatchers(p: Params): Matcher[][] {
  return many(p, 'match[]').map((m) => {
    const e = parsePromQL(m);
    if (e.kind !== 'selector') throw new BadData(`invalid parameter "match[]": "${m}" is not a vector selector`);
    return e.matchers;
  });
}

function sortLabels(labels: Labels): Labels {
  return Object.fromEntries(
    Object.keys(labels)
      .sort()
      .map((k) => [k, labels[k]])
  );
}

function sampleJson(s: Sample, t: number): { metric: Labels; value: [number, string] } {
  return { metric: sortLabels(s.labels), value: [t / 1000, formatValue(s.value)] };
}

/** Register `/api/v1/*` on a fastify instance (auth is applied by the caller's hook). */
/** The Prometheus-compatible read API as a fastify plugin (options: the repository, the clock, the version). */
export const promApiRoutes: FastifyPluginAsync<PromApiDeps> = async (app, deps) => {
  const handle =
    (fn: (p: Params) => unknown) =>
    async (req: FastifyRequest, reply: FastifyReply): Promise<unknown> => {
      try {
        return { status: 'success', data: await fn(params(req)) };
      } catch (err) {
        if (err instanceof BadData || err instanceof PromQLError) {
          return reply.code(400).send({ status: 'error', errorType: 'bad_data', error: err.message });
        }
        req.log.error({ err }, 'prometheus api failed');
        return reply.code(500).send({ status: 'error', errorType: 'internal', error: (err as Error).message });
      }
    };

  const schema = (summary: string, extra: Record<string, object> = {}) => ({
    tags: ['prometheus'],
    summary,
    querystring: {
      type: 'object',
      properties: {
        query: { type: 'string' },
        time: { type: 'string' },
        start: { type: 'string' },
        end: { type: 'string' },
        step: { type: 'string' },
        timeout: { type: 'string' },
        limit: { type: 'string' },
        metric: { type: 'string' },
        'match[]': { anyOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }] },
        ...extra,
      },
    },
    response: { 200: PromResponse, 400: PromResponse, 401: PromResponse, 500: PromResponse },
  });

  const route = (url: string, summary: string, fn: (p: Params, req: FastifyRequest) => unknown) => {
    for (const method of ['GET', 'POST'] as const) {
      app.route({
        method,
        url,
        schema: schema(summary),
        handler: (req, reply) => handle((p) => fn(p, req))(req, reply),
      });
    }
  };

  route('/api/v1/query', 'Instant query (PromQL subset) over Vigil result series', async (p) => {
    const query = one(p, 'query');
    if (!query) throw new BadData('invalid parameter "query": missing');
    const expr = parsePromQL(query);
    const t = parseTime(one(p, 'time'), 'time', deps.now());
    const catalog = await ResultCatalog.load(deps.repo);
    const from = t - lookbehindMs(expr);
    await catalog.preload(selectors(expr), from, t);
    const v = evaluate(expr, t, catalog.selector(from, t));
    if (v.type === 'scalar') return { resultType: 'scalar', result: [t / 1000, formatValue(v.value)] };
    if (v.type === 'matrix') {
      return {
        resultType: 'matrix',
        result: v.series.map((s) => ({
          metric: sortLabels(s.labels),
          values: s.points.map(([pt, pv]) => [pt / 1000, formatValue(pv)]),
        })),
      };
    }
    return { resultType: 'vector', result: v.samples.map((s) => sampleJson(s, t)) };
  });

  route('/api/v1/query_range', 'Range query (PromQL subset) over Vigil result series', async (p) => {
    const query = one(p, 'query');
    if (!query) throw new BadData('invalid parameter "query": missing');
    const start = parseTime(one(p, 'start'), 'start', NaN);
    const end = parseTime(one(p, 'end'), 'end', NaN);
    if (Number.isNaN(start)) throw new BadData('invalid parameter "start": missing');
    if (Number.isNaN(end)) throw new BadData('invalid parameter "end": missing');
    if (end < start) throw new BadData('invalid parameter "end": end timestamp must not be before start time');
    const step = parseStep(one(p, 'step'), 'step');
    if ((end - start) / step > MAX_POINTS) {
      throw new BadData(
        'exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution (?step=XX)'
      );
    }
    const expr = parsePromQL(query);
    const catalog = await ResultCatalog.load(deps.repo);
    const from = start - lookbehindMs(expr);
    await catalog.preload(selectors(expr), from, end);
    const result = evaluateRange(expr, start, end, step, catalog.selector(from, end)).map((s) => ({
      metric: sortLabels(s.labels),
      values: s.points.map(([t, v]) => [t / 1000, formatValue(v)]),
    }));
    return { resultType: 'matrix', result };
  });

  route('/api/v1/labels', 'Label names of Vigil result series', async (p) => {
    const names = new Set<string>();
    for (const l of (await ResultCatalog.load(deps.repo)).series(parseMatchers(p)))
      for (const k of Object.keys(l)) names.add(k);
    return [...names].sort();
  });

  route('/api/v1/label/:name/values', 'Values of one label over Vigil result series', async (p) => {
    const name = one(p, 'name') ?? '';
    const values = new Set<string>();
    for (const l of (await ResultCatalog.load(deps.repo)).series(parseMatchers(p)))
      if (l[name] !== undefined) values.add(l[name]);
    return [...values].sort();
  });

  route('/api/v1/series', 'Label sets of Vigil result series matching match[]', async (p) => {
    const m = parseMatchers(p);
    if (m.length === 0) throw new BadData('no match[] parameter provided');
    const seen = new Map<string, Labels>();
    for (const l of (await ResultCatalog.load(deps.repo)).series(m)) seen.set(labelKey(l), sortLabels(l));
    return [...seen.values()];
  });

  route('/api/v1/metadata', 'Type and help of Vigil result metrics', (p) => {
    const metric = one(p, 'metric');
    const out: Record<string, { type: string; help: string; unit: string }[]> = {};
    for (const [name, help] of Object.entries(RESULT_METRICS)) {
      if (metric && metric !== name) continue;
      out[name] = [{ type: 'gauge', help, unit: '' }];
    }
    return out;
  });

  route('/api/v1/status/buildinfo', 'Build information (Grafana reads it to learn the flavour)', () => ({
    version: '2.53.0',
    revision: `vigil-${deps.version}`,
    branch: 'vigil',
    buildUser: 'vigil',
    buildDate: '',
    goVersion: 'none (Vigil engine, Node.js)',
  }));

  route('/api/v1/query_exemplars', 'Exemplars (Vigil has none)', () => []);
  route('/api/v1/rules', 'Recording and alerting rules (Vigil has none)', () => ({ groups: [] }));
};
