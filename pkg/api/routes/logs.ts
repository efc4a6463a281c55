import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { IdParams } from '../../contract/api';
import { LogAnalysis, LogAnalysisRequest, LogTemplateList } from '../../contract/logs';
import type { SourceQuery } from '../../contract/sources';
import { analyzeLogs } from '../../logs/analyze';
import { ElasticsearchLogSource } from '../../logs/logSource';
import { errorResponses, HttpError } from '../errors';
import { checkRange, type RouteOptions, type Services } from '../services';
import { chooseInterval } from '../util';
import { getJobOr404 } from './jobs';

/** The log source serving a log query. @throws HttpError 400 when the query's source does not read logs */
function logSource(s: Services, query: SourceQuery): ElasticsearchLogSource {
  const src = s.sources.get(query);
  if (!(src instanceof ElasticsearchLogSource)) {
    throw new HttpError(400, 'not_a_log_source', `source "${src.name}" does not read log messages`);
  }
  return src;
}

/** Logs: the analysis of an index (templates, counts, anomalies, rule hits) and a log job's templates. */
export const logRoutes: FastifyPluginAsyncTypebox<RouteOptions> = async (app, { services: s }) => {
  app.post(
    '/api/logs/analyze',
    {
      schema: {
        tags: ['logs'],
        summary:
          'Log analysis of an Elasticsearch/OpenSearch index over a time range: templates and their counts, log anomalies and rule hits, with example lines (redacted)',
        body: LogAnalysisRequest,
        response: { 200: LogAnalysis, ...errorResponses },
      },
    },
    async (req) => {
      const b = req.body;
      checkRange(b.from, b.to);
      const src = logSource(s, b.source);
      const intervalMs = chooseInterval(b.interval, b.from, b.to);
      const sample = await src.sample(b.source, b.from, b.to, true);
      const records = sample.messages.map((m, i) => ({
        time: m.time,
        message: m.message,
        fields: m.fields,
        line: i + 1,
        ...(m.level !== undefined ? { level: m.level } : {}),
      }));
      const a = analyzeLogs(records, {
        intervalMs,
        range: { from: b.from, to: b.to },
        rules: b.rules === false ? [] : s.logs.rules(),
        enrich: { geoip: s.logs.geoip },
      });
      const r = s.logs.redactor;
      const warnings = [...a.warnings];
      if (sample.sampled) {
        warnings.push(`${sample.total} documents matched; the analysis read a random sample of ${records.length}`);
      }
      return r.deep({
        total: sample.total,
        sampled: sample.sampled,
        lines: records.length,
        intervalMs: a.intervalMs,
        templates: a.templates,
        series: a.series.map((x) => ({
          labels: x.labels,
          template: x.labels.template ?? '',
          points: Array.from(x.timestamps, (t, i) => ({ t, value: x.values[i] })),
        })),
        events: a.events,
        ruleEvents: a.ruleEvents,
        warnings,
      });
    }
  );
  app.get(
    '/api/jobs/:id/templates',
    {
      schema: {
        tags: ['jobs', 'logs'],
        summary: "A log job's mined templates with their counts (empty before its first run)",
        params: IdParams,
        response: { 200: LogTemplateList, ...errorResponses },
      },
    },
    async (req) => {
      const job = await getJobOr404(s, req.params.id);
      if (job.source.type !== 'elasticsearch-logs') {
        throw new HttpError(400, 'not_a_log_job', `job "${job.name}" reads ${job.source.type}, not log messages`);
      }
      const src = logSource(s, job.source);
      return { templates: s.logs.redactor.deep(await src.templates(job.source)), source: job.source };
    }
  );
};
