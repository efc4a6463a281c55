import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { DriftList, FeedbackList, FeedbackRequest, IdParams } from '../../contract/api';
import { StoredAnomaly, type StoredAnomaly as StoredAnomalyT } from '../../contract/results';
import { errorResponses, HttpError } from '../errors';
import type { RouteOptions } from '../services';

/** Feedback on anomalies and the drift status of every job series. */
export const feedbackRoutes: FastifyPluginAsyncTypebox<RouteOptions> = async (app, { services: s }) => {
  app.post(
    '/api/anomalies/:id/feedback',
    {
      schema: {
        tags: ['feedback'],
        summary: 'Judge an anomaly; a false positive suppresses the same pattern on that series from then on',
        params: IdParams,
        body: FeedbackRequest,
        response: { 200: StoredAnomaly, ...errorResponses },
      },
    },
    async (req) => {
      const { id } = req.params;
      const anomaly = await s.repo.getAnomaly(id);
      if (!anomaly) throw new HttpError(404, 'not_found', `no anomaly with id "${id}"`);
      await s.repo.addFeedback(anomaly, req.body.verdict, req.body.comment, s.clock.now());
      return (await s.repo.getAnomaly(id))!;
    }
  );
  app.delete(
    '/api/anomalies/:id/feedback',
    {
      schema: {
        tags: ['feedback'],
        summary: 'Withdraw the verdicts given on an anomaly (undo); a withdrawn false positive suppresses nothing',
        params: IdParams,
        response: { 200: StoredAnomaly, ...errorResponses },
      },
    },
    async (req) => {
      const { id } = req.params;
      if (!(await s.repo.getAnomaly(id))) throw new HttpError(404, 'not_found', `no anomaly with id "${id}"`);
      await s.repo.removeFeedback(id);
      return (await s.repo.getAnomaly(id))!;
    }
  );
  app.get(
    '/api/feedback',
    {
      schema: {
        tags: ['feedback'],
        summary: "All feedback, newest first, each with the anomaly's time, series, severity and score",
        response: { 200: FeedbackList },
      },
    },
    async () => {
      const feedback = await s.repo.listFeedback();
      const anomalies = new Map<string, StoredAnomalyT | undefined>();
      for (const id of new Set(feedback.map((f) => f.anomalyId))) anomalies.set(id, await s.repo.getAnomaly(id));
      return {
        feedback: feedback.map((f) => {
          const a = anomalies.get(f.anomalyId);
          if (!a) return f;
          const { start, end, peak, labels, severity, score } = a;
          return { ...f, anomaly: { start, end, peak, labels, severity, score } };
        }),
      };
    }
  );
  app.get(
    '/api/drift',
    {
      schema: {
        tags: ['drift'],
        summary: 'Drift status of every job series (KS test, p < 0.01 drifting)',
        response: { 200: DriftList },
      },
    },
    async () => ({ jobs: await s.repo.listDrift() })
  );
};
