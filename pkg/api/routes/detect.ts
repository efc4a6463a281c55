import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { DetectRequest } from '../../contract/api';
import { DetectionResult } from '../../contract/results';
import { parseInterval } from '../../core/interval';
import { defaultWarmup } from '../../pipeline/stream';
import { errorResponses } from '../errors';
import { checkRange, type RouteOptions } from '../services';
import { chooseInterval, requestOptions } from '../util';

/** `POST /api/detect`: ad-hoc detection on a source query over a time range (what a dashboard panel asks). */
export const detectRoutes: FastifyPluginAsyncTypebox<RouteOptions> = async (app, { services: s }) => {
  app.post(
    '/api/detect',
    {
      schema: {
        tags: ['detection'],
        summary: 'Ad-hoc detection on a source query over a time range (what a dashboard panel asks)',
        body: DetectRequest,
        response: { 200: DetectionResult, ...errorResponses },
      },
    },
    async (req) => {
      const b = req.body;
      const started = performance.now();
      checkRange(b.from, b.to);
      const intervalMs = chooseInterval(b.interval, b.from, b.to);
      // the streams warm up on the history before the range (a day by default): the range itself is judged in full
      const warmup = b.trainingWindow
        ? Math.round(parseInterval(b.trainingWindow, 'trainingWindow') / intervalMs)
        : defaultWarmup(intervalMs);
      const series = await s.fetchSeries(b.source, b.from - warmup * intervalMs, b.to, intervalMs);
      const result = s.detect(series, { ensemble: requestOptions(b), intervalMs, warmup, from: b.from });
      s.metrics.detectionSeconds.observe({ kind: 'adhoc' }, (performance.now() - started) / 1000);
      return result;
    }
  );
};
