import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { DetectRequest } from '../../contract/api';
import { DetectionResult } from '../../contract/results';
import { parseInterval } from '../../core/interval';
import { defaultWarmup } from '../../pipeline/stream';
import { detectionErrorResponses } from '../errors';
import { checkPoints } from '../limits';
import { checkRange, type RouteOptions } from '../services';
import { chooseInterval, closedSignal, requestOptions } from '../util';

/** `POST /api/detect`: ad-hoc detection on a source query over a time range (what a dashboard panel asks). */
export const detectRoutes: FastifyPluginAsyncTypebox<RouteOptions> = async (app, { services: s }) => {
  app.post(
    '/api/detect',
    {
      schema: {
        tags: ['detection'],
        summary: 'Ad-hoc detection on a source query over a time range (what a dashboard panel asks)',
        body: DetectRequest,
        response: { 200: DetectionResult, ...detectionErrorResponses },
      },
    },
    async (req, reply) => {
      const b = req.body;
      const started = performance.now();
      checkRange(b.from, b.to);
      const intervalMs = chooseInterval(b.interval, b.from, b.to);
      // the streams warm up on the history before the range (a day by default): the range itself is judged in full
      const warmup = b.trainingWindow
        ? Math.round(parseInterval(b.trainingWindow, 'trainingWindow') / intervalMs)
        : defaultWarmup(intervalMs);
      checkPoints(b.from, b.to, intervalMs, s.limits.pointsPerRequest, warmup);
      // viewers of one dashboard ask the same question at once: one computation answers all of them
      const key = JSON.stringify([b, intervalMs, warmup]);
      const text = await s.detections.get(
        key,
        async (gone) => {
          const series = await s.fetchSeries(b.source, b.from - warmup * intervalMs, b.to, intervalMs);
          // detection runs in a worker thread, which also writes the JSON: the event loop only sends it; a detection
          // still waiting for a thread when every client asking for it has gone is dropped
          const options = { ensemble: requestOptions(b), intervalMs, warmup, from: b.from };
          return s.pool.detectJson(series, options, gone);
        },
        closedSignal(reply.raw)
      );
      s.metrics.detectionSeconds.observe({ kind: 'adhoc' }, (performance.now() - started) / 1000);
      // a string is sent as it is (the worker wrote the DetectionResult's JSON); fastify serialises only objects
      return reply.type('application/json; charset=utf-8').send(text as unknown as DetectionResult);
    }
  );
};
