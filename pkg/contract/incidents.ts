/**
 * Incidents (grouped anomaly events with a triage score), notification deliveries and reports on the wire.
 * Times are epoch ms; anomaly scores 0-100; triage scores and shares 0-1.
 */
import { Type, type Static } from '@sinclair/typebox';
import { EpochMs, Labels, StringEnum, WireNumber } from './common';
import { Severity } from './results';

export const CRITICALITIES = ['low', 'medium', 'high', 'critical'] as const;

/** How much an asset matters: it raises or lowers an incident's severity and triage score. */
export const Criticality = StringEnum(CRITICALITIES, {
  description: 'asset criticality (default medium): shifts severity and weighs 15% of the triage score',
});
export type Criticality = Static<typeof Criticality>;

export const INCIDENT_STATUSES = ['open', 'resolved'] as const;
export const INCIDENT_KINDS = ['outage', 'error burst', 'spike', 'drop', 'mixed'] as const;

/** A series, metric or detector that contributed to an incident. */
export const ContributingFeature = Type.Object(
  {
    name: Type.String(),
    share: Type.Number({ minimum: 0, maximum: 1, description: 'share of the evidence (score × duration)' }),
    peakScore: Type.Number(),
    labels: Type.Optional(Labels),
    jobId: Type.Optional(Type.String()),
    direction: Type.Optional(StringEnum(['above', 'below'])),
  },
  { additionalProperties: false }
);

export const ExamplePoint = Type.Object(
  {
    t: EpochMs,
    jobId: Type.String(),
    series: Type.String(),
    labels: Labels,
    actual: WireNumber,
    expected: WireNumber,
    score: Type.Number(),
    direction: StringEnum(['above', 'below']),
  },
  { additionalProperties: false }
);

export const TriageParts = Type.Object(
  {
    score: Type.Number(),
    series: Type.Number(),
    detectors: Type.Number(),
    duration: Type.Number(),
    criticality: Type.Number(),
  },
  { additionalProperties: false, description: 'the triage score parts, each 0-1' }
);

/** Events that overlap in time within a job, or across jobs by shared labels, as one thing to look at. */
export const Incident = Type.Object(
  {
    id: Type.String(),
    status: StringEnum(INCIDENT_STATUSES),
    title: Type.String(),
    summary: Type.String(),
    kind: StringEnum(INCIDENT_KINDS),
    start: EpochMs,
    end: Type.Number({ description: 'epoch ms, exclusive: the end of the last anomalous interval' }),
    openedAt: EpochMs,
    updatedAt: EpochMs,
    resolvedAt: Type.Optional(EpochMs),
    triage: Type.Number({ minimum: 0, maximum: 1 }),
    triageParts: TriageParts,
    severity: Severity,
    peakScore: Type.Number(),
    criticality: Criticality,
    jobs: Type.Array(Type.Object({ id: Type.String(), name: Type.String() }, { additionalProperties: false })),
    labels: Labels,
    series: Type.Array(ContributingFeature),
    metrics: Type.Array(ContributingFeature),
    detectors: Type.Array(ContributingFeature),
    examples: Type.Array(ExamplePoint),
    runbookUrl: Type.Optional(Type.String()),
    dashboardUid: Type.Optional(Type.String()),
    panelId: Type.Optional(Type.Integer()),
    eventIds: Type.Array(Type.String()),
  },
  { additionalProperties: false }
);
export type Incident = Static<typeof Incident>;

/** `GET /api/incidents` filters. */
export const IncidentsQuery = Type.Object(
  {
    job: Type.Optional(Type.String({ description: 'job id or name' })),
    status: Type.Optional(StringEnum(INCIDENT_STATUSES)),
    severity: Type.Optional(Severity),
    minTriage: Type.Optional(Type.Number({ minimum: 0, maximum: 1 })),
    from: Type.Optional(Type.Number({ description: 'incidents that end after this (epoch ms)' })),
    to: Type.Optional(Type.Number({ description: 'incidents that start before this (epoch ms)' })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })),
  },
  { additionalProperties: false }
);
export type IncidentsQuery = Static<typeof IncidentsQuery>;

export const IncidentList = Type.Object({ incidents: Type.Array(Incident), count: Type.Integer() });
export type IncidentList = Static<typeof IncidentList>;

/** The outcome of one notification (never with secrets). */
export const Delivery = Type.Object(
  {
    id: Type.String(),
    at: EpochMs,
    receiver: Type.String(),
    receiverType: StringEnum(['alertmanager', 'webhook', 'slack', 'pagerduty', 'grafana']),
    action: StringEnum(['open', 'update', 'resolve', 'summary', 'resend']),
    incidentId: Type.Optional(Type.String()),
    incidentIds: Type.Optional(Type.Array(Type.String())),
    severity: Type.Optional(Severity),
    status: StringEnum(['delivered', 'failed', 'rate_limited', 'deduplicated']),
    attempts: Type.Integer(),
    httpStatus: Type.Optional(Type.Integer()),
    error: Type.Optional(Type.String()),
    durationMs: Type.Number(),
  },
  { additionalProperties: false }
);
export type Delivery = Static<typeof Delivery>;

/** A receiver as the API shows it: kind, endpoint host, filters; no URLs with tokens, keys or header values. */
export const PublicReceiver = Type.Object(
  {
    name: Type.String(),
    type: StringEnum(['alertmanager', 'webhook', 'slack', 'pagerduty']),
    endpoint: Type.String(),
    jobs: Type.Optional(Type.Array(Type.String())),
    minSeverity: Type.Optional(Type.String()),
    rateLimit: Type.Optional(
      Type.Union([Type.Object({ count: Type.Integer(), windowMs: Type.Number() }), Type.Literal(false)])
    ),
    headers: Type.Optional(Type.Array(Type.String())),
    auth: Type.Optional(StringEnum(['basic', 'bearer'])),
    signed: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false }
);

/** `GET /api/notifications`: the receivers (without secrets), Grafana annotations on or off, and recent deliveries. */
export const NotificationsResponse = Type.Object({
  receivers: Type.Array(PublicReceiver),
  grafanaUrl: Type.Optional(Type.String()),
  annotations: Type.Object({ enabled: Type.Boolean(), endpoint: Type.Optional(Type.String()) }),
  deliveries: Type.Array(Delivery),
});
export type NotificationsResponse = Static<typeof NotificationsResponse>;

export const NotificationsQuery = Type.Object(
  {
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })),
    incident: Type.Optional(Type.String()),
  },
  { additionalProperties: false }
);

export const REPORT_FORMATS = ['json', 'md', 'html', 'pdf'] as const;

/** `GET /api/reports`: a report over jobs' incidents in [from, to]. */
export const ReportQuery = Type.Object(
  {
    job: Type.Optional(
      Type.Union([Type.String(), Type.Array(Type.String())], { description: 'job ids or names (default: all jobs)' })
    ),
    from: Type.Number({ description: 'epoch ms' }),
    to: Type.Number({ description: 'epoch ms' }),
    format: Type.Optional(StringEnum(REPORT_FORMATS, { default: 'json' })),
    period: Type.Optional(StringEnum(['1d', '1w'], { default: '1d', description: 'timeline buckets' })),
  },
  { additionalProperties: false }
);
export type ReportQuery = Static<typeof ReportQuery>;
