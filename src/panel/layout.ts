/**
 * Pure layout of the Vigil panel: which frames are what, the frames handed to Grafana's time series component (each
 * series' band and expected value in that series' resolved colour, hidden with it), the time range (extended to the
 * last forecast point), where anomaly markers go, which anomalies lie under the cursor, the drift badge and the rows of
 * the series tooltip. No DOM, no clock: given the same frames they return the same answer, so they are unit tested
 * directly. Frames are never mutated (Grafana shares them between panels).
 */
import {
  DataFrame,
  Field,
  FieldColorModeId,
  FieldType,
  getFieldDisplayName,
  getFieldSeriesColor,
  GrafanaTheme2,
} from '@grafana/data';

import { SEVERITY_RANK } from '../constants';
import { outlierMeta } from '../datasource/outlierTransforms';
import { frameKind, frameToDrift, frameToEvents, MarkerEvent } from '../datasource/transforms';
import type { Severity } from '../../pkg/contract';

export interface DriftRow {
  job: string;
  drifting: boolean;
  pValue: number;
}

/** The panel's frames sorted by what they are. */
export interface PanelFrames {
  /** Vigil series frames (`value`, `expected`, `lower`, `upper`, `anomaly score`, `anomaly`) */
  series: DataFrame[];
  /** Vigil forecast frames (`forecast`, `forecast lower`, `forecast upper`) */
  forecasts: DataFrame[];
  /** peer-group outlier frames (the group's band, then each series), drawn as the data source styled them */
  outliers: DataFrame[];
  /** any other frame with a time and a number field (e.g. Prometheus through the Mixed data source), drawn as is */
  plain: DataFrame[];
  /** anomaly events (from the Vigil annotation frames), each once */
  events: MarkerEvent[];
  /** drift status rows */
  drift: DriftRow[];
}

/**
 * Sort the panel's data (series and annotation frames, as Grafana hands them to a panel) by kind.
 * @param series `data.series`
 * @param annotations `data.annotations` (Grafana moves frames with `dataTopic: annotations` there)
 */
export function splitFrames(series: DataFrame[], annotations: DataFrame[] = []): PanelFrames {
  const out: PanelFrames = { series: [], forecasts: [], outliers: [], plain: [], events: [], drift: [] };
  const seen = new Set<string>();
  for (const frame of [...series, ...annotations]) {
    const kind = frameKind(frame);
    if (kind === 'series') out.series.push(frame);
    else if (kind === 'forecast') out.forecasts.push(frame);
    else if (kind === 'outlier series' || kind === 'outlier band') out.outliers.push(frame);
    else if (kind === 'drift') out.drift.push(...frameToDrift(frame));
    else if (kind === 'anomalies') {
      for (const e of frameToEvents(frame)) {
        const key = e.id || `${e.start}:${e.end}:${JSON.stringify(e.labels)}`;
        if (!seen.has(key)) {
          seen.add(key);
          out.events.push({ ...e, refId: frame.refId });
        }
      }
    } else if (
      !kind &&
      frame.meta?.dataTopic !== 'annotations' &&
      frame.fields.some((f) => f.type === FieldType.time) &&
      frame.fields.some((f) => f.type === FieldType.number)
    ) {
      out.plain.push(frame);
    }
  }
  return out;
}

/** Whether there is anything to plot. */
export function hasPlotData(p: PanelFrames): boolean {
  return p.series.length + p.forecasts.length + p.outliers.length + p.plain.length > 0;
}

/** The labels a Vigil frame was made for (`meta.custom.labels`). */
export function frameLabels(frame: DataFrame): Record<string, string> {
  return ((frame.meta?.custom as { labels?: Record<string, string> } | undefined)?.labels ?? {}) as Record<
    string,
    string
  >;
}

/** Whether two label sets are the same (order does not matter). */
export function sameLabels(a: Record<string, string>, b: Record<string, string>): boolean {
  const ka = Object.keys(a);
  return ka.length === Object.keys(b).length && ka.every((k) => a[k] === b[k]);
}

/**
 * Band opacity (0-100) for `n` series with bands: the data source's 20 for one series, less for more so that
 * overlapping bands stay readable (20/sqrt(n), at least 6).
 */
export function bandOpacity(base: number, n: number): number {
  if (n <= 1) return base;
  return Math.max(6, Math.round(base / Math.sqrt(n)));
}

export interface PlotOptions {
  showBand: boolean;
  showExpected: boolean;
  showForecast: boolean;
}

type Custom = Record<string, unknown> & { hideFrom?: { legend?: boolean; tooltip?: boolean; viz?: boolean } };

function withConfig(field: Field, color: string | undefined, custom: Custom): Field {
  return {
    ...field,
    config: {
      ...field.config,
      ...(color ? { color: { mode: FieldColorModeId.Fixed, fixedColor: color } } : {}),
      custom: { ...(field.config.custom ?? {}), ...custom },
    },
  };
}

function hideFrom(field: Field, viz: boolean, legend = true, tooltip?: boolean) {
  const h = (field.config.custom as Custom | undefined)?.hideFrom ?? {};
  return { hideFrom: { legend, tooltip: tooltip ?? h.tooltip ?? false, viz } };
}

/** The colour Grafana resolves for a field (its fixed colour, palette entry or override), as CSS. */
export function fieldColor(field: Field, theme: GrafanaTheme2): string {
  return getFieldSeriesColor(field, theme).color;
}

/** A Vigil series frame's value field (undefined when the frame has none). */
export function valueField(frame: DataFrame): Field | undefined {
  return frame.fields.find((f) => f.name === 'value' && f.type === FieldType.number);
}

/**
 * The frames handed to Grafana's time series component. Each Vigil series keeps its value field as Grafana resolved
 * it (colour, unit, overrides) and draws its band and dashed expected value in that colour, hidden when the series is
 * hidden (legend click or override) or the option is off; overlapping bands get fainter as series are added. The
 * anomaly score and the anomaly point series stay out of the plot (the panel draws its own markers). Forecasts take
 * the colour of the series with the same labels, and stay out of the legend.
 *
 * @param p the panel's frames (after Grafana applied the field config)
 * @param o the panel's options
 * @param theme resolves colour names
 */
export function plotFrames(p: PanelFrames, o: PlotOptions, theme: GrafanaTheme2): DataFrame[] {
  const out: DataFrame[] = [];
  const colorByLabels: Array<{ labels: Record<string, string>; color: string; hidden: boolean }> = [];
  const withBands = p.series.filter((f) => f.fields.some((x) => x.name === 'upper')).length;
  for (const frame of p.series) {
    const value = valueField(frame);
    if (!value) continue;
    const color = fieldColor(value, theme);
    const hidden = Boolean((value.config.custom as Custom | undefined)?.hideFrom?.viz);
    colorByLabels.push({ labels: frameLabels(frame), color, hidden });
    const fields = frame.fields.map((f) => {
      switch (f.name) {
        case 'expected':
          return withConfig(f, color, hideFrom(f, hidden || !o.showExpected));
        case 'lower':
          return withConfig(f, color, hideFrom(f, hidden || !o.showBand, true, true));
        case 'upper': {
          const base = Number((f.config.custom as Custom | undefined)?.fillOpacity ?? 20);
          return withConfig(f, color, {
            ...hideFrom(f, hidden || !o.showBand, true, true),
            fillOpacity: bandOpacity(base, withBands),
          });
        }
        case 'anomaly score':
          return withConfig(f, undefined, { ...hideFrom(f, true, true, true), axisPlacement: 'hidden' });
        case 'anomaly':
          return withConfig(f, undefined, hideFrom(f, true, true, true));
        default:
          return f;
      }
    });
    out.push({ ...frame, fields });
  }
  if (o.showForecast) {
    for (const frame of p.forecasts) {
      const own = colorByLabels.find((c) => sameLabels(c.labels, frameLabels(frame)));
      const fields = frame.fields.map((f) => {
        if (f.type !== FieldType.number) return f;
        const h = hideFrom(f, Boolean(own?.hidden), true, f.name !== 'forecast');
        return withConfig(f, own?.color, f.name === 'forecast' ? { ...h, lineWidth: 2 } : h);
      });
      out.push({ ...frame, fields });
    }
  }
  // peer-group outliers as the data source styled them (outliers thick and coloured, peers grey), the band if shown
  out.push(...p.outliers.filter((f) => o.showBand || frameKind(f) !== 'outlier band'), ...p.plain);
  return out;
}

/** A period during which a series behaved unlike its peers, as the panel shades it. */
export interface OutlierPeriod {
  /** the series' display name */
  name: string;
  /** epoch ms of the first and last outlying point */
  start: number;
  end: number;
  /** the series' colour as drawn (CSS) */
  color: string;
  /** the series' highest outlier score, 0-100 */
  score: number;
}

/**
 * The outlying periods of the panel's peer-group outlier series, in their series' resolved colour, leaving out series
 * hidden from the plot (legend click or override), earliest first.
 */
export function outlierPeriods(p: PanelFrames, theme: GrafanaTheme2): OutlierPeriod[] {
  const out: OutlierPeriod[] = [];
  for (const frame of p.outliers) {
    const meta = outlierMeta(frame);
    const value = valueField(frame);
    if (!meta?.outlier || !value || (value.config.custom as Custom | undefined)?.hideFrom?.viz) continue;
    const color = fieldColor(value, theme);
    const name = getFieldDisplayName(value, frame);
    for (const iv of meta.intervals) out.push({ name, start: iv.start, end: iv.end, color, score: meta.score });
  }
  return out.sort((a, b) => a.start - b.start || a.end - b.end);
}

/**
 * The plotted time range: the dashboard's, extended to the last forecast point when forecasts are shown (epoch ms).
 */
export function plotTimeRange(
  range: { from: number; to: number },
  forecasts: DataFrame[],
  showForecast: boolean
): { from: number; to: number } {
  let to = range.to;
  if (showForecast) {
    for (const f of forecasts) {
      const time = f.fields.find((x) => x.type === FieldType.time);
      for (const t of (time?.values ?? []) as number[]) if (Number.isFinite(t) && t > to) to = t;
    }
  }
  return { from: range.from, to };
}

/** Whether a marker of this severity passes the panel's minimum-severity option. */
export function passesSeverity(sev: Severity, min: Severity): boolean {
  return SEVERITY_RANK[sev] >= SEVERITY_RANK[min];
}

/** Index of the Vigil series an event belongs to (same labels), or -1. */
export function eventSeriesIndex(event: Pick<MarkerEvent, 'labels'>, series: DataFrame[]): number {
  return series.findIndex((f) => sameLabels(frameLabels(f), event.labels));
}

export interface MarkerPlacement {
  event: MarkerEvent;
  /** marker centre, px from the plot's left and top */
  left: number;
  top: number;
  /** the event's span, px from the plot's left (at least 2 px wide) */
  x0: number;
  x1: number;
}

/**
 * The events that get a marker: those overlapping the x range, at or above `minSeverity`, not of a hidden series; the
 * worst come last (drawn on top).
 *
 * @param xRange the plotted [from, to] (epoch ms)
 */
export function drawnEvents(
  events: MarkerEvent[],
  xRange: { from: number; to: number },
  minSeverity: Severity,
  isHidden: (e: MarkerEvent) => boolean = () => false
): MarkerEvent[] {
  return events
    .filter((e) => passesSeverity(e.severity, minSeverity) && e.end >= xRange.from && e.start <= xRange.to)
    .filter((e) => !isHidden(e))
    .sort((a, b) => SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] || a.start - b.start);
}

/** Where an event's marker stands in time: its peak, kept inside the plotted range (epoch ms). */
export function markerTime(event: MarkerEvent, xRange: { from: number; to: number }): number {
  return Math.min(Math.max(event.peak, xRange.from), xRange.to);
}

/**
 * Where each anomaly marker goes (for the events `drawnEvents` keeps, in its order): at the event's peak
 * (`markerTime`) and actual value, its span shaded from start to end.
 *
 * @param toX epoch ms -> px from the plot's left
 * @param toY the event -> px from the plot's top at its actual value (undefined: the top of the plot)
 * @param xRange the plotted [from, to] (epoch ms)
 */
export function placeMarkers(
  events: MarkerEvent[],
  toX: (t: number) => number,
  toY: (e: MarkerEvent) => number | undefined,
  xRange: { from: number; to: number },
  minSeverity: Severity,
  isHidden: (e: MarkerEvent) => boolean = () => false
): MarkerPlacement[] {
  return drawnEvents(events, xRange, minSeverity, isHidden).map((event) => {
    const x0 = toX(Math.max(event.start, xRange.from));
    const x1 = Math.max(toX(Math.min(event.end, xRange.to)), x0 + 2);
    const y = Number.isFinite(event.actual) ? toY(event) : undefined;
    return { event, left: toX(markerTime(event, xRange)), top: y ?? 0, x0, x1 };
  });
}

/**
 * The anomalies under the cursor at time `t`: events whose span, widened by `slackMs` each side, holds `t`, worst and
 * strongest first.
 */
export function eventsAt(events: MarkerEvent[], t: number, slackMs: number, minSeverity: Severity): MarkerEvent[] {
  return events
    .filter((e) => passesSeverity(e.severity, minSeverity) && t >= e.start - slackMs && t <= e.end + slackMs)
    .sort((a, b) => SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity] || b.score - a.score);
}

/**
 * The row a hover at time `t` shows when a marker is near: the row of the peak nearest `t` among `peaks`, when it lies
 * within `slackMs` of `t`. Two days of 5-minute points are under 2 px apart, so a pointer on a marker easily lands on
 * the neighbouring point, whose value lies far from the marker; Grafana's tooltip then has no series near the pointer
 * and a click pins nothing. Snapping to the peak shows (and pins) the anomaly's own point.
 *
 * @param xs the plot's times (epoch ms, ascending)
 * @param peaks the peak times (epoch ms) of the markers drawn, in any order
 * @param t the time under the pointer (epoch ms)
 * @param slackMs how far from a peak the pointer may be (ms; the panel passes 8 px worth)
 * @returns the index into `xs` of that peak's row, or undefined when no peak is within `slackMs` of `t` or no row lies
 *   within `slackMs` of the peak. O(m + log n) for m peaks and n rows.
 * @example markerRowNear([0, 300e3, 600e3], [600e3], 590e3, 20e3) // 2
 */
export function markerRowNear(
  xs: ArrayLike<number>,
  peaks: readonly number[],
  t: number,
  slackMs: number
): number | undefined {
  let best: number | undefined;
  for (const p of peaks) {
    if (Math.abs(p - t) <= slackMs && (best === undefined || Math.abs(p - t) < Math.abs(best - t))) best = p;
  }
  if (best === undefined || xs.length === 0) return undefined;
  let lo = 0;
  let hi = xs.length - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (xs[mid] <= best) lo = mid;
    else hi = mid;
  }
  const row = Math.abs(xs[hi] - best) < Math.abs(xs[lo] - best) ? hi : lo;
  return Math.abs(xs[row] - best) <= slackMs ? row : undefined;
}

/** Format a p-value for people: 2 significant digits, `n/a` when missing. */
export function formatP(p: number): string {
  if (!Number.isFinite(p)) return 'n/a';
  return p !== 0 && p < 1e-3 ? p.toExponential(1) : String(Number(p.toPrecision(2)));
}

/**
 * The drift badge: the drifting jobs by name with their p-value, or "No drift" naming the job (or how many jobs)
 * with the smallest p-value; undefined without drift rows.
 */
export function driftBadge(rows: DriftRow[]): { text: string; drifting: boolean; title: string } | undefined {
  if (rows.length === 0) return undefined;
  const title = rows
    .map((d) => `${d.job}: ${d.drifting ? 'drifting' : 'no drift'} (p=${formatP(d.pValue)})`)
    .join('\n');
  const drifting = rows.filter((d) => d.drifting);
  if (drifting.length) {
    return {
      drifting: true,
      title,
      text: `Drifting: ${drifting.map((d) => `${d.job} (p=${formatP(d.pValue)})`).join(', ')}`,
    };
  }
  const minP = Math.min(...rows.map((d) => (Number.isFinite(d.pValue) ? d.pValue : Infinity)));
  const who = rows.length === 1 ? rows[0].job : `${rows.length} jobs`;
  return { drifting: false, title, text: `No drift: ${who} (p=${formatP(minP)})` };
}

/** One row of the series tooltip. */
export interface TooltipRow {
  name: string;
  color: string;
  value: string;
  /** `expected 12 (band 9 to 15)` for Vigil series with those values at that time */
  expected?: string;
  score?: string;
  /** whether this is the series closest to the cursor */
  closest: boolean;
}

const fmt = (field: Field | undefined, v: unknown): string | undefined => {
  if (!field || v === null || v === undefined || (typeof v === 'number' && !Number.isFinite(v))) return undefined;
  const d = field.display?.(v);
  if (!d) return String(v);
  return `${d.prefix ?? ''}${d.text}${d.suffix ?? ''}`;
};

/**
 * The series tooltip's rows at the hovered point, from the plot's aligned frame (Grafana's join of the plotted frames:
 * field 0 is time, field i is uPlot series i, each knowing its origin frame and field): the value of each visible
 * series in the legend (Vigil series and plain ones) with, for Vigil series, the expected value, the band and the
 * anomaly score at that time.
 *
 * @param aligned the aligned frame
 * @param plotted the frames given to the time series component (the origins refer to them)
 * @param dataIdxs the hovered row of each uPlot series (null: none)
 * @param closestIdx the uPlot series closest to the cursor
 * @param single only the closest series (tooltip mode `single`)
 */
export function tooltipRows(
  aligned: DataFrame,
  plotted: DataFrame[],
  dataIdxs: Array<number | null>,
  closestIdx: number | null,
  theme: GrafanaTheme2,
  single = false
): TooltipRow[] {
  const rows: TooltipRow[] = [];
  for (let i = 1; i < aligned.fields.length; i++) {
    const field = aligned.fields[i];
    const idx = dataIdxs[i];
    const custom = (field.config.custom ?? {}) as Custom;
    if (idx === null || idx === undefined || custom.hideFrom?.viz || custom.hideFrom?.legend) continue;
    if (single && i !== closestIdx) continue;
    const origin = field.state?.origin;
    const frame = origin ? plotted[origin.frameIndex] : undefined;
    const value = fmt(field, field.values[idx]);
    if (value === undefined) continue;
    const row: TooltipRow = {
      name: getFieldDisplayName(field, frame, plotted),
      color: fieldColor(field, theme),
      value,
      closest: i === closestIdx,
    };
    if (frame && frameKind(frame) === 'series') {
      // the Vigil frame's other columns at the same time
      const time = frame.fields.find((f) => f.type === FieldType.time);
      const t = aligned.fields[0].values[idx];
      const row0 = time ? (time.values as number[]).indexOf(t) : -1;
      if (row0 >= 0) {
        const col = (n: string) => frame.fields.find((f) => f.name === n);
        const expected = fmt(col('expected'), col('expected')?.values[row0]);
        const lower = fmt(col('lower'), col('lower')?.values[row0]);
        const upper = fmt(col('upper'), col('upper')?.values[row0]);
        if (expected !== undefined) {
          row.expected = lower !== undefined && upper !== undefined ? `${expected} (${lower} to ${upper})` : expected;
        }
        const score = col('anomaly score')?.values[row0];
        if (typeof score === 'number' && Number.isFinite(score)) row.score = String(Math.round(score));
      }
    }
    rows.push(row);
  }
  return rows;
}

/** Height of one row of Grafana's list legend (an 19 px item and the gap above it), px. */
export const LEGEND_ROW_PX = 23.5;
/** The legend's padding (4 px each side), px. */
export const LEGEND_PAD_PX = 8;
/** What a list legend item adds to its name's width: the swatch, its margin and the item's right padding, px. */
export const LEGEND_ITEM_EXTRA_PX = 32;
/** The share of the panel's height Grafana gives a bottom legend by default (VizLayout's 35%). */
const BOTTOM_SHARE = 0.35;
/** The most of the panel's width a legend moved to the right may take. */
const RIGHT_SHARE = 0.45;

/** How the legend is laid out: its placement, and a height cap (px) that shows whole rows only. */
export interface LegendFit {
  placement: 'bottom' | 'right';
  /** px; undefined: Grafana's default (35% of the panel) */
  maxHeight?: number;
  /** rows of items the legend has at the bottom (after wrapping) */
  rows: number;
}

/**
 * Fit a list legend at the bottom of a small panel so that every item stays readable and reachable (the issue of a
 * 420 x 200 panel showing two and a half of five items). Items wrap in rows as Grafana's list legend lays them out
 * (each its name's width plus `LEGEND_ITEM_EXTRA_PX`, in order). When they fit in Grafana's 35% of the height
 * nothing changes. Otherwise, when a column of them fits at the right (at most 45% of the width, every item in the
 * panel's height) the legend goes there; else it stays at the bottom with a height of whole rows (at least one) within
 * the 35%, and scrolls. A legend placed at the right or in table mode by the user is left as it is.
 *
 * @param names the legend's item names, in order
 * @param textWidth a name's rendered width, px
 * @param width panel width, px
 * @param height panel height, px
 * @returns undefined when the legend is not a bottom list (nothing to fit)
 */
export function fitLegend(
  names: string[],
  textWidth: (name: string) => number,
  width: number,
  height: number,
  placement: string,
  displayMode: string
): LegendFit | undefined {
  if (placement !== 'bottom' || displayMode !== 'list' || names.length === 0) return undefined;
  const widths = names.map((n) => textWidth(n) + LEGEND_ITEM_EXTRA_PX);
  const room = Math.max(1, width - LEGEND_PAD_PX);
  let rows = 1;
  let line = 0;
  for (const w of widths) {
    if (line > 0 && line + w > room) {
      rows++;
      line = 0;
    }
    line += w;
  }
  const needed = LEGEND_PAD_PX + rows * LEGEND_ROW_PX;
  if (needed <= height * BOTTOM_SHARE) return { placement: 'bottom', rows };
  // whole rows only (also when Grafana keeps the legend at the bottom of a narrow window)
  const whole = Math.max(1, Math.floor((height * BOTTOM_SHARE - LEGEND_PAD_PX) / LEGEND_ROW_PX));
  const maxHeight = Math.ceil(LEGEND_PAD_PX + whole * LEGEND_ROW_PX);
  const column = LEGEND_PAD_PX + Math.max(...widths);
  if (column <= width * RIGHT_SHARE && LEGEND_PAD_PX + names.length * LEGEND_ROW_PX <= height) {
    return { placement: 'right', rows, maxHeight };
  }
  return { placement: 'bottom', rows, maxHeight };
}

/**
 * Which tick labels of a horizontal axis lie whole inside the plot's canvas: a label is centred on its tick, so one
 * whose half width reaches past an edge would be clipped; uPlot's axis filter drops it (null) instead.
 *
 * @param xs tick positions, CSS px from the canvas' left edge
 * @param widths the labels' widths, CSS px (0 for a tick without a label)
 * @param canvasWidth CSS px
 */
export function ticksInside(xs: number[], widths: number[], canvasWidth: number): boolean[] {
  return xs.map((x, i) => x - widths[i] / 2 >= 0 && x + widths[i] / 2 <= canvasWidth);
}

/** The names Grafana's legend lists for the plotted frames: every number field not hidden from the legend. */
export function legendNames(plotted: DataFrame[]): string[] {
  const names: string[] = [];
  for (const frame of plotted) {
    for (const field of frame.fields) {
      if (field.type !== FieldType.number) continue;
      if ((field.config.custom as Custom | undefined)?.hideFrom?.legend) continue;
      names.push(getFieldDisplayName(field, frame, plotted));
    }
  }
  return names;
}
