import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { IdParams, RangeQuery } from '../../contract/api';
import { OutlierRequest, OutlierResult } from '../../contract/outliers';
import { jobTiming } from '../../jobs/runner';
import { storedOutlierResult } from '../../jobs/outlierRun';
import { detectionErrorResponses, errorResponses, HttpError } from '../errors';
import { checkPoints } from '../limits';
import { checkRange, type RouteOptions } from '../services';
import { chooseInterval, closedSignal } from '../util';
import { getJobOr404 } from './jobs';

/**
 * `POST /api/outliers`: which series of a source query behave unlike their peers over a time range (a peer group's
 * outliers, as Grafana Machine Learning's outlier detector finds them); `GET /api/jobs/:id/outliers`: what an
 * `outliers` job stored.
 */
export const outlierRoutes: FastifyPluginAsyncTypebox<RouteOptions> = async (app, { services: s }) => {
  app.post(
    '/api/outliers',
    {
      schema: {
        tags: ['detection'],
        summary:
          'Peer-group outliers of a source query over a time range: per series whether, when and how far it leaves the group (DBSCAN or MAD at each time)',
        body: OutlierRequest,
        response: { 200: OutlierResult, ...detectionErrorResponses },
      },
    },
    async (req, reply) => {
      const b = req.body;
      checkRange(b.from, b.to);
      const intervalMs = chooseInterval(b.interval, b.from, b.to);
      checkPoints(b.from, b.to, intervalMs, s.limits.pointsPerRequest);
      const key = JSON.stringify(['outliers', b, intervalMs]);
      // viewers of one dashboard ask the same question at once: one computation answers all of them
      const text = await s.detections.get(
        key,
        async (gone) => {
          const series = await s.fetchSeries(b.source, b.from, b.to, intervalMs);
          // judged in a worker thread, which also writes the JSON, like /api/detect
          const options = { algorithm: b.algorithm, sensitivity: b.sensitivity, minDuration: b.minDuration };
          return s.pool.outliersJson({ series, from: b.from, to: b.to, intervalMs, options }, gone);
        },
        closedSignal(reply.raw)
      );
      // a string is sent as it is (the cache keeps the answer's JSON); fastify serialises only objects
      return reply.type('application/json; charset=utf-8').send(text as unknown as OutlierResult);
    }
  );
  app.get(
    '/api/jobs/:id/outliers',
    {
      schema: {
        tags: ['jobs'],
        summary:
          "An outliers job's stored results over [from, to] (default the last day), as POST /api/outliers answers",
        params: IdParams,
        querystring: RangeQuery,
        response: { 200: OutlierResult, ...errorResponses },
      },
    },
    async (req) => {
      const job = await getJobOr404(s, req.params.id);
      if (job.kind !== 'outliers') {
        throw new HttpError(400, 'not_outliers_job', `job "${job.name}" is an anomaly job: read its /results`);
      }
      const to = req.query.to ?? s.clock.now();
      const from = req.query.from ?? to - 86_400_000;
      checkRange(from, to);
      return storedOutlierResult(job, await s.repo.readResults(job.id, from, to), jobTiming(job).intervalMs);
    }
  );
};
