/**
 * Logs on the wire: mined templates, log anomaly and rule events with their example lines, and the log analysis
 * of an Elasticsearch/OpenSearch index that the query editor asks for.
 */
import { Type, type Static } from '@sinclair/typebox';
import { EpochMs, Labels } from './common';
import { AnomalyEvent } from './results';
import { ElasticsearchLogQuery } from './sources';

/** A mined log template and its counts. */
export const LogTemplate = Type.Object(
  {
    id: Type.String({ description: 'stable id: <cluster> or <cluster>.<n>' }),
    template: Type.String({ description: 'constant text, variables written <*>' }),
    count: Type.Integer({ description: 'lines assigned to it' }),
    firstSeen: Type.Optional(EpochMs),
    lastSeen: Type.Optional(EpochMs),
  },
  { additionalProperties: false }
);
export type LogTemplate = Static<typeof LogTemplate>;

export const LogTemplateList = Type.Object({
  templates: Type.Array(LogTemplate),
  /** where the templates come from (the job's log query) */
  source: Type.Optional(ElasticsearchLogQuery),
});
export type LogTemplateList = Static<typeof LogTemplateList>;

/** An example line of an event (redacted). */
export const LogExample = Type.Object({
  time: EpochMs,
  line: Type.Optional(Type.Integer()),
  message: Type.String(),
});

/** A log anomaly or rule hit: an anomaly event with its template or rule and up to five example lines. */
export const LogEvent = Type.Composite(
  [
    AnomalyEvent,
    Type.Object({
      kind: Type.Union([Type.Literal('template'), Type.Literal('window'), Type.Literal('rule')]),
      templateId: Type.Optional(Type.String()),
      template: Type.Optional(Type.String()),
      rule: Type.Optional(Type.String({ description: 'the rule that fired (detectors hold rule:<name>)' })),
      key: Type.Optional(Type.String({ description: "the rule's key value, e.g. the client (pseudonymised)" })),
      count: Type.Integer({ description: 'lines in the event' }),
      examples: Type.Array(LogExample, { maxItems: 5 }),
      values: Type.Optional(Type.Array(Type.String())),
    }),
  ],
  { additionalProperties: true }
);
export type LogEvent = Static<typeof LogEvent>;

/** Ask for the log analysis of an index over a time range. */
export const LogAnalysisRequest = Type.Object(
  {
    source: ElasticsearchLogQuery,
    from: EpochMs,
    to: EpochMs,
    interval: Type.Optional(
      Type.String({ description: 'interval of the template counts, e.g. 5m (default: from the range)' })
    ),
    rules: Type.Optional(Type.Boolean({ description: 'run the rule pack (default true)' })),
  },
  { additionalProperties: false }
);
export type LogAnalysisRequest = Static<typeof LogAnalysisRequest>;

/** Lines per interval of one template. */
export const LogTemplateSeries = Type.Object({
  labels: Labels,
  template: Type.String(),
  points: Type.Array(Type.Object({ t: EpochMs, value: Type.Number() })),
});

/** The log analysis of an index: templates, their counts, log anomalies and rule hits (all redacted). */
export const LogAnalysis = Type.Object({
  total: Type.Integer({ description: 'documents that matched' }),
  sampled: Type.Boolean({ description: 'true when the analysis read a random sample of them' }),
  lines: Type.Integer({ description: 'lines analysed' }),
  intervalMs: Type.Number(),
  templates: Type.Array(LogTemplate),
  series: Type.Array(LogTemplateSeries),
  events: Type.Array(LogEvent),
  ruleEvents: Type.Array(LogEvent),
  warnings: Type.Array(Type.String()),
});
export type LogAnalysis = Static<typeof LogAnalysis>;
