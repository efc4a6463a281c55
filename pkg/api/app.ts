import { timingSafeEqual } from 'node:crypto';
import Fastify, { type FastifyError, type FastifyInstance, type FastifyServerOptions } from 'fastify';
import formbody from '@fastify/formbody';
import swagger from '@fastify/swagger';
import { InputError, ParameterError, SourceError } from '../core/errors';
import { detect as realDetect } from '../ensemble/detect';
import { parseInterval } from '../core/interval';
import packageJson from '../../package.json';
import type { Series } from '../core/series';
import { resolveEnsembleOptions } from '../ensemble/ensemble';
import { forecast as realForecast } from '../forecast/forecast';
import { EngineMetrics } from '../promapi/metrics';
import { registerPromApi } from '../promapi/routes';
import { defaultEngine, type DetectionEngine } from '../jobs/engine';
import { ensembleOptions, jobTiming } from '../jobs/runner';
import type { Scheduler } from '../jobs/scheduler';
import { SourceRegistry } from '../sources/registry';
import { systemClock, type Clock } from '../core/clock';
import type { FeedbackVerdict, JobSpec } from '../jobs/types';
import type { SourceQuery } from '../sources/types';
import type { Repo } from '../store/repo';
import {
  anomalyEventSchema,
  detectBodySchema,
  errorSchema,
  forecastBodySchema,
  forecastResponseSchema,
  idParams,
  jobSchema,
  jobSpecSchema,
  rangeQuerySchema,
} from './schemas';
import { registerLegacyApi } from './routes/legacy';
import { HttpError, chooseInterval, requestOptions } from './util';

export { HttpError, chooseInterval, requestOptions };

export const VERSION: string = packageJson.version;

/** Services the app uses; every one but `repo` and `apiToken` has a default. */
export interface AppDeps {
  apiToken: string;
  repo: Repo;
  sources?: SourceRegistry;
  engine?: DetectionEngine;
  detect?: typeof realDetect;
  forecast?: typeof realForecast;
  scheduler?: Scheduler;
  metrics?: EngineMetrics;
  clock?: Clock;
  version?: string;
  /** fastify logger option (pino); default off */
  logger?: FastifyServerOptions['logger'];
  /** ms to wait for a source's health check (default 5000) */
  healthTimeoutMs?: number;
}

/** The resolved services (what route modules receive). */
export type Services = Required<Omit<AppDeps, 'scheduler' | 'logger'>> & { scheduler?: Scheduler };

const DAY = 86_400_000;
function checkRange(from: number, to: number): void {
  if (!(Number.isFinite(from) && Number.isFinite(to))) throw new InputError('from and to must be epoch milliseconds');
  if (to <= from) throw new InputError(`"to" (${to}) must be after "from" (${from})`, { field: 'to' });
}

/**
 * Build the fastify app (routes, auth, error handling, OpenAPI) without listening. Tests call `app.inject`.
 */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const clock = deps.clock ?? systemClock;
  const s: Services = {
    apiToken: deps.apiToken,
    repo: deps.repo,
    sources: deps.sources ?? new SourceRegistry(),
    engine: deps.engine ?? defaultEngine,
    detect: deps.detect ?? realDetect,
    forecast: deps.forecast ?? realForecast,
    scheduler: deps.scheduler,
    metrics: deps.metrics ?? new EngineMetrics(deps.repo, () => clock.now(), false),
    clock,
    version: deps.version ?? VERSION,
    healthTimeoutMs: deps.healthTimeoutMs ?? 5000,
  };
  const app = Fastify({
    logger: deps.logger ?? false,
    bodyLimit: 10 * 1024 * 1024,
    ajv: { customOptions: { allErrors: false, coerceTypes: true, removeAdditional: false, useDefaults: true } },
  });
  await app.register(formbody);
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'Vigil engine API',
        version: s.version,
        description:
          'Anomaly detection for Grafana: ad-hoc detection, jobs, feedback, forecasts, drift, and a Prometheus-compatible read API over the results. Every route but /api/health needs `Authorization: Bearer <token>`.',
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
  });

  const expected = Buffer.from(s.apiToken);
  app.addHook('onRequest', async (req, reply) => {
    const url = req.url.split('?')[0];
    if (url === '/api/health') return;
    const h = req.headers.authorization ?? '';
    const m = /^Bearer\s+(.+)$/i.exec(h);
    const given = m ? Buffer.from(m[1].trim()) : Buffer.alloc(0);
    if (!m || given.length !== expected.length || !timingSafeEqual(given, expected)) {
      const error = {
        code: 'unauthorized',
        message: m
          ? 'the bearer token is not valid for this Vigil engine'
          : 'missing "Authorization: Bearer <token>" header; every route but /api/health needs the engine token (VIGIL_API_TOKEN)',
      };
      reply.header('WWW-Authenticate', 'Bearer realm="vigil"');
      if (url.startsWith('/api/v1/')) {
        return reply.code(401).send({ status: 'error', errorType: 'unauthorized', error: error.message });
      }
      return reply.code(401).send({ error });
    }
  });

  app.setErrorHandler((err: FastifyError | Error, req, reply) => {
    const e = err as FastifyError & { validation?: unknown; validationContext?: string };
    if (e.validation) {
      return reply.code(400).send({ error: { code: 'bad_request', message: e.message } });
    }
    if (err instanceof HttpError)
      return reply.code(err.statusCode).send({ error: { code: err.code, message: err.message } });
    if (err instanceof InputError)
      return reply.code(400).send({ error: { code: 'invalid_input', message: err.message } });
    if (err instanceof ParameterError) {
      return reply.code(400).send({ error: { code: 'invalid_parameter', message: err.message } });
    }
    if (err instanceof SourceError) {
      // the source refused the query itself (PromQL bad_data, ES parsing_exception): the caller's mistake
      if (err.status === 400) return reply.code(400).send({ error: { code: 'invalid_query', message: err.message } });
      const timeout = /timed? ?out/i.test(err.message);
      return reply
        .code(timeout ? 504 : 502)
        .send({ error: { code: timeout ? 'source_timeout' : 'source_error', message: err.message } });
    }
    if (typeof e.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) {
      return reply.code(e.statusCode).send({ error: { code: e.code ?? 'bad_request', message: err.message } });
    }
    req.log.error({ err }, 'request failed');
    return reply.code(500).send({ error: { code: 'internal', message: `internal error: ${err.message}` } });
  });
  app.setNotFoundHandler((req, reply) =>
    reply.code(404).send({ error: { code: 'not_found', message: `no route ${req.method} ${req.url.split('?')[0]}` } })
  );

  const errors = { 400: errorSchema, 401: errorSchema, 404: errorSchema, 502: errorSchema };

  // ---- health -----------------------------------------------------------------------------------------------
  const healthCache = new Map<string, { ok: boolean; error?: string; lastCheck: number }>();
  app.get(
    '/api/health',
    {
      schema: {
        tags: ['service'],
        summary: 'Status, version, store and source reachability (no token needed)',
        security: [],
        response: {
          200: {
            type: 'object',
            additionalProperties: true,
            properties: {
              status: { enum: ['ok', 'degraded'] },
              version: { type: 'string' },
              store: { type: 'object', properties: { ok: { type: 'boolean' }, error: { type: 'string' } } },
              sources: { type: 'object', additionalProperties: true },
              jobs: { type: 'object', properties: { total: { type: 'integer' }, failing: { type: 'integer' } } },
            },
          },
        },
      },
    },
    async () => {
      const now = s.clock.now();
      let store: { ok: boolean; error?: string } = { ok: true };
      try {
        s.repo.store.check();
      } catch (err) {
        store = { ok: false, error: (err as Error).message };
      }
      const seenByJobs = s.scheduler?.sources() ?? {};
      const sources: Record<string, { ok: boolean; error?: string; lastCheck: number }> = {};
      await Promise.all(
        s.sources.list().map(async (c) => {
          const cached = healthCache.get(c.name);
          if (cached && now - cached.lastCheck < 10_000) {
            sources[c.name] = cached;
          } else {
            let timer: NodeJS.Timeout | undefined;
            const timeout = new Promise<never>((_, reject) => {
              timer = setTimeout(
                () => reject(new SourceError(c.name, `no answer within ${s.healthTimeoutMs} ms`)),
                s.healthTimeoutMs
              );
            });
            try {
              await Promise.race([c.health(), timeout]);
              sources[c.name] = { ok: true, lastCheck: now };
            } catch (err) {
              sources[c.name] = { ok: false, error: (err as Error).message, lastCheck: now };
            } finally {
              clearTimeout(timer);
            }
            healthCache.set(c.name, sources[c.name]);
          }
          const byJobs = seenByJobs[c.name];
          if (sources[c.name].ok && byJobs && !byJobs.ok) sources[c.name] = byJobs;
        })
      );
      const jobs = s.repo.listJobs(now);
      const failing = jobs.filter((j) => j.enabled && j.lastRun && !j.lastRun.ok).length;
      const ok = store.ok && Object.values(sources).every((x) => x.ok) && failing === 0;
      return {
        status: ok ? 'ok' : 'degraded',
        version: s.version,
        store,
        sources,
        jobs: { total: jobs.length, failing },
      };
    }
  );

  // ---- ad-hoc detection --------------------------------------------------------------------------------------
  const fetchSeries = async (source: SourceQuery, from: number, to: number, intervalMs: number): Promise<Series[]> => {
    checkRange(from, to);
    return s.sources.get(source).fetch(source, from, to, intervalMs);
  };

  app.post(
    '/api/detect',
    {
      schema: {
        tags: ['detection'],
        summary: 'Ad-hoc detection on a source query over a time range (what a dashboard panel asks)',
        body: detectBodySchema,
        response: errors,
      },
    },
    async (req) => {
      const b = req.body as {
        source: SourceQuery;
        from: number;
        to: number;
        interval?: string;
        trainingWindow?: string;
        detectors?: string[];
        mode?: 'majority' | 'any';
        threshold?: number;
        sensitivity?: number;
        params?: Record<string, Record<string, unknown>>;
      };
      const started = performance.now();
      const intervalMs = chooseInterval(b.interval, b.from, b.to);
      const series = await fetchSeries(b.source, b.from, b.to, intervalMs);
      const trainPoints = b.trainingWindow
        ? Math.round(parseInterval(b.trainingWindow, 'trainingWindow') / intervalMs)
        : undefined;
      const result = s.detect(series, { ...requestOptions(b), intervalMs, trainPoints });
      s.metrics.detectionSeconds.observe({ kind: 'adhoc' }, (performance.now() - started) / 1000);
      return result;
    }
  );

  // ---- jobs ------------------------------------------------------------------------------------------------------
  /** Fail early on a bad interval, an unconfigured source, unknown detectors or bad ensemble options. */
  const validateSpecSafely = (spec: JobSpec): void => {
    jobTiming(spec);
    s.sources.get(spec.source);
    resolveEnsembleOptions(ensembleOptions(spec));
  };
  const getJobOr404 = (id: string) => {
    const job = s.repo.getJob(id, s.clock.now());
    if (!job) throw new HttpError(404, 'not_found', `no job with id "${id}"`);
    return job;
  };

  app.get(
    '/api/jobs',
    {
      schema: {
        tags: ['jobs'],
        summary: 'List jobs',
        response: { 200: { type: 'object', properties: { jobs: { type: 'array', items: jobSchema } } } },
      },
    },
    async () => ({ jobs: s.repo.listJobs(s.clock.now()) })
  );
  app.post(
    '/api/jobs',
    {
      schema: {
        tags: ['jobs'],
        summary: 'Create a job (enabled; the scheduler runs it every interval)',
        body: jobSpecSchema,
        response: { 201: jobSchema, ...errors },
      },
    },
    async (req, reply) => {
      const spec = req.body as JobSpec;
      validateSpecSafely(spec);
      const job = s.repo.createJob(spec, s.clock.now());
      s.scheduler?.refresh(job.id);
      return reply.code(201).send(job);
    }
  );
  app.get(
    '/api/jobs/:id',
    { schema: { tags: ['jobs'], summary: 'Get a job', params: idParams, response: { 200: jobSchema, ...errors } } },
    async (req) => getJobOr404((req.params as { id: string }).id)
  );
  app.put(
    '/api/jobs/:id',
    {
      schema: {
        tags: ['jobs'],
        summary: 'Replace a job spec (refits its model)',
        params: idParams,
        body: jobSpecSchema,
        response: { 200: jobSchema, ...errors },
      },
    },
    async (req) => {
      const { id } = req.params as { id: string };
      getJobOr404(id);
      const spec = req.body as JobSpec;
      validateSpecSafely(spec);
      const job = s.repo.updateJob(id, spec, s.clock.now())!;
      s.scheduler?.refresh(id);
      return job;
    }
  );
  app.delete(
    '/api/jobs/:id',
    { schema: { tags: ['jobs'], summary: 'Delete a job and its results', params: idParams } },
    async (req, reply) => {
      const { id } = req.params as { id: string };
      getJobOr404(id);
      s.repo.deleteJob(id);
      s.scheduler?.refresh(id);
      return reply.code(204).send();
    }
  );
  for (const [action, enabled] of [
    ['enable', true],
    ['disable', false],
  ] as const) {
    app.post(
      `/api/jobs/:id/${action}`,
      {
        schema: {
          tags: ['jobs'],
          summary: `${action[0].toUpperCase()}${action.slice(1)} a job`,
          params: idParams,
          response: { 200: jobSchema, ...errors },
        },
      },
      async (req) => {
        const { id } = req.params as { id: string };
        getJobOr404(id);
        const job = s.repo.setEnabled(id, enabled, s.clock.now());
        s.scheduler?.refresh(id);
        return job;
      }
    );
  }

  const backtest = async (spec: JobSpec, from: number, to: number) => {
    checkRange(from, to);
    const { intervalMs, trainMs } = jobTiming(spec);
    const series = await fetchSeries(spec.source, from, to, intervalMs);
    const res = s.detect(series, {
      ...ensembleOptions(spec),
      intervalMs,
      trainPoints: Math.round(trainMs / intervalMs),
    });
    return { events: res.anomalies, count: res.anomalies.length, series: res.series };
  };
  const backtestBody = {
    type: 'object',
    required: ['from', 'to'],
    properties: { from: { type: 'number' }, to: { type: 'number' } },
  } as const;
  const backtestResponse = {
    200: {
      type: 'object',
      additionalProperties: true,
      properties: {
        events: { type: 'array', items: anomalyEventSchema },
        count: { type: 'integer' },
        series: { type: 'array' },
      },
    },
    ...errors,
  };
  app.post(
    '/api/jobs/:id/backtest',
    {
      schema: {
        tags: ['jobs'],
        summary: 'Run a saved job over history: how many anomaly events, and when',
        params: idParams,
        body: backtestBody,
        response: backtestResponse,
      },
    },
    async (req) => {
      const job = getJobOr404((req.params as { id: string }).id);
      const b = req.body as { from: number; to: number };
      return backtest(job, b.from, b.to);
    }
  );
  app.post(
    '/api/backtest',
    {
      schema: {
        tags: ['jobs'],
        summary: 'Backtest a job spec that is not saved yet',
        body: {
          ...jobSpecSchema,
          required: ['name', 'source', 'from', 'to'],
          properties: { ...jobSpecSchema.properties, from: { type: 'number' }, to: { type: 'number' } },
        },
        response: backtestResponse,
      },
    },
    async (req) => {
      const { from, to, ...spec } = req.body as JobSpec & { from: number; to: number };
      return backtest(spec, from, to);
    }
  );

  app.get(
    '/api/jobs/:id/results',
    {
      schema: {
        tags: ['jobs'],
        summary: "A job's stored results (DetectionResult) in [from, to]",
        params: idParams,
        querystring: rangeQuerySchema,
      },
    },
    async (req) => {
      const job = getJobOr404((req.params as { id: string }).id);
      const q = req.query as { from?: number; to?: number };
      const to = q.to ?? s.clock.now();
      const from = q.from ?? to - DAY;
      const { intervalMs } = jobTiming(job);
      const series = s.repo.readResults(job.id, from, to).map((r) => ({
        labels: r.labels,
        intervalMs,
        points: r.points.map(({ direction: _d, ...p }) => p),
      }));
      const anomalies = s.repo.listAnomalies(job.id, from, to).reverse();
      return { series, anomalies };
    }
  );
  app.get(
    '/api/jobs/:id/anomalies',
    {
      schema: {
        tags: ['jobs'],
        summary: "A job's anomaly events in [from, to], newest first",
        params: idParams,
        querystring: {
          type: 'object',
          properties: { ...rangeQuerySchema.properties, includeSuppressed: { type: 'boolean' } },
        },
      },
    },
    async (req) => {
      const job = getJobOr404((req.params as { id: string }).id);
      const q = req.query as { from?: number; to?: number; includeSuppressed?: boolean };
      const to = q.to ?? s.clock.now();
      const from = q.from ?? to - 7 * DAY;
      return { anomalies: s.repo.listAnomalies(job.id, from, to, q.includeSuppressed ?? false) };
    }
  );

  // ---- feedback and drift --------------------------------------------------------------------------------------
  app.post(
    '/api/anomalies/:id/feedback',
    {
      schema: {
        tags: ['feedback'],
        summary: 'Judge an anomaly; a false positive suppresses the same pattern on that series from then on',
        params: idParams,
        body: {
          type: 'object',
          required: ['verdict'],
          additionalProperties: false,
          properties: {
            verdict: { enum: ['false_positive', 'expected', 'confirmed'] },
            comment: { type: 'string', maxLength: 2000 },
          },
        },
      },
    },
    async (req) => {
      const { id } = req.params as { id: string };
      const anomaly = s.repo.getAnomaly(id);
      if (!anomaly) throw new HttpError(404, 'not_found', `no anomaly with id "${id}"`);
      const b = req.body as { verdict: FeedbackVerdict; comment?: string };
      s.repo.addFeedback(anomaly, b.verdict, b.comment, s.clock.now());
      return s.repo.getAnomaly(id);
    }
  );
  app.get('/api/feedback', { schema: { tags: ['feedback'], summary: 'All feedback, newest first' } }, async () => ({
    feedback: s.repo.listFeedback(),
  }));
  app.get(
    '/api/drift',
    { schema: { tags: ['drift'], summary: 'Drift status of every job series (KS test, p < 0.01 drifting)' } },
    async () => ({
      jobs: s.repo.listDrift(),
    })
  );

  // ---- forecast ---------------------------------------------------------------------------------------------------
  const forecastSeries = (
    series: Series[],
    horizon: number,
    method: 'prophet' | 'ets' | 'mstl',
    intervalMs: number,
    level?: number
  ) => ({
    series: series.map((x) => {
      const f = s.forecast(x, { horizon, method, intervalMs, ...(level ? { level } : {}) });
      return {
        labels: x.labels,
        method: f.method,
        points: Array.from(f.timestamps, (t, i) => ({
          t,
          mean: num(f.mean[i]),
          lower: num(f.lower[i]),
          upper: num(f.upper[i]),
        })),
      };
    }),
  });
  app.post(
    '/api/forecast',
    {
      schema: {
        tags: ['forecast'],
        summary: 'Forecast a source query `horizon` points past `to`',
        body: forecastBodySchema,
        response: { 200: forecastResponseSchema, ...errors },
      },
    },
    async (req) => {
      const b = req.body as {
        source: SourceQuery;
        from: number;
        to: number;
        interval?: string;
        horizon: number;
        method: 'prophet' | 'ets' | 'mstl';
        level?: number;
      };
      const intervalMs = chooseInterval(b.interval, b.from, b.to);
      const series = await fetchSeries(b.source, b.from, b.to, intervalMs);
      return forecastSeries(series, b.horizon ?? 48, b.method ?? 'ets', intervalMs, b.level);
    }
  );
  app.get(
    '/api/forecast',
    {
      schema: {
        tags: ['forecast'],
        summary: "Forecast a saved job's series from its stored values",
        querystring: {
          type: 'object',
          required: ['jobId'],
          properties: {
            jobId: { type: 'string' },
            horizon: { type: 'integer', minimum: 1, maximum: 100000, default: 48 },
            method: { enum: ['prophet', 'ets', 'mstl'], default: 'ets' },
          },
        },
        response: { 200: forecastResponseSchema, ...errors },
      },
    },
    async (req) => {
      const q = req.query as { jobId: string; horizon: number; method: 'prophet' | 'ets' | 'mstl' };
      const job = getJobOr404(q.jobId);
      const { intervalMs, trainMs } = jobTiming(job);
      const now = s.clock.now();
      const series: Series[] = s.repo.readResults(job.id, now - trainMs, now).map((r) => ({
        labels: r.labels,
        timestamps: Float64Array.from(r.points, (p) => p.t),
        values: Float64Array.from(r.points, (p) => p.value ?? NaN),
      }));
      return forecastSeries(
        series.filter((x) => x.timestamps.length > 0),
        q.horizon ?? 48,
        q.method ?? 'ets',
        intervalMs
      );
    }
  );

  registerLegacyApi(app, s, fetchSeries);

  // ---- Prometheus-compatible API, /metrics, OpenAPI -------------------------------------------------------------------
  registerPromApi(app, { repo: s.repo, now: () => s.clock.now(), version: s.version });
  app.get(
    '/metrics',
    { schema: { tags: ['service'], summary: 'Prometheus exposition: engine metrics and newest result values' } },
    async (_req, reply) => reply.header('Content-Type', s.metrics.contentType).send(await s.metrics.text())
  );
  app.get(
    '/api/openapi.json',
    { schema: { tags: ['service'], summary: 'This OpenAPI document', hide: true } },
    async () => app.swagger()
  );

  return app;
}

function num(v: number): number | null {
  return Number.isFinite(v) ? v : null;
}
