/** Jobs: saved detections the scheduler runs every interval, as the user writes them and as the API returns them. */
import { Type, type Static } from '@sinclair/typebox';
import { EpochMs, Labels, StringEnum } from './common';
import { BREACH_DIRECTIONS, JOB_KINDS, JOB_STATUSES, OUTLIER_ALGORITHMS, VOTE_MODES } from './rules';
import { Criticality } from './incidents';
import { AnomalyEvent, SeriesResult } from './results';
import { SourceQuery } from './sources';

export const VoteMode = StringEnum(VOTE_MODES);
export type VoteMode = Static<typeof VoteMode>;

/** Per-detector parameters, merged over each detector's defaults. */
export const DetectorParams = Type.Record(Type.String(), Type.Record(Type.String(), Type.Unknown()));

/** Detector choice and vote rule shared by ad-hoc detection and jobs. */
export const detectorOptions = {
  detectors: Type.Optional(
    Type.Array(Type.String(), { minItems: 1, description: "default: the engine's default set" })
  ),
  mode: Type.Optional(VoteMode),
  threshold: Type.Optional(Type.Number({ minimum: 0, maximum: 100, description: 'anomaly score threshold 0-100' })),
};

/**
 * A time during which a job scores but raises no event (so no incident and no notification): one-off (`from`, `to`)
 * or recurring (`cron` and `duration`, e.g. Saturdays 02:00 for 2 hours: `cron: "0 2 * * 6"`, `duration: "2h"`).
 */
export const MaintenanceWindow = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'shown on the job' })),
    from: Type.Optional(Type.Number({ description: 'one-off window: start, epoch ms' })),
    to: Type.Optional(Type.Number({ description: 'one-off window: end (exclusive), epoch ms' })),
    cron: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 200,
        description:
          'recurring window: when it starts, as five cron fields (minute hour day-of-month month day-of-week), e.g. "0 2 * * 6"',
      })
    ),
    duration: Type.Optional(
      Type.String({ minLength: 1, maxLength: 40, description: 'recurring window: how long it lasts, e.g. 2h' })
    ),
    timezone: Type.Optional(
      Type.String({ minLength: 1, maxLength: 64, description: 'time zone of the cron fields (IANA, default UTC)' })
    ),
  },
  { additionalProperties: false }
);
export type MaintenanceWindow = Static<typeof MaintenanceWindow>;

/** A level the job's forecast must not cross: `vigil_forecast_breach_seconds` says how soon it will. */
export const ForecastThreshold = Type.Object(
  {
    value: Type.Number({ description: "in the series' own units" }),
    direction: Type.Optional(
      StringEnum(BREACH_DIRECTIONS, { description: 'a breach is the forecast going above (default) or below it' })
    ),
  },
  { additionalProperties: false }
);
export type ForecastThreshold = Static<typeof ForecastThreshold>;

export const JobKind = StringEnum(JOB_KINDS);
export type JobKind = Static<typeof JobKind>;
export const OutlierAlgorithm = StringEnum(OUTLIER_ALGORITHMS);
export type OutlierAlgorithm = Static<typeof OutlierAlgorithm>;

/** How a peer group is judged (ad-hoc outlier queries and `outliers` jobs). */
export const outlierOptions = {
  algorithm: Type.Optional(
    StringEnum(OUTLIER_ALGORITHMS, {
      description:
        'dbscan (default): at each time, the series outside the cluster holding most of the group; mad: values far from the group median in median absolute deviations',
    })
  ),
  sensitivity: Type.Optional(
    Type.Number({ minimum: 0, maximum: 1, description: '0-1 (default 0.5): higher flags more series' })
  ),
  minDuration: Type.Optional(
    Type.Integer({
      minimum: 1,
      maximum: 10000,
      description: 'consecutive outlying points before a series counts as an outlier (default 3)',
    })
  ),
};
export const OutlierOptions = Type.Object(outlierOptions, { additionalProperties: false });
export type OutlierOptions = Static<typeof OutlierOptions>;

/** The job fields only a detection job (`kind: anomaly`) uses: an outliers job refuses them. */
export const DETECTION_ONLY_FIELDS = [
  'detectors',
  'mode',
  'threshold',
  'params',
  'forecastHorizon',
  'forecastThresholds',
] as const;

const jobSpecProperties = {
  name: Type.String({ minLength: 1, maxLength: 200 }),
  kind: Type.Optional(
    StringEnum(JOB_KINDS, {
      description:
        "anomaly (default): each series against its own past; outliers: the source's series against each other (peer-group outliers, options in `outliers`)",
    })
  ),
  source: SourceQuery,
  outliers: Type.Optional(OutlierOptions),
  ...detectorOptions,
  params: Type.Optional(DetectorParams),
  interval: Type.Optional(Type.String({ default: '1m', description: 'run interval and grid, e.g. 1m' })),
  trainingWindow: Type.Optional(Type.String({ default: '7d', description: 'history the model is fitted on' })),
  labels: Type.Optional(Labels),
  forecastHorizon: Type.Optional(
    Type.Integer({ minimum: 0, maximum: 10000, description: 'forecast points written after each run (0: none)' })
  ),
  criticality: Type.Optional(Criticality),
  runbookUrl: Type.Optional(
    Type.String({
      pattern: '^https?://',
      maxLength: 2000,
      description: 'repeated by every notification of its incidents',
    })
  ),
  dashboardUid: Type.Optional(
    Type.String({ minLength: 1, maxLength: 200, description: 'Grafana dashboard of the job: links and annotations' })
  ),
  panelId: Type.Optional(Type.Integer({ minimum: 0, description: 'panel of that dashboard' })),
  ingestDelay: Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 40,
      description:
        'score only buckets older than now minus this, for sources that receive data late, e.g. 2m (default 0)',
    })
  ),
  maintenanceWindows: Type.Optional(Type.Array(MaintenanceWindow, { maxItems: 50 })),
  forecastThresholds: Type.Optional(
    Type.Array(ForecastThreshold, {
      maxItems: 10,
      description: 'levels the forecast is watched against (needs forecastHorizon): vigil_forecast_breach_seconds',
    })
  ),
};

/** A saved detection as the user writes it. */
export const JobSpec = Type.Object(jobSpecProperties, { additionalProperties: false });
export type JobSpec = Static<typeof JobSpec>;

export const LastRun = Type.Object(
  {
    at: EpochMs,
    ok: Type.Boolean(),
    error: Type.Optional(Type.String()),
    durationMs: Type.Number(),
    points: Type.Optional(Type.Number()),
    threshold: Type.Optional(Type.Number({ description: 'the threshold the run used, after feedback tuning' })),
  },
  { additionalProperties: true }
);
export type LastRun = Static<typeof LastRun>;

/** A saved job as the API returns it. */
export const Job = Type.Object(
  {
    ...jobSpecProperties,
    id: Type.String(),
    enabled: Type.Boolean(),
    createdAt: EpochMs,
    updatedAt: EpochMs,
    lastRun: Type.Optional(LastRun),
    anomalies24h: Type.Integer(),
    drift: Type.Optional(Type.Object({ drifting: Type.Boolean(), pValue: Type.Number() })),
    status: StringEnum(JOB_STATUSES, {
      description:
        'pending: not run yet; warming_up: every series is still learning (no band, no events, no score yet); ready: judging',
    }),
    warmup: Type.Optional(
      Type.Object(
        {
          series: Type.Integer({ description: 'series the job scores' }),
          warmingUp: Type.Integer({ description: 'of which still learning' }),
          readyAt: Type.Optional(
            Type.Number({ description: 'epoch ms when the last of them will be judged, at the current pace' })
          ),
        },
        { additionalProperties: false }
      )
    ),
    maintenance: Type.Optional(
      Type.Object(
        {
          active: Type.Boolean(),
          name: Type.Optional(Type.String()),
          until: Type.Optional(Type.Number({ description: 'epoch ms when the current window ends' })),
        },
        { additionalProperties: false, description: 'present when a maintenance window is in force now' }
      )
    ),
  },
  { additionalProperties: true }
);
export type Job = Static<typeof Job>;

export const JobList = Type.Object({ jobs: Type.Array(Job) });

/** A backtest over history (saved job or unsaved spec): the events it would have raised. */
export const BacktestRange = Type.Object({ from: EpochMs, to: EpochMs });
export const BacktestSpec = Type.Object(
  { ...jobSpecProperties, from: EpochMs, to: EpochMs },
  { additionalProperties: false }
);
export const BacktestResponse = Type.Object(
  { events: Type.Array(AnomalyEvent), count: Type.Integer(), series: Type.Array(SeriesResult) },
  { additionalProperties: true }
);
export type BacktestResponse = Static<typeof BacktestResponse>;

/** Version tag of exported jobs. */
export const JOB_EXPORT_VERSION = 'vigil/v1' as const;

/** One job as `GET /api/jobs/:id/export` writes it and `POST /api/jobs/import` reads it: the spec, no state. */
export const JobExport = Type.Object(
  {
    apiVersion: Type.Literal(JOB_EXPORT_VERSION),
    kind: Type.Literal('Job'),
    spec: JobSpec,
    enabled: Type.Optional(Type.Boolean({ description: 'default true' })),
  },
  { additionalProperties: false }
);
export type JobExport = Static<typeof JobExport>;

/** Every job, as `GET /api/jobs/export` writes it. */
export const JobListExport = Type.Object(
  {
    apiVersion: Type.Literal(JOB_EXPORT_VERSION),
    kind: Type.Literal('JobList'),
    items: Type.Array(JobExport, { maxItems: 10000 }),
  },
  { additionalProperties: false }
);
export type JobListExport = Static<typeof JobListExport>;

/** `POST /api/jobs/import`: one exported job (`kind: Job`, with `spec`) or a list (`kind: JobList`, with `items`). */
export const JobImportRequest = Type.Object(
  {
    apiVersion: Type.Literal(JOB_EXPORT_VERSION),
    kind: StringEnum(['Job', 'JobList'] as const),
    spec: Type.Optional(JobSpec),
    enabled: Type.Optional(Type.Boolean()),
    items: Type.Optional(Type.Array(JobExport, { maxItems: 10000 })),
  },
  { additionalProperties: false }
);
export type JobImportRequest = Static<typeof JobImportRequest>;

export const JobImportQuery = Type.Object({
  onConflict: Type.Optional(
    StringEnum(['error', 'skip', 'replace'] as const, {
      description: 'a job of the same name exists: refuse the import (default, 409), keep it, or replace its spec',
    })
  ),
});

export const JobImportResponse = Type.Object({
  jobs: Type.Array(Job, { description: 'the jobs created or replaced' }),
  created: Type.Integer(),
  replaced: Type.Integer(),
  skipped: Type.Array(Type.String(), { description: 'names of jobs kept as they were' }),
});
export type JobImportResponse = Static<typeof JobImportResponse>;
