import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { IdParams } from '../../contract/api';
import { DETECTION_ONLY_FIELDS, Job, JobList, JobSpec } from '../../contract/jobs';
import { InputError } from '../../core/errors';
import { validateMaintenanceWindows } from '../../core/maintenance';
import { resolveEnsembleOptions } from '../../ensemble/ensemble';
import { ensembleOptions, jobTiming } from '../../jobs/runner';
import { errorResponses, HttpError } from '../errors';
import { checkSpecSize } from '../limits';
import type { RouteOptions, Services } from '../services';

/**
 * A job by id, or by name when no job has that id (so a dashboard can name the job it shows, whatever its id is in
 * this engine). @throws HttpError 404 naming the id, 400 when several jobs have that name
 */
export async function getJobOr404(s: Services, id: string): Promise<Job> {
  const job = await s.repo.getJob(id, s.clock.now());
  if (job) return job;
  const named = (await s.repo.listJobs(s.clock.now())).filter((j) => j.name === id);
  if (named.length === 1) return named[0];
  if (named.length > 1) {
    throw new HttpError(400, 'ambiguous_job', `${named.length} jobs are named "${id}": use the job's id`);
  }
  throw new HttpError(404, 'not_found', `no job with id or name "${id}"`);
}

/**
 * Fail early on labels or params over their size limit, a bad interval, an unconfigured source, unknown detectors
 * or bad ensemble options.
 * @throws InputError, ParameterError naming the problem
 */
export function validateSpec(s: Services, spec: JobSpec): void {
  checkSpecSize(spec, s.limits);
  jobTiming(spec);
  s.sources.get(spec.source);
  resolveEnsembleOptions(ensembleOptions(spec));
  validateMaintenanceWindows(spec.maintenanceWindows);
  kindFieldProblem(spec);
  if (spec.forecastThresholds?.length && !(spec.forecastHorizon && spec.forecastHorizon > 0)) {
    throw new InputError('forecastThresholds need a forecastHorizon (points to forecast after each run), e.g. 60', {
      field: 'forecastThresholds',
    });
  }
}

/**
 * Refuse fields the job's kind would ignore: detection options (`detectors`, `mode`, `threshold`, `params`, forecasts)
 * on a peer-group outliers job, or `outliers` options on a detection job. Silently ignoring them would let a user
 * believe a threshold or detector choice applies when it does not.
 * @throws InputError naming the first such field and what the kind takes instead
 */
export function kindFieldProblem(spec: JobSpec): void {
  if (spec.kind === 'outliers') {
    const field = DETECTION_ONLY_FIELDS.find((k) => spec[k] !== undefined);
    if (field) {
      throw new InputError(
        'does not apply to an outliers job (kind: outliers judges the series against each other); ' +
          'remove it, or set its options in outliers: algorithm, sensitivity, minDuration',
        { field }
      );
    }
  } else if (spec.outliers !== undefined) {
    throw new InputError('applies only to a job of kind: outliers; remove it or set kind: outliers', {
      field: 'outliers',
    });
  }
}

/** A job's spec: the fields a user wrote, without what the engine adds (id, state, counts). */
export function specOf(job: Job): JobSpec {
  const keys = Object.keys(JobSpec.properties) as (keyof JobSpec)[];
  const out: Record<string, unknown> = {};
  for (const k of keys) if (job[k] !== undefined) out[k] = job[k];
  return out as JobSpec;
}

/** Jobs: list, create, read, replace, delete, enable and disable (export and import: `jobsExport.ts`). */
export const jobRoutes: FastifyPluginAsyncTypebox<RouteOptions> = async (app, { services: s }) => {
  app.get('/api/jobs', { schema: { tags: ['jobs'], summary: 'List jobs', response: { 200: JobList } } }, async () => ({
    jobs: await s.repo.listJobs(s.clock.now()),
  }));
  app.post(
    '/api/jobs',
    {
      schema: {
        tags: ['jobs'],
        summary: 'Create a job (enabled; the scheduler runs it every interval)',
        body: JobSpec,
        response: { 201: Job, ...errorResponses },
      },
    },
    async (req, reply) => {
      validateSpec(s, req.body);
      const job = await s.repo.createJob(req.body, s.clock.now());
      await s.scheduler?.refresh(job.id);
      return reply.code(201).send(job);
    }
  );
  app.get(
    '/api/jobs/:id',
    { schema: { tags: ['jobs'], summary: 'Get a job', params: IdParams, response: { 200: Job, ...errorResponses } } },
    async (req) => await getJobOr404(s, req.params.id)
  );
  app.put(
    '/api/jobs/:id',
    {
      schema: {
        tags: ['jobs'],
        summary: 'Replace a job spec (refits its model)',
        params: IdParams,
        body: JobSpec,
        response: { 200: Job, ...errorResponses },
      },
    },
    async (req) => {
      const { id } = req.params;
      await getJobOr404(s, id);
      validateSpec(s, req.body);
      const job = (await s.repo.updateJob(id, req.body, s.clock.now()))!;
      await s.scheduler?.refresh(id);
      return job;
    }
  );
  app.delete(
    '/api/jobs/:id',
    {
      schema: {
        tags: ['jobs'],
        summary: 'Delete a job and its results',
        params: IdParams,
        response: { 204: { type: 'null', description: 'deleted' }, ...errorResponses },
      },
    },
    async (req, reply) => {
      const { id } = req.params;
      await getJobOr404(s, id);
      await s.repo.deleteJob(id);
      await s.scheduler?.refresh(id);
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
          params: IdParams,
          response: { 200: Job, ...errorResponses },
        },
      },
      async (req) => {
        const { id } = req.params;
        await getJobOr404(s, id);
        const job = (await s.repo.setEnabled(id, enabled, s.clock.now()))!;
        await s.scheduler?.refresh(id);
        return job;
      }
    );
  }
};
