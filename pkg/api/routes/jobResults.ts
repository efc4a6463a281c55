import { defaultWarmup } from '../../pipeline/stream';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { AnomaliesQuery, AnomalyList, IdParams, RangeQuery } from '../../contract/api';
import { BacktestRange, BacktestResponse, BacktestSpec, type JobSpec } from '../../contract/jobs';
import { JobResults } from '../../contract/results';
import { ensembleOptions, jobTiming } from '../../jobs/runner';
import { detectionErrorResponses, errorResponses, HttpError } from '../errors';
import { checkPoints } from '../limits';
import { checkRange, type RouteOptions, type Services } from '../services';
import { getJobOr404 } from './jobs';

const DAY = 86_400_000;

/**
 * Run `spec` over [from, to] as its scheduled runs would: the same detection stream a job keeps, warmed up on the day
 * before `from`, so a job whose first run covers [from, to] raises exactly these events. Returns the events and the
 * scored series.
 */
async function backtest(s: Services, spec: JobSpec, from: number, to: number): Promise<BacktestResponse> {
  if (spec.kind === 'outliers') {
    // its series are judged against each other, not against their past: the ad-hoc question answers it
    throw new HttpError(400, 'outliers_job', 'an outliers job has no backtest: ask POST /api/outliers over the range');
  }
  checkRange(from, to);
  const { intervalMs } = jobTiming(spec);
  const warmup = defaultWarmup(intervalMs);
  checkPoints(from, to, intervalMs, s.limits.pointsPerRequest, warmup);
  const series = await s.fetchSeries(spec.source, from - warmup * intervalMs, to, intervalMs);
  // in a worker thread: the event loop stays free while the history is judged
  const res = JSON.parse(await s.pool.detectJson(series, { ensemble: ensembleOptions(spec), intervalMs, from })) as {
    anomalies: BacktestResponse['events'];
    series: BacktestResponse['series'];
  };
  return { events: res.anomalies, count: res.anomalies.length, series: res.series };
}

/** A job's history: backtests (saved or unsaved spec), stored results, anomaly events. */
export const jobResultRoutes: FastifyPluginAsyncTypebox<RouteOptions> = async (app, { services: s }) => {
  app.post(
    '/api/jobs/:id/backtest',
    {
      schema: {
        tags: ['jobs'],
        summary: 'Run a saved job over history: how many anomaly events, and when',
        params: IdParams,
        body: BacktestRange,
        response: { 200: BacktestResponse, ...detectionErrorResponses },
      },
    },
    async (req) => backtest(s, await getJobOr404(s, req.params.id), req.body.from, req.body.to)
  );
  app.post(
    '/api/backtest',
    {
      schema: {
        tags: ['jobs'],
        summary: 'Backtest a job spec that is not saved yet',
        body: BacktestSpec,
        response: { 200: BacktestResponse, ...detectionErrorResponses },
      },
    },
    async (req) => {
      const { from, to, ...spec } = req.body;
      return backtest(s, spec, from, to);
    }
  );
  app.get(
    '/api/jobs/:id/results',
    {
      schema: {
        tags: ['jobs'],
        summary: "A job's stored results (DetectionResult) in [from, to]",
        params: IdParams,
        querystring: RangeQuery,
        response: { 200: JobResults, ...errorResponses },
      },
    },
    async (req) => {
      const job = await getJobOr404(s, req.params.id);
      const to = req.query.to ?? s.clock.now();
      const from = req.query.from ?? to - DAY;
      const { intervalMs } = jobTiming(job);
      const series = (await s.repo.readResults(job.id, from, to)).map((r) => ({
        labels: r.labels,
        intervalMs,
        points: r.points.map(({ direction: _d, ...p }) => p),
      }));
      const anomalies = (await s.repo.listAnomalies(job.id, from, to)).reverse();
      return { series, anomalies };
    }
  );
  app.get(
    '/api/jobs/:id/anomalies',
    {
      schema: {
        tags: ['jobs'],
        summary: "A job's anomaly events in [from, to], newest first",
        params: IdParams,
        querystring: AnomaliesQuery,
        response: { 200: AnomalyList, ...errorResponses },
      },
    },
    async (req) => {
      const job = await getJobOr404(s, req.params.id);
      const to = req.query.to ?? s.clock.now();
      const from = req.query.from ?? to - 7 * DAY;
      return { anomalies: await s.repo.listAnomalies(job.id, from, to, req.query.includeSuppressed ?? false) };
    }
  );
};
