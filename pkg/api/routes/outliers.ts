import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { OutlierRequest, OutlierResult } from '../../contract/outliers';
import { peerOutlierResult } from '../../outliers/outlierResult';
import { detectionErrorResponses } from '../errors';
import { checkPoints } from '../limits';
import { checkRange, type RouteOptions } from '../services';
import { chooseInterval } from '../util';

/**
 * `POST /api/outliers`: which series of a source query behave unlike their peers over a time range (a peer group's
 * outliers, as Grafana Machine Learning's outlier detector finds them).
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
      const text = await s.detections.get(key, async () => {
        const series = await s.fetchSeries(b.source, b.from, b.to, intervalMs);
        return JSON.stringify(peerOutlierResult(series, b.from, b.to, intervalMs, b));
      });
      // a string is sent as it is (the cache keeps the answer's JSON); fastify serialises only objects
      return reply.type('application/json; charset=utf-8').send(text as unknown as OutlierResult);
    }
  );
};
