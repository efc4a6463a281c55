import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { ErrorBody, IdParams } from '../../contract/api';
import type { Job } from '../../contract/jobs';
import { JobDrift } from '../../contract/results';
import { formatLabels } from '../../core/series';
import { driftResiduals, rebaseDriftReference } from '../../detectors/seasonalDrift';
import type { JobStreams } from '../../jobs/runner';
import { errorResponses, HttpError } from '../errors';
import type { RouteOptions } from '../services';

/** A job's drift samples (reference and recent window per series) and "accept as new normal". */
export const driftRoutes: FastifyPluginAsyncTypebox<RouteOptions> = async (app, { services: s }) => {
  const load = async (id: string) => {
    const job = await s.repo.getJob(id, s.clock.now());
    if (!job) throw new HttpError(404, 'not_found', `no job with id "${id}"`);
    const stored = await s.repo.getModel<JobStreams>(id);
    return { job, stored: stored?.model?.version === 2 ? stored : undefined };
  };
  const answer = async (job: Job, streams?: JobStreams): Promise<JobDrift> => {
    const id = job.id;
    const status = new Map(
      (await s.repo.listDrift()).filter((d) => d.jobId === id).map((d) => [formatLabels(d.labels), d])
    );
    const series = Object.values(streams?.series ?? {}).flatMap((e) => {
      if (!e.drift || !e.recent) return [];
      // the drift rows carry the job's own labels besides the series'
      const labels = { ...e.labels, ...(job.labels ?? {}) };
      const match = status.get(formatLabels(labels));
      const recent = driftResiduals(e.drift, e.recent[0], e.recent[1]).sort();
      return [
        {
          labels,
          ...(match ? { drifting: match.drifting, pValue: match.pValue, statistic: match.statistic } : {}),
          ...(match ? { checkedAt: match.checkedAt } : {}),
          period: e.drift.period,
          reference: e.drift.residuals,
          recent: Array.from(recent),
        },
      ];
    });
    return { jobId: id, name: job.name, series };
  };

  app.get(
    '/api/jobs/:id/drift',
    {
      schema: {
        tags: ['drift'],
        summary: "A job's drift samples per series: seasonally adjusted reference and recent values, and the verdict",
        params: IdParams,
        response: { 200: JobDrift, ...errorResponses },
      },
    },
    async (req) => {
      const { job, stored } = await load(req.params.id);
      return answer(job, stored?.model);
    }
  );

  app.post(
    '/api/jobs/:id/drift/accept',
    {
      schema: {
        tags: ['drift'],
        summary:
          "Accept what a job sees now as the new normal: each series' drift reference becomes its recent window " +
          '(the daily season it learnt is kept), and drift is judged again',
        params: IdParams,
        response: { 200: JobDrift, 409: ErrorBody, ...errorResponses },
      },
    },
    async (req) => {
      const { job, stored } = await load(req.params.id);
      const entries = Object.values(stored?.model.series ?? {}).filter((e) => e.drift && e.recent);
      if (!stored || entries.length === 0)
        throw new HttpError(
          409,
          'no_drift_reference',
          `job "${job.name}" has no drift reference yet: let it run first`
        );
      const now = s.clock.now();
      for (const e of entries) {
        const [ts, vs] = e.recent!;
        try {
          e.drift = rebaseDriftReference(e.drift!, ts, vs);
        } catch {
          continue; // too few recent points: this series keeps its reference
        }
        const d = s.engine.drift(e.drift, ts, vs);
        const labels = { ...e.labels, ...(job.labels ?? {}) };
        await s.repo.setDrift(job.id, labels, d.drifting, d.pValue, d.statistic, now);
      }
      await s.repo.saveModel(job.id, stored.model, stored.trainedAt, stored.from, stored.to);
      return answer(job, stored.model);
    }
  );
};
