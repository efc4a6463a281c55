/**
 * Pure transforms of a peer-group outlier answer (`POST /api/outliers`) to Grafana data frames, laid out so that
 * Grafana's own time series panel draws them right as well as the Vigil panel:
 * - one frame per series (`meta.custom.vigil = 'outlier series'`, with its labels, outlier flag, score and outlying
 *   intervals): `time`, `value` and the 0-100 `outlier score` (tooltip only). Outliers are drawn thick, each in its
 *   own strong colour; their peers thin and grey, so the odd one out stands out;
 * - the group's normal band (`'outlier band'`): `upper` filled down to `lower` (`custom.fillBelowTo`), in blue;
 * - the outlying periods as annotation regions (`'outlier periods'`, `meta.dataTopic = 'annotations'`), one per
 *   interval of each outlier, in that outlier's colour.
 * No I/O, no clock: the same answer gives the same frames.
 */
import { createDataFrame, DataFrame, DataTopic, FieldType } from '@grafana/data';

import type { OutlierResult, OutlierSeries } from '../../pkg/contract';
import { fixedColor, formatValue, seriesName } from './transforms';

/** Colours of outlying series, in order (Grafana colour names, resolved by the theme). */
export const OUTLIER_COLORS = ['red', 'orange', 'purple', 'yellow', 'green'];
/** The colour of the series that behave like their peers. */
export const PEER_COLOR = '#8e8e8e';
/** The colour of the group's normal band (as Grafana Machine Learning draws a MAD detector's stable band). */
export const BAND_COLOR = 'blue';

/** What an outlier series frame carries in `meta.custom`. */
export interface OutlierFrameMeta {
  vigil: 'outlier series';
  labels: Record<string, string>;
  outlier: boolean;
  /** highest 0-100 score over the range */
  score: number;
  /** outlying periods, epoch ms of their first and last point */
  intervals: Array<{ start: number; end: number }>;
  /** the frame's colour (a Grafana colour name or CSS) */
  color: string;
  algorithm: string;
}

/**
 * The colour of each series of the answer: outliers take `OUTLIER_COLORS` in turn (by their order in the answer),
 * the others `PEER_COLOR`.
 */
export function outlierColors(series: Array<Pick<OutlierSeries, 'outlier'>>): string[] {
  let k = 0;
  return series.map((s) => (s.outlier ? OUTLIER_COLORS[k++ % OUTLIER_COLORS.length] : PEER_COLOR));
}

/**
 * One series of the group -> its frame: the value (thick and coloured for an outlier, thin and grey for a peer) and
 * the outlier score (0-100, 50 at the band's edge; in the tooltip, off the plot and the legend).
 * @param color from `outlierColors`
 */
export function outlierSeriesToFrame(s: OutlierSeries, refId: string, color: string, algorithm: string): DataFrame {
  const name = seriesName(s.labels);
  const meta: OutlierFrameMeta = {
    vigil: 'outlier series',
    labels: s.labels,
    outlier: s.outlier,
    score: s.score,
    intervals: s.intervals,
    color,
    algorithm,
  };
  return createDataFrame({
    name,
    refId,
    meta: { custom: meta },
    fields: [
      { name: 'time', type: FieldType.time, values: s.points.map((p) => p.t) },
      {
        name: 'value',
        type: FieldType.number,
        values: s.points.map((p) => p.value),
        labels: s.labels,
        config: {
          displayNameFromDS: s.outlier ? `${name} (outlier)` : name,
          color: fixedColor(color),
          custom: s.outlier ? { lineWidth: 3, fillOpacity: 0 } : { lineWidth: 1, fillOpacity: 0 },
        },
      },
      {
        name: 'outlier score',
        type: FieldType.number,
        values: s.points.map((p) => p.score),
        config: {
          displayNameFromDS: `${name} outlier score`,
          min: 0,
          max: 100,
          custom: { axisPlacement: 'hidden', hideFrom: { legend: true, tooltip: false, viz: true } },
        },
      },
    ],
  });
}

/** The group's normal band -> a frame: `upper` filled down to `lower` in blue, both out of the legend and tooltip. */
export function outlierBandToFrame(res: Pick<OutlierResult, 'band' | 'algorithm'>, refId: string): DataFrame {
  const lowerName = 'normal band lower';
  const hidden = { legend: true, tooltip: true, viz: false };
  return createDataFrame({
    name: 'normal band',
    refId,
    meta: { custom: { vigil: 'outlier band', algorithm: res.algorithm } },
    fields: [
      { name: 'time', type: FieldType.time, values: res.band.map((p) => p.t) },
      {
        name: 'lower',
        type: FieldType.number,
        values: res.band.map((p) => p.lower),
        config: {
          displayNameFromDS: lowerName,
          color: fixedColor(BAND_COLOR),
          custom: { lineWidth: 0, fillOpacity: 0, showPoints: 'never', hideFrom: hidden },
        },
      },
      {
        name: 'upper',
        type: FieldType.number,
        values: res.band.map((p) => p.upper),
        config: {
          displayNameFromDS: 'normal band upper',
          color: fixedColor(BAND_COLOR),
          custom: { lineWidth: 0, fillOpacity: 20, fillBelowTo: lowerName, showPoints: 'never', hideFrom: hidden },
        },
      },
    ],
  });
}

/**
 * The outlying periods -> one annotation frame (regions from the first to the last outlying point), titled with the
 * series and its score, in the series' colour.
 * @param colors from `outlierColors`, by series
 */
export function outlierPeriodsToFrame(res: Pick<OutlierResult, 'series'>, refId: string, colors: string[]): DataFrame {
  const rows = res.series.flatMap((s, i) => s.intervals.map((iv) => ({ ...iv, s, color: colors[i] })));
  rows.sort((a, b) => a.start - b.start || a.end - b.end);
  return createDataFrame({
    name: 'outlier periods',
    refId,
    meta: { dataTopic: DataTopic.Annotations, custom: { vigil: 'outlier periods' } },
    fields: [
      { name: 'time', type: FieldType.time, values: rows.map((r) => r.start) },
      { name: 'timeEnd', type: FieldType.time, values: rows.map((r) => r.end) },
      { name: 'title', type: FieldType.string, values: rows.map((r) => `Outlier: ${seriesName(r.s.labels)}`) },
      {
        name: 'text',
        type: FieldType.string,
        values: rows.map(
          (r) => `Behaves unlike its peers (highest outlier score ${formatValue(Math.round(r.s.score))})`
        ),
      },
      { name: 'tags', type: FieldType.other, values: rows.map(() => ['vigil', 'outlier']) },
      { name: 'color', type: FieldType.string, values: rows.map((r) => r.color) },
      { name: 'isRegion', type: FieldType.boolean, values: rows.map((r) => r.end > r.start) },
      { name: 'labels', type: FieldType.other, values: rows.map((r) => r.s.labels) },
    ],
  });
}

/**
 * A peer-group outlier answer -> frames: the band first (drawn under the series), then each series (peers first,
 * outliers last so they are drawn on top), then the outlying periods.
 */
export function outliersToFrames(res: OutlierResult, refId: string): DataFrame[] {
  const colors = outlierColors(res.series);
  const series = res.series.map((s, i) => outlierSeriesToFrame(s, refId, colors[i], res.algorithm));
  const order = res.series
    .map((s, i) => i)
    .sort((a, b) => Number(res.series[a].outlier) - Number(res.series[b].outlier));
  return [outlierBandToFrame(res, refId), ...order.map((i) => series[i]), outlierPeriodsToFrame(res, refId, colors)];
}

/** The outlier series frame's meta, or undefined for any other frame. */
export function outlierMeta(frame: DataFrame): OutlierFrameMeta | undefined {
  const m = frame.meta?.custom as Partial<OutlierFrameMeta> | undefined;
  return m?.vigil === 'outlier series' ? (m as OutlierFrameMeta) : undefined;
}
