/**
 * Peer-group outliers: which series of a group behave unlike their peers (ad-hoc `POST /api/outliers`, and the
 * results of `outliers` jobs). Times are epoch ms; scores 0-100, 50 at the edge of the group's normal band.
 */
import { Type, type Static } from '@sinclair/typebox';
import { EpochMs, Labels, NullableNumber } from './common';
import { outlierOptions, OutlierAlgorithm } from './jobs';
import { SourceQuery } from './sources';

/** `POST /api/outliers`: judge the series of a source query against each other over [from, to]. */
export const OutlierRequest = Type.Object(
  {
    source: SourceQuery,
    from: EpochMs,
    to: EpochMs,
    interval: Type.Optional(
      Type.String({ description: 'grid, e.g. 1m (default: the finest of 1m/5m/15m/1h/1d with at most 11,000 points)' })
    ),
    ...outlierOptions,
  },
  { additionalProperties: false }
);
export type OutlierRequest = Static<typeof OutlierRequest>;

/** A stretch of time during which a series was outlying, [start, end] (epoch ms of its first and last point). */
export const OutlierInterval = Type.Object({ start: EpochMs, end: EpochMs });
export type OutlierInterval = Static<typeof OutlierInterval>;

/** One point of a series judged against its group. */
export const OutlierPoint = Type.Object({
  t: EpochMs,
  value: NullableNumber,
  score: NullableNumber,
  outlier: Type.Boolean({ description: 'outside the normal band, within a run of at least minDuration points' }),
});
export type OutlierPoint = Static<typeof OutlierPoint>;

/** A series of the group: whether it is an outlier, when, and by how much. */
export const OutlierSeries = Type.Object(
  {
    labels: Labels,
    outlier: Type.Boolean(),
    score: Type.Number({ description: 'highest score of the series over the range (0-100)' }),
    intervals: Type.Array(OutlierInterval),
    points: Type.Array(OutlierPoint),
  },
  { additionalProperties: true }
);
export type OutlierSeries = Static<typeof OutlierSeries>;

/** The group's normal band at one time: where a series counts as behaving like its peers. */
export const OutlierBandPoint = Type.Object({
  t: EpochMs,
  median: NullableNumber,
  lower: NullableNumber,
  upper: NullableNumber,
});
export type OutlierBandPoint = Static<typeof OutlierBandPoint>;

/** The answer of `POST /api/outliers`. */
export const OutlierResult = Type.Object(
  {
    algorithm: OutlierAlgorithm,
    sensitivity: Type.Number(),
    minDuration: Type.Integer({ description: 'consecutive outlying points a series needed to count as an outlier' }),
    intervalMs: Type.Number(),
    band: Type.Array(OutlierBandPoint),
    series: Type.Array(OutlierSeries),
    warnings: Type.Array(Type.String()),
  },
  { additionalProperties: true }
);
export type OutlierResult = Static<typeof OutlierResult>;
