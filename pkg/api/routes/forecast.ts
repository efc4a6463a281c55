import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { ForecastRequest, JobForecastQuery } from '../../contract/api';
import type { ForecastMethod } from '../../contract/rules';
import { ForecastResponse } from '../../contract/results';
import { finiteOrNull, type Series } from '../../core/series';
import { jobTiming } from '../../jobs/runner';
import { detectionErrorResponses } from '../errors';
import { checkPoints } from '../limits';
import { checkRange, type RouteOptions, type Services } from '../services';
import { chooseInterval } from '../util';
import { getJobOr404 } from './jobs';
import { forecastBreaches } from '../../forecast/breach';

/** Forecast each series `horizon` points past its end; non-finite values travel as null. */
async function forecastSeries(
  s: Services,
  series: Series[],
  horizon: number,
  method: ForecastMethod,
  intervalMs: number,
  level?: number
): Promise<ForecastResponse> {
  // in worker threads: fitting ETS, MSTL or Prophet must not hold the event loop
  const fits = await Promise.all(
    series.map((x) => s.pool.forecast(x, { horizon, method, intervalMs, ...(level ? { level } : {}) }))
  );
  return {
    series: series.map((x, k) => {
      const f = fits[k];
      return {
        labels: x.labels,
        method: f.method,
        points: Array.from(f.timestamps, (t, i) => ({
          t,
          mean: finiteOrNull(f.mean[i]),
          lower: finiteOrNull(f.lower[i]),
          upper: finiteOrNull(f.upper[i]),
        })),
      };
    }),
  };
}

/** Forecasts of a source query or of a saved job's stored series. */
export const forecastRoutes: FastifyPluginAsyncTypebox<RouteOptions> = async (app, { services: s }) => {
  app.post(
    '/api/forecast',
    {
      schema: {
        tags: ['forecast'],
        summary: 'Forecast a source query `horizon` points past `to`',
        body: ForecastRequest,
        response: { 200: ForecastResponse, ...detectionErrorResponses },
      },
    },
    async (req) => {
      const b = req.body;
      checkRange(b.from, b.to);
      const intervalMs = chooseInterval(b.interval, b.from, b.to);
      checkPoints(b.from, b.to, intervalMs, s.limits.pointsPerRequest);
      const series = await s.fetchSeries(b.source, b.from, b.to, intervalMs);
      return forecastSeries(s, series, b.horizon ?? 48, b.method ?? 'ets', intervalMs, b.level);
    }
  );
  app.get(
    '/api/forecast',
    {
      schema: {
        tags: ['forecast'],
        summary:
          "Forecast a saved job's series (by id or name) from its stored values, with when the forecast crosses each of the job's forecastThresholds",
        querystring: JobForecastQuery,
        response: { 200: ForecastResponse, ...detectionErrorResponses },
      },
    },
    async (req) => {
      const q = req.query;
      const job = await getJobOr404(s, q.jobId);
      const { intervalMs, trainMs } = jobTiming(job);
      const now = s.clock.now();
      const series: Series[] = (await s.repo.readResults(job.id, now - trainMs, now)).map((r) => ({
        labels: r.labels,
        timestamps: Float64Array.from(r.points, (p) => p.t),
        values: Float64Array.from(r.points, (p) => p.value ?? NaN),
      }));
      const kept = series.filter((x) => x.timestamps.length > 0);
      const res = await forecastSeries(s, kept, q.horizon ?? 48, q.method ?? 'ets', intervalMs);
      if (job.forecastThresholds?.length) {
        res.series.forEach((f, i) => {
          const last = kept[i].timestamps[kept[i].timestamps.length - 1];
          f.breaches = forecastBreaches(last, f.points, job.forecastThresholds!);
        });
      }
      return res;
    }
  );
};
