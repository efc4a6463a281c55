/**
 * Source queries: what to read and from where (a PromQL expression, an Elasticsearch/OpenSearch aggregation, or a
 * CSV/NDJSON file the engine can read). Used by ad-hoc detection, forecasts, jobs and the plugin's query editor.
 */
import { Type, type Static } from '@sinclair/typebox';
import { StringEnum } from './common';
import { ES_METRIC_TYPES } from './rules';

/** Metric computed per time bucket by Elasticsearch/OpenSearch (a `date_histogram` sub-aggregation). */
export const EsMetric = Type.Object(
  {
    type: StringEnum(ES_METRIC_TYPES, {
      description: 'count, a field statistic, a percentile, or the share of status >= 400 (error_rate)',
    }),
    field: Type.Optional(Type.String({ description: 'the field the metric reads (all but count and error_rate)' })),
    percentile: Type.Optional(
      Type.Number({ exclusiveMinimum: 0, exclusiveMaximum: 100, description: 'percentile metric only (default 95)' })
    ),
  },
  { additionalProperties: false }
);
export type EsMetric = Static<typeof EsMetric>;
export type EsMetricType = EsMetric['type'];

const instance = Type.Optional(
  Type.String({ description: 'configured source name (default: the first source of this type)' })
);

export const PrometheusQuery = Type.Object(
  {
    type: Type.Literal('prometheus'),
    /** a PromQL expression, e.g. `sum(rate(http_requests_total[5m]))` */
    query: Type.String({ minLength: 1, description: 'PromQL expression' }),
    source: instance,
  },
  { additionalProperties: false }
);
export type PrometheusQuery = Static<typeof PrometheusQuery>;

export const ElasticsearchQuery = Type.Object(
  {
    type: Type.Literal('elasticsearch'),
    index: Type.String({ minLength: 1, description: 'index name or pattern, e.g. weblogs-*' }),
    timeField: Type.String({ minLength: 1, description: 'date field, e.g. @timestamp' }),
    metric: EsMetric,
    filter: Type.Optional(Type.String({ description: 'Lucene query string, e.g. status:>=500' })),
    splitBy: Type.Optional(Type.String({ description: 'terms field: one series per value' })),
    size: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, description: 'number of terms when splitting' })),
    source: instance,
  },
  { additionalProperties: false }
);
export type ElasticsearchQuery = Static<typeof ElasticsearchQuery>;

export const FileQuery = Type.Object(
  {
    type: Type.Literal('file'),
    path: Type.String({
      minLength: 1,
      description: "CSV or NDJSON (optionally gzipped), relative to the file source's root",
    }),
    timeField: Type.Optional(Type.String()),
    valueField: Type.Optional(Type.String()),
    labelFields: Type.Optional(Type.Array(Type.String())),
    source: instance,
  },
  { additionalProperties: false }
);
export type FileQuery = Static<typeof FileQuery>;

/**
 * Log messages of an Elasticsearch/OpenSearch index: as a job's or a detection's source, each mined log template
 * becomes a series (its lines per interval, labels `__name__="log_template_lines"`, `template_id`); the log
 * analysis (`POST /api/logs/analyze`) also finds faults, new templates and rule hits.
 */
export const ElasticsearchLogQuery = Type.Object(
  {
    type: Type.Literal('elasticsearch-logs'),
    index: Type.String({ minLength: 1, description: 'index name or pattern, e.g. logs-*' }),
    timeField: Type.String({ minLength: 1, description: 'date field, e.g. @timestamp' }),
    messageField: Type.String({ minLength: 1, description: 'field holding the log message, e.g. message' }),
    levelField: Type.Optional(Type.String({ description: 'field holding the level, e.g. log.level' })),
    filter: Type.Optional(Type.String({ description: 'Lucene query string, e.g. service:api' })),
    maxDocs: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: 10000,
        description: 'most documents read per request; more are sampled at random (default 10000)',
      })
    ),
    source: instance,
  },
  { additionalProperties: false }
);
export type ElasticsearchLogQuery = Static<typeof ElasticsearchLogQuery>;

export const SourceQuery = Type.Union([PrometheusQuery, ElasticsearchQuery, FileQuery, ElasticsearchLogQuery], {
  description:
    'What to read: a PromQL query, an Elasticsearch/OpenSearch aggregation, a CSV/NDJSON file, or the log messages of an index',
});
export type SourceQuery = Static<typeof SourceQuery>;
export type SourceType = SourceQuery['type'];
