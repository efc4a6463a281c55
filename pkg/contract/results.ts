/**
 * Detection results: scored points, anomaly events, stored anomalies with feedback, drift status and forecasts.
 * Times are epoch ms; scores are 0-100 anomaly scores.
 */
import { Type, type Static } from '@sinclair/typebox';
import { EpochMs, Labels, NullableNumber, StringEnum, WireNumber } from './common';
import { BREACH_DIRECTIONS, FEEDBACK_VERDICTS, FORECAST_METHODS, SEVERITIES } from './rules';

export const Severity = StringEnum(SEVERITIES, {
  description: 'band of the anomaly score: 75+ critical, 50+ major, 25+ minor, else warning',
});
export type Severity = Static<typeof Severity>;

/** Consecutive anomalous points merged into one event, with the reasons. */
export const AnomalyEvent = Type.Object(
  {
    start: EpochMs,
    end: Type.Number({ description: 'epoch ms of the last anomalous point of the event' }),
    labels: Labels,
    severity: Severity,
    score: Type.Number({ description: 'peak anomaly score (0-100)' }),
    peak: Type.Number({ description: 'epoch ms of the peak' }),
    detectors: Type.Record(Type.String(), Type.Number(), { description: "each voting detector's score at the peak" }),
    expected: WireNumber,
    actual: WireNumber,
    direction: StringEnum(['above', 'below']),
    confidence: Type.Unsafe<number>({
      type: ['number', 'null'],
      description: 'share (0-1) of detector weight that voted at the peak',
    }),
    explanation: Type.String({ description: 'a sentence an on-call engineer can read' }),
  },
  { additionalProperties: true }
);
export type AnomalyEvent = Static<typeof AnomalyEvent>;

/** One point of a series result. */
export const ResultPoint = Type.Object({
  t: EpochMs,
  value: NullableNumber,
  expected: NullableNumber,
  lower: NullableNumber,
  upper: NullableNumber,
  score: NullableNumber,
  anomaly: Type.Boolean(),
});
export type ResultPoint = Static<typeof ResultPoint>;

/** The detection result for one series. */
export const SeriesResult = Type.Object(
  { labels: Labels, intervalMs: Type.Number(), points: Type.Array(ResultPoint) },
  { additionalProperties: true }
);
export type SeriesResult = Static<typeof SeriesResult>;

/** What `vigil detect --format json` prints and `POST /api/detect` returns. */
export const DetectionResult = Type.Object(
  {
    series: Type.Array(SeriesResult),
    anomalies: Type.Array(AnomalyEvent),
    warnings: Type.Optional(Type.Array(Type.String(), { description: 'series that could not be judged, and why' })),
  },
  { additionalProperties: true }
);
export type DetectionResult = Static<typeof DetectionResult>;

export const FeedbackVerdict = StringEnum(FEEDBACK_VERDICTS);
export type FeedbackVerdict = Static<typeof FeedbackVerdict>;

/** A stored anomaly: the event plus identity, owner and feedback. */
export const StoredAnomaly = Type.Composite(
  [
    AnomalyEvent,
    Type.Object({
      id: Type.String(),
      jobId: Type.String(),
      feedback: Type.Optional(
        Type.Object({ verdict: FeedbackVerdict, comment: Type.Optional(Type.String()), at: EpochMs })
      ),
      suppressedBy: Type.Optional(
        Type.String({ description: 'the false-positive feedback whose pattern suppressed this event' })
      ),
    }),
  ],
  { additionalProperties: true }
);
export type StoredAnomaly = Static<typeof StoredAnomaly>;

/** A job's stored results: its series and anomalies in a time range. */
export const JobResults = Type.Object(
  { series: Type.Array(SeriesResult), anomalies: Type.Array(StoredAnomaly) },
  { additionalProperties: true }
);
export type JobResults = Static<typeof JobResults>;

/** A user's verdict on an anomaly. */
export const Feedback = Type.Object({
  id: Type.String(),
  anomalyId: Type.String(),
  jobId: Type.String(),
  verdict: FeedbackVerdict,
  comment: Type.Union([Type.String(), Type.Null()]),
  at: EpochMs,
  /** the anomaly judged (GET /api/feedback adds it while the anomaly is stored) */
  anomaly: Type.Optional(
    Type.Object({
      start: EpochMs,
      end: Type.Number({ description: 'epoch ms of the last anomalous point of the event' }),
      peak: Type.Number({ description: 'epoch ms of the peak' }),
      labels: Labels,
      severity: Severity,
      score: Type.Number({ description: 'peak anomaly score (0-100)' }),
    })
  ),
});
export type Feedback = Static<typeof Feedback>;

/** Drift status of one job series (two-sample KS test, p < 0.01 drifting). */
export const DriftStatus = Type.Object({
  jobId: Type.String(),
  name: Type.String(),
  labels: Labels,
  drifting: Type.Boolean(),
  pValue: Type.Number(),
  statistic: Type.Number(),
  checkedAt: EpochMs,
});
export type DriftStatus = Static<typeof DriftStatus>;

/**
 * The two samples behind one job series' drift verdict, seasonally adjusted (value minus the baseline of its phase of
 * the day, when the series has a daily season), ascending.
 */
export const SeriesDrift = Type.Object({
  labels: Labels,
  drifting: Type.Optional(Type.Boolean()),
  pValue: Type.Optional(Type.Number()),
  statistic: Type.Optional(Type.Number()),
  checkedAt: Type.Optional(EpochMs),
  period: Type.Integer({ minimum: 0, description: 'season the values are adjusted for, in points (0: none)' }),
  reference: Type.Array(Type.Number(), { description: 'adjusted reference values, ascending' }),
  recent: Type.Array(Type.Number(), { description: 'adjusted values of the recent window, ascending' }),
});
export type SeriesDrift = Static<typeof SeriesDrift>;

/** A job's drift samples per series (GET /api/jobs/:id/drift). */
export const JobDrift = Type.Object({
  jobId: Type.String(),
  name: Type.String(),
  series: Type.Array(SeriesDrift),
});
export type JobDrift = Static<typeof JobDrift>;

export const ForecastPoint = Type.Object({
  t: EpochMs,
  mean: NullableNumber,
  lower: NullableNumber,
  upper: NullableNumber,
});
export type ForecastPoint = Static<typeof ForecastPoint>;

/** When a forecast first crosses one of the job's `forecastThresholds` (null: not within the horizon). */
export const ForecastBreach = Type.Object({
  threshold: Type.Number(),
  direction: StringEnum(BREACH_DIRECTIONS),
  at: Type.Union([EpochMs, Type.Null()], { description: 'epoch ms of the first forecast point beyond the threshold' }),
  seconds: Type.Union([Type.Number(), Type.Null()], {
    description: 'seconds from the last scored point to the breach (0: already beyond)',
  }),
});
export type ForecastBreach = Static<typeof ForecastBreach>;

export const ForecastSeries = Type.Object(
  {
    labels: Labels,
    method: Type.Optional(StringEnum(FORECAST_METHODS)),
    points: Type.Array(ForecastPoint),
    breaches: Type.Optional(Type.Array(ForecastBreach, { description: "the job's forecastThresholds, judged" })),
  },
  { additionalProperties: true }
);
export type ForecastSeries = Static<typeof ForecastSeries>;

export const ForecastResponse = Type.Object({ series: Type.Array(ForecastSeries) });
export type ForecastResponse = Static<typeof ForecastResponse>;
