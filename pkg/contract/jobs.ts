/** Jobs: saved detections the scheduler runs every interval, as the user writes them and as the API returns them. */
import { Type, type Static } from '@sinclair/typebox';
import { EpochMs, Labels, StringEnum } from './common';
import { VOTE_MODES } from './rules';
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

const jobSpecProperties = {
  name: Type.String({ minLength: 1, maxLength: 200 }),
  source: SourceQuery,
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
