/**
 * Requests and answers of the engine's REST API that are not jobs or results: errors, health, ad-hoc detection
 * and forecast requests, ranges, ids and feedback.
 */
import { Type, type Static } from '@sinclair/typebox';
import { EpochMs, StringEnum } from './common';
import { detectorOptions, DetectorParams } from './jobs';
import { FORECAST_METHODS } from './rules';
import { DriftStatus, Feedback, FeedbackVerdict, StoredAnomaly } from './results';
import { SourceQuery } from './sources';

/** Every error answer. */
export const ErrorBody = Type.Object(
  { error: Type.Object({ code: Type.String(), message: Type.String() }) },
  { description: 'Every error answer' }
);
export type ErrorBody = Static<typeof ErrorBody>;

const SourceHealth = Type.Object(
  { ok: Type.Boolean(), error: Type.Optional(Type.String()), lastCheck: Type.Optional(EpochMs) },
  { additionalProperties: true }
);

/** `GET /api/health`: status, version, store and source reachability, failing jobs. */
export const HealthResponse = Type.Object(
  {
    status: StringEnum(['ok', 'degraded']),
    version: Type.String(),
    store: Type.Object({ ok: Type.Boolean(), error: Type.Optional(Type.String()) }),
    sources: Type.Record(Type.String(), SourceHealth),
    jobs: Type.Object({ total: Type.Integer(), failing: Type.Integer() }),
    detection: Type.Optional(
      Type.Object(
        {
          threads: Type.Integer({ description: 'worker threads of the detection pool (0: in-process)' }),
          running: Type.Integer(),
          queued: Type.Integer(),
          maxQueue: Type.Integer({ description: 'queued detections beyond which requests get 429' }),
        },
        { additionalProperties: true }
      )
    ),
  },
  { additionalProperties: true }
);
export type HealthResponse = Static<typeof HealthResponse>;

/** `GET /api/health/live` and `GET /api/health/ready`: liveness (the process answers) and readiness (it can serve). */
export const ProbeResponse = Type.Object(
  {
    status: StringEnum(['live', 'ready', 'unready']),
    store: Type.Optional(Type.Object({ ok: Type.Boolean(), error: Type.Optional(Type.String()) })),
  },
  { additionalProperties: true }
);
export type ProbeResponse = Static<typeof ProbeResponse>;

/** `POST /api/detect`: ad-hoc detection on a source query over [from, to]. */
export const DetectRequest = Type.Object(
  {
    source: SourceQuery,
    from: EpochMs,
    to: EpochMs,
    interval: Type.Optional(
      Type.String({ description: 'grid, e.g. 5m (default: the finest of 1m/5m/15m/1h/1d with at most 11,000 points)' })
    ),
    ...detectorOptions,
    params: Type.Optional(DetectorParams),
    sensitivity: Type.Optional(
      Type.Number({
        minimum: 0,
        maximum: 1,
        description:
          'sensitivity 0-1 (default 0.5): moves the anomaly-score threshold from 75 (0, least sensitive) to 25 (1); ignored when threshold is given',
      })
    ),
    trainingWindow: Type.Optional(
      Type.String({
        description:
          'warm-up: the first part of the range is learned from with no events or band, e.g. 7d (default: a day)',
      })
    ),
  },
  { additionalProperties: false }
);
export type DetectRequest = Static<typeof DetectRequest>;

const ForecastMethod = StringEnum(FORECAST_METHODS, { default: 'ets' });
const Horizon = Type.Integer({ minimum: 1, maximum: 100000, default: 48, description: 'points past the end' });

/** `POST /api/forecast`: forecast a source query `horizon` points past `to`. */
export const ForecastRequest = Type.Object(
  {
    source: SourceQuery,
    from: EpochMs,
    to: EpochMs,
    interval: Type.Optional(Type.String()),
    horizon: Type.Optional(Horizon),
    method: Type.Optional(ForecastMethod),
    level: Type.Optional(Type.Number({ exclusiveMinimum: 0, exclusiveMaximum: 1, description: 'band level' })),
  },
  { additionalProperties: false }
);
export type ForecastRequest = Static<typeof ForecastRequest>;

/** `GET /api/forecast`: forecast a saved job's series from its stored values. */
export const JobForecastQuery = Type.Object({
  jobId: Type.String(),
  horizon: Type.Optional(Horizon),
  method: Type.Optional(ForecastMethod),
});

export const IdParams = Type.Object({ id: Type.String({ minLength: 1 }) });
export const RangeQuery = Type.Object({ from: Type.Optional(Type.Number()), to: Type.Optional(Type.Number()) });
export const AnomaliesQuery = Type.Object({
  from: Type.Optional(Type.Number()),
  to: Type.Optional(Type.Number()),
  includeSuppressed: Type.Optional(Type.Boolean()),
});
export const AnomalyList = Type.Object({ anomalies: Type.Array(StoredAnomaly) });

/** `POST /api/anomalies/:id/feedback`. */
export const FeedbackRequest = Type.Object(
  { verdict: FeedbackVerdict, comment: Type.Optional(Type.String({ maxLength: 2000 })) },
  { additionalProperties: false }
);
export type FeedbackRequest = Static<typeof FeedbackRequest>;
export const FeedbackList = Type.Object({ feedback: Type.Array(Feedback) });
export type FeedbackList = Static<typeof FeedbackList>;
export const DriftList = Type.Object({ jobs: Type.Array(DriftStatus) });
export type DriftList = Static<typeof DriftList>;
