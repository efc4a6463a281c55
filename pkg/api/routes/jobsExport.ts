import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { IdParams } from '../../contract/api';
import {
  Job,
  JOB_EXPORT_VERSION,
  JobExport,
  JobImportQuery,
  JobImportRequest,
  JobImportResponse,
  JobListExport,
} from '../../contract/jobs';
import { InputError } from '../../core/errors';
import { errorResponses, HttpError } from '../errors';
import type { RouteOptions } from '../services';
import { getJobOr404, specOf, validateSpec } from './jobs';

/**
 * Jobs as portable JSON documents: export one job or all (specs only: no id, state or results) and import them into
 * this or another engine, all checked before any is created.
 */
export const jobExportRoutes: FastifyPluginAsyncTypebox<RouteOptions> = async (app, { services: s }) => {
  app.get(
    '/api/jobs/export',
    {
      schema: {
        tags: ['jobs'],
        summary: 'Export every job as JSON (specs only: no id, state or results), for POST /api/jobs/import',
        response: { 200: JobListExport, ...errorResponses },
      },
    },
    async () => ({
      apiVersion: JOB_EXPORT_VERSION,
      kind: 'JobList' as const,
      items: (await s.repo.listJobs(s.clock.now())).map((j) => exportOf(j)),
    })
  );
  app.get(
    '/api/jobs/:id/export',
    {
      schema: {
        tags: ['jobs'],
        summary: 'Export a job (by id or name) as JSON, for POST /api/jobs/import',
        params: IdParams,
        response: { 200: JobExport, ...errorResponses },
      },
    },
    async (req) => exportOf(await getJobOr404(s, req.params.id))
  );
  app.post(
    '/api/jobs/import',
    {
      schema: {
        tags: ['jobs'],
        summary:
          'Import exported jobs (one Job or a JobList); all are checked before any is created. A name that exists is refused (409) unless onConflict says skip or replace',
        body: JobImportRequest,
        querystring: JobImportQuery,
        response: { 200: JobImportResponse, 409: errorResponses[400], ...errorResponses },
      },
    },
    async (req) => {
      const body = req.body;
      let items: JobExport[];
      if (body.kind === 'Job') {
        if (!body.spec) throw new InputError('a Job export needs its spec', { field: 'spec' });
        if (body.items) throw new InputError('a Job export has a spec, not items', { field: 'items' });
        items = [{ apiVersion: body.apiVersion, kind: 'Job', spec: body.spec, enabled: body.enabled }];
      } else {
        if (!body.items) throw new InputError('a JobList export needs items', { field: 'items' });
        if (body.spec) throw new InputError('a JobList export has items, not a spec', { field: 'spec' });
        items = body.items;
      }
      const onConflict = req.query.onConflict ?? 'error';
      const existing = await s.repo.listJobs(s.clock.now());
      const names = new Set<string>();
      items.forEach((item, i) => {
        try {
          validateSpec(s, item.spec);
        } catch (err) {
          const where = body.kind === 'Job' ? 'spec' : `items[${i}].spec`;
          throw new InputError(`${where} (job "${item.spec.name}"): ${(err as Error).message}`);
        }
        if (names.has(item.spec.name)) {
          throw new InputError(`two jobs in the import are named "${item.spec.name}"`, {
            field: `items[${i}].spec.name`,
          });
        }
        names.add(item.spec.name);
        if (onConflict === 'error' && existing.some((j) => j.name === item.spec.name)) {
          throw new HttpError(
            409,
            'conflict',
            `a job named "${item.spec.name}" exists; import with onConflict=skip or onConflict=replace`
          );
        }
      });
      const jobs: Job[] = [];
      const skipped: string[] = [];
      let created = 0;
      let replaced = 0;
      for (const item of items) {
        const same = existing.filter((j) => j.name === item.spec.name);
        if (same.length > 0 && onConflict === 'skip') {
          skipped.push(item.spec.name);
          continue;
        }
        let job: Job;
        if (same.length > 0 && onConflict === 'replace') {
          job = (await s.repo.updateJob(same[0].id, item.spec, s.clock.now()))!;
          if (item.enabled !== undefined) job = (await s.repo.setEnabled(job.id, item.enabled, s.clock.now()))!;
          replaced++;
        } else {
          job = await s.repo.createJob(item.spec, s.clock.now(), item.enabled ?? true);
          created++;
        }
        await s.scheduler?.refresh(job.id);
        jobs.push(job);
      }
      return { jobs, created, replaced, skipped };
    }
  );
};

function exportOf(job: Job): JobExport {
  return { apiVersion: JOB_EXPORT_VERSION, kind: 'Job', spec: specOf(job), enabled: job.enabled };
}
