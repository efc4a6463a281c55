/**
 * The legacy sysmon-style API kept for users migrating from the service Vigil grew out of: train a baseline on
 * one series' history, read it, detect on its latest value.
 */
import { Type, type Static } from '@sinclair/typebox';
import { EpochMs, Labels, NullableNumber, StringEnum } from './common';
import { VoteMode } from './jobs';
import { SourceQuery } from './sources';

const SeriesName = Type.String({ minLength: 1, maxLength: 300, pattern: '^[^/]+$' });

/** `POST /api/train`. */
export const TrainRequest = Type.Object(
  {
    series: SeriesName,
    source: SourceQuery,
    from: Type.Number(),
    to: Type.Number(),
    interval: Type.Optional(Type.String()),
    detectors: Type.Optional(Type.Array(Type.String(), { minItems: 1 })),
    mode: Type.Optional(VoteMode),
    threshold: Type.Optional(Type.Number({ minimum: 0, maximum: 100 })),
    sensitivity: Type.Optional(Type.Number({ minimum: 0, maximum: 1 })),
  },
  { additionalProperties: false }
);
export type TrainRequest = Static<typeof TrainRequest>;

export const SeriesParams = Type.Object({ series: Type.String() });

/** `POST /api/detect/latest`. */
export const LatestRequest = Type.Object(
  {
    series: SeriesName,
    value: Type.Optional(Type.Number({ description: 'the new value; omit to read the newest point from the source' })),
    timestamp: Type.Optional(
      Type.Number({ description: 'epoch ms of `value` (default: one interval after the last point)' })
    ),
  },
  { additionalProperties: false }
);
export type LatestRequest = Static<typeof LatestRequest>;

/** A trained baseline: where it stands now, its thresholds and its band over the kept history. */
export const BaselineResponse = Type.Object(
  {
    series: Type.String(),
    labels: Labels,
    intervalMs: Type.Number(),
    trainedAt: EpochMs,
    points: Type.Integer(),
    from: EpochMs,
    to: EpochMs,
    detectors: Type.Array(Type.String()),
    expected: NullableNumber,
    lower: NullableNumber,
    upper: NullableNumber,
    thresholds: Type.Object({
      anomalyScore: Type.Number(),
      detectorVoteScore: Type.Number(),
      lower: NullableNumber,
      upper: NullableNumber,
    }),
    band: Type.Array(
      Type.Object({ t: EpochMs, expected: NullableNumber, lower: NullableNumber, upper: NullableNumber })
    ),
  },
  { additionalProperties: true }
);

/** The verdict on the latest value: each method's score and vote, the consensus and its confidence. */
export const LatestResponse = Type.Object(
  {
    series: Type.String(),
    labels: Labels,
    timestamp: EpochMs,
    value: NullableNumber,
    anomalous: Type.Boolean(),
    consensus: StringEnum(['anomaly', 'normal']),
    confidence: NullableNumber,
    score: NullableNumber,
    severity: Type.Union([StringEnum(['critical', 'major', 'minor', 'warning']), Type.Null()]),
    direction: StringEnum(['above', 'below', 'none']),
    expected: NullableNumber,
    lower: NullableNumber,
    upper: NullableNumber,
    methods: Type.Array(Type.Object({ name: Type.String(), score: NullableNumber, vote: Type.Boolean() })),
  },
  { additionalProperties: true }
);
