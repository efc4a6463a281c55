import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { IdParams } from '../../contract/api';
import {
  Incident,
  IncidentList,
  IncidentsQuery,
  NotificationsQuery,
  NotificationsResponse,
  ReportQuery,
} from '../../contract/incidents';
import { InputError } from '../../core/errors';
import { jobsReport } from '../../report/forJobs';
import { REPORT_CONTENT_TYPES, renderReport } from '../../report/render';
import { rewriteSummary } from '../../report/rewrite';
import { redactUrl } from '../../notify/redact';
import { errorResponses, HttpError } from '../errors';
import { jobReportData } from '../reportData';
import { checkRange, type RouteOptions, type Services } from '../services';

/** Job ids for a job filter given as ids or names (comma-separated or repeated). @throws InputError for an unknown job */
export async function resolveJobs(s: Services, keys: string | string[] | undefined): Promise<string[] | undefined> {
  if (keys === undefined) return undefined;
  const list = (Array.isArray(keys) ? keys : [keys])
    .flatMap((k) => k.split(','))
    .map((k) => k.trim())
    .filter(Boolean);
  if (list.length === 0) return undefined;
  const jobs = await s.repo.listJobs(s.clock.now());
  return list.map((k) => {
    const j = jobs.find((x) => x.id === k || x.name === k);
    if (!j) throw new InputError(`job "${k}" does not exist`, { field: 'job' });
    return j.id;
  });
}

/** Incidents with filters, notification deliveries (no secrets), and reports over jobs. */
export const incidentRoutes: FastifyPluginAsyncTypebox<RouteOptions> = async (app, { services: s }) => {
  app.get(
    '/api/incidents',
    {
      schema: {
        tags: ['incidents'],
        summary: 'Incidents, newest first: grouped anomalies with triage score, severity and contributing features',
        querystring: IncidentsQuery,
        response: { 200: IncidentList, ...errorResponses },
      },
    },
    async (req) => {
      const { job, ...q } = req.query;
      const jobIds = await resolveJobs(s, job);
      return s.incidents.listIncidents({ ...q, ...(jobIds ? { jobIds } : {}) });
    }
  );
  app.get(
    '/api/incidents/:id',
    {
      schema: {
        tags: ['incidents'],
        summary: 'One incident',
        params: IdParams,
        response: { 200: Incident, ...errorResponses },
      },
    },
    async (req) => {
      const i = await s.incidents.getIncident(req.params.id);
      if (!i) throw new HttpError(404, 'not_found', `no incident with id "${req.params.id}"`);
      return i;
    }
  );
  app.get(
    '/api/notifications',
    {
      schema: {
        tags: ['incidents'],
        summary: 'Notification receivers (without secrets), Grafana annotations, and the newest deliveries',
        querystring: NotificationsQuery,
        response: { 200: NotificationsResponse, ...errorResponses },
      },
    },
    async (req) => {
      const pub = s.notifier?.describe() ?? { receivers: [] };
      return {
        ...pub,
        annotations: s.annotationsUrl
          ? { enabled: true, endpoint: redactUrl(s.annotationsUrl, true) }
          : { enabled: false },
        deliveries: await s.incidents.listDeliveries({ limit: req.query.limit, incident: req.query.incident }),
      };
    }
  );
  app.get(
    '/api/reports',
    {
      schema: {
        tags: ['incidents'],
        summary: "A report over jobs' incidents in [from, to]: JSON, Markdown, HTML or PDF",
        description:
          'The executive summary, incidents by day (or week) and hour, recurring patterns, top features, detector shares, precision from feedback, charts and the incident table. `format=pdf` answers application/pdf.',
        querystring: ReportQuery,
        produces: ['application/json', 'text/markdown', 'text/html', 'application/pdf'],
        response: {
          200: Type.Unsafe<unknown>({ description: 'the report in the asked format (a Report document for json)' }),
          ...errorResponses,
        },
      },
    },
    async (req, reply) => {
      const { from, to } = req.query;
      checkRange(from, to);
      if (to - from > 400 * 86_400_000) throw new InputError('a report covers at most 400 days', { field: 'to' });
      const format = req.query.format ?? 'json';
      const jobs = await resolveJobs(s, req.query.job);
      const built = await jobsReport(
        jobReportData(s.repo, s.incidents, () => s.clock.now()),
        {
          jobs,
          from,
          to,
          period: req.query.period ?? '1d',
          now: s.clock.now(),
        }
      );
      const { series } = built;
      const report = s.summaryModel
        ? { ...built.report, summary: await rewriteSummary(built.report, s.summaryModel) }
        : built.report;
      const out = await renderReport(report, format, { series });
      const name = `vigil-report-${new Date(from).toISOString().slice(0, 10)}.${format}`;
      return reply
        .type(REPORT_CONTENT_TYPES[format])
        .header(
          'content-disposition',
          `${format === 'json' || format === 'html' ? 'inline' : 'attachment'}; filename="${name}"`
        )
        .send(out.body);
    }
  );
};
