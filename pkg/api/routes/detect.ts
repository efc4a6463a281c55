import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { DetectRequest } from '../../contract/api';
import { DetectionResult } from '../../contract/results';
import { parseInterval } from '../../core/interval';
import { errorResponses } from '../errors';
import type { RouteOptions } from '../services';
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
      const intervalMs = chooseInterval(b.interval, b.from, b.to);
      const series = await s.fetchSeries(b.source, b.from, b.to, intervalMs);
      const trainPoints = b.trainingWindow
        ? Math.round(parseInterval(b.trainingWindow, 'trainingWindow') / intervalMs)
        : undefined;
      const result = s.detect(series, { ...requestOptions(b), intervalMs, trainPoints });
      s.metrics.detectionSeconds.observe({ kind: 'adhoc' }, (performance.now() - started) / 1000);
      return result;
    }
  );
};
