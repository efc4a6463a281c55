/**
 * Pure transforms from the engine's JSON to Grafana data frames. No I/O, no clock: given the same
 * response they return the same frames, so they are unit tested directly.
 *
 * Frame conventions (see ARCHITECTURE.md, "Outputs a user sees"):
 * - one frame per series: `time`, `value`, `expected`, `lower`, `upper` (with `custom.fillBelowTo`
 *   naming the lower field, as Grafana's own baselines do), `anomaly score` (0-100);
 * - anomaly events: one annotation frame (`meta.dataTopic = 'annotations'`) with `time`, `timeEnd`,
 *   `title`, `text`, `tags`, `color`, `isRegion` and the event's details;
 * - forecasts: one frame per series whose times extend past "now" (mean, lower, upper);
 * - drift: one frame with a row per job.
 */
import {
  AnnotationEvent,
  createDataFrame,
  createTheme,
  DataFrame,
  DataTopic,
  FieldColorModeId,
  FieldConfig,
  FieldType,
} from '@grafana/data';

import { DEFAULT_SEVERITY_COLORS } from '../constants';
import { severityOf } from '../../pkg/contract/rules';
import type { AnomalyMarker, DetectResponse } from '../types';
import type {
  AnomalyEvent,
  DriftList,
  ForecastResponse,
  ForecastSeries,
  LogAnalysis,
  LogEvent,
  SeriesResult,
  Severity,
} from '../../pkg/contract';

/** Marker of the kind of frame, in `frame.meta.custom.vigil`, so the panel can tell frames apart. */
export type VigilFrameKind =
  'series' | 'anomalies' | 'forecast' | 'drift' | 'outlier series' | 'outlier band' | 'outlier periods';

const KINDS: ReadonlySet<unknown> = new Set<VigilFrameKind>([
  'series',
  'anomalies',
  'forecast',
  'drift',
  'outlier series',
  'outlier band',
  'outlier periods',
]);

/**
 * Display name of a series from its labels: `__name__{a="1", b="2"}` (labels sorted), the metric
 * name alone when it has no other labels, `series` when it has none at all.
 */
export function seriesName(labels: Record<string, string>): string {
  const name = labels.__name__ ?? '';
  const rest = Object.keys(labels)
    .filter((k) => k !== '__name__')
    .sort()
    .map((k) => `${k}="${labels[k]}"`);
  if (rest.length === 0) return name || 'series';
  return `${name}{${rest.join(', ')}}`;
}

/** Kind of a frame produced by these transforms, or undefined for any other frame. */
export function frameKind(frame: DataFrame): VigilFrameKind | undefined {
  const kind = (frame.meta?.custom as { vigil?: unknown } | undefined)?.vigil;
  return KINDS.has(kind) ? (kind as VigilFrameKind) : undefined;
}

const hiddenFromLegend = { legend: true, tooltip: false, viz: false };

let classic: string[] | undefined;
/**
 * Grafana's classic palette (colour names such as `green`, `semi-dark-yellow`, `blue`, resolved by each theme), the
 * colours Grafana's panels give series by default.
 */
export function classicPalette(): string[] {
  classic ??= createTheme().visualization.palette;
  return classic;
}

/** A fixed field colour (a palette name or CSS colour, resolved through the theme by Grafana). */
/** A field colour fixed to `color` (a palette name or CSS colour). */
export const fixedColor = (color: string) => ({ mode: FieldColorModeId.Fixed, fixedColor: color });

/**
 * One series result -> one data frame with the value, the expected value, the band, the anomaly score and the
 * anomalous points, laid out so that Grafana's own time series panel draws it right: the value, the dashed expected
 * value and the band share the series' colour; `upper` fills down to `lower` (`custom.fillBelowTo`, as Grafana's own
 * baselines do); `anomaly` holds the value at anomalous points only (null elsewhere) and is drawn as red points; the
 * 0-100 score stays out of the graph and off the axes (tooltip only). A panel's overrides still apply on top.
 *
 * @param series one `SeriesResult` (points in epoch ms; null for a missing value)
 * @param refId the query's refId
 * @param color the series' colour (a Grafana colour name such as `green`, or CSS); default the palette's first
 * @returns frame named after the series
 */
export function seriesResultToFrame(series: SeriesResult, refId: string, color = classicPalette()[0]): DataFrame {
  const name = seriesName(series.labels);
  const lowerName = `${name} lower`;
  const pts = series.points;
  const col = <K extends 'value' | 'expected' | 'lower' | 'upper' | 'score'>(k: K) => pts.map((p) => p[k]);
  const cfg = (displayNameFromDS: string, extra: FieldConfig = {}): FieldConfig => ({ displayNameFromDS, ...extra });
  const own = fixedColor(color);
  return createDataFrame({
    name,
    refId,
    meta: { custom: { vigil: 'series', labels: series.labels, intervalMs: series.intervalMs } },
    fields: [
      { name: 'time', type: FieldType.time, values: pts.map((p) => p.t), config: { interval: series.intervalMs } },
      {
        name: 'value',
        type: FieldType.number,
        values: col('value'),
        labels: series.labels,
        config: cfg(name, { color: own }),
      },
      {
        name: 'expected',
        type: FieldType.number,
        values: col('expected'),
        config: cfg(`${name} expected`, {
          color: own,
          custom: { lineStyle: { fill: 'dash', dash: [4, 4] }, lineWidth: 1, hideFrom: hiddenFromLegend },
        }),
      },
      {
        name: 'lower',
        type: FieldType.number,
        values: col('lower'),
        config: cfg(lowerName, {
          color: own,
          custom: { lineWidth: 0, fillOpacity: 0, showPoints: 'never', hideFrom: hiddenFromLegend },
        }),
      },
      {
        name: 'upper',
        type: FieldType.number,
        values: col('upper'),
        config: cfg(`${name} upper`, {
          color: own,
          custom: {
            lineWidth: 0,
            fillOpacity: 20,
            fillBelowTo: lowerName,
            showPoints: 'never',
            hideFrom: hiddenFromLegend,
          },
        }),
      },
      {
        name: 'anomaly score',
        type: FieldType.number,
        values: col('score'),
        config: cfg(`${name} anomaly score`, {
          min: 0,
          max: 100,
          custom: { axisPlacement: 'hidden', hideFrom: { legend: true, tooltip: false, viz: true } },
        }),
      },
      {
        name: 'anomaly',
        type: FieldType.number,
        values: pts.map((p) => (p.anomaly ? p.value : null)),
        config: cfg(`${name} anomalies`, {
          color: fixedColor('red'),
          custom: {
            drawStyle: 'points',
            showPoints: 'always',
            pointSize: 9,
            lineWidth: 0,
            hideFrom: { legend: false, tooltip: true, viz: false },
          },
        }),
      },
    ],
  });
}

/** `Critical anomaly (score 87)`: the annotation title. */
export function eventTitle(event: Pick<AnomalyEvent, 'severity' | 'score'>): string {
  const sev = event.severity.charAt(0).toUpperCase() + event.severity.slice(1);
  return `${sev} anomaly (score ${Math.round(event.score)})`;
}

/** Format a number for people: up to 4 significant digits, `n/a` for missing. */
export function formatValue(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return 'n/a';
  if (v !== 0 && (Math.abs(v) >= 1e6 || Math.abs(v) < 1e-3)) return v.toExponential(2);
  return String(Number(v.toPrecision(4)));
}

/**
 * The annotation text: the series, which detectors voted (with their 0-100 scores, strongest first),
 * expected vs actual and the engine's explanation.
 */
export function eventText(event: AnomalyEvent): string {
  const votes = Object.entries(event.detectors)
    .sort((a, b) => b[1] - a[1])
    .map(([d, s]) => `${d} ${Math.round(s)}`)
    .join(', ');
  const parts = [
    `${seriesName(event.labels)}`,
    `Detectors: ${votes || 'none'}`,
    `Expected ${formatValue(event.expected)}, actual ${formatValue(event.actual)} (${event.direction})`,
  ];
  if (event.explanation) parts.push(event.explanation);
  return parts.join('\n');
}

/** Annotation tags: `vigil`, the severity, the job (when known) and the series' labels as `name=value`. */
export function eventTags(event: AnomalyMarker): string[] {
  const tags = ['vigil', event.severity];
  if (event.jobId) tags.push(`job=${event.jobId}`);
  for (const k of Object.keys(event.labels).sort()) tags.push(`${k}=${event.labels[k]}`);
  return tags;
}

/**
 * Anomaly events -> one annotation frame (`meta.dataTopic: 'annotations'`): regions from `start` to
 * `end`, coloured by severity; Grafana draws it on every panel of the dashboard, and the Vigil panel
 * draws its markers from it.
 *
 * @param events events in any order (sorted by start in the frame)
 * @param refId the query's refId
 * @param colors colour per severity (Grafana colour names or CSS colours)
 */
export function eventsToAnnotationFrame(
  events: AnomalyMarker[],
  refId: string,
  colors: Record<Severity, string> = DEFAULT_SEVERITY_COLORS
): DataFrame {
  const ev = [...events].sort((a, b) => a.start - b.start || a.end - b.end);
  return createDataFrame({
    name: 'anomalies',
    refId,
    meta: { dataTopic: DataTopic.Annotations, custom: { vigil: 'anomalies' } },
    fields: [
      { name: 'time', type: FieldType.time, values: ev.map((e) => e.start) },
      { name: 'timeEnd', type: FieldType.time, values: ev.map((e) => e.end) },
      { name: 'title', type: FieldType.string, values: ev.map(eventTitle) },
      { name: 'text', type: FieldType.string, values: ev.map(eventText) },
      { name: 'tags', type: FieldType.other, values: ev.map(eventTags) },
      { name: 'color', type: FieldType.string, values: ev.map((e) => colors[e.severity]) },
      { name: 'isRegion', type: FieldType.boolean, values: ev.map((e) => e.end > e.start) },
      { name: 'id', type: FieldType.string, values: ev.map((e) => e.id ?? '') },
      { name: 'severity', type: FieldType.string, values: ev.map((e) => e.severity) },
      { name: 'score', type: FieldType.number, values: ev.map((e) => e.score) },
      { name: 'peak', type: FieldType.time, values: ev.map((e) => e.peak) },
      { name: 'expected', type: FieldType.number, values: ev.map((e) => e.expected) },
      { name: 'actual', type: FieldType.number, values: ev.map((e) => e.actual) },
      { name: 'direction', type: FieldType.string, values: ev.map((e) => e.direction) },
      { name: 'confidence', type: FieldType.number, values: ev.map((e) => e.confidence) },
      { name: 'detectors', type: FieldType.other, values: ev.map((e) => e.detectors) },
      { name: 'labels', type: FieldType.other, values: ev.map((e) => e.labels) },
      { name: 'feedback', type: FieldType.string, values: ev.map((e) => e.feedback?.verdict ?? '') },
    ],
  });
}

/**
 * One forecast series -> a frame `time`, `forecast`, `forecast lower`, `forecast upper` (the band
 * filled between them), drawn dashed by Grafana's time series panel.
 */
export function forecastSeriesToFrame(series: ForecastSeries, refId: string, color = classicPalette()[0]): DataFrame {
  const name = `${seriesName(series.labels)} forecast`;
  const lowerName = `${name} lower`;
  const dashed = { lineStyle: { fill: 'dash', dash: [10, 6] } };
  const own = fixedColor(color);
  return createDataFrame({
    name,
    refId,
    meta: { custom: { vigil: 'forecast', labels: series.labels } },
    fields: [
      { name: 'time', type: FieldType.time, values: series.points.map((p) => p.t) },
      {
        name: 'forecast',
        type: FieldType.number,
        values: series.points.map((p) => p.mean),
        labels: series.labels,
        config: { displayNameFromDS: name, color: own, custom: dashed },
      },
      {
        name: 'forecast lower',
        type: FieldType.number,
        values: series.points.map((p) => p.lower),
        config: {
          displayNameFromDS: lowerName,
          color: own,
          custom: { lineWidth: 0, showPoints: 'never', hideFrom: hiddenFromLegend },
        },
      },
      {
        name: 'forecast upper',
        type: FieldType.number,
        values: series.points.map((p) => p.upper),
        config: {
          displayNameFromDS: `${name} upper`,
          color: own,
          custom: {
            lineWidth: 0,
            fillOpacity: 15,
            fillBelowTo: lowerName,
            showPoints: 'never',
            hideFrom: hiddenFromLegend,
          },
        },
      },
    ],
  });
}

/** A forecast response -> one frame per series, coloured as `detectionToFrames` colours the same series. */
export function forecastToFrames(resp: ForecastResponse, refId: string, palette = classicPalette()): DataFrame[] {
  return (resp.series ?? []).map((s, i) => forecastSeriesToFrame(s, refId, palette[i % palette.length]));
}

/**
 * A detection result (ad-hoc or a job's results) -> series frames (the i-th series in the palette's i-th colour),
 * then the annotation frame, then forecast frames when the response carries them.
 */
export function detectionToFrames(resp: DetectResponse, refId: string, palette = classicPalette()): DataFrame[] {
  const color = (i: number) => palette[i % palette.length];
  const frames = (resp.series ?? []).map((s, i) => seriesResultToFrame(s, refId, color(i)));
  frames.push(eventsToAnnotationFrame(resp.anomalies ?? [], refId));
  (resp.forecast ?? []).forEach((f, i) => frames.push(forecastSeriesToFrame(f, refId, color(i))));
  return frames;
}

/** Drift status of jobs -> one frame with a row per job (`drifting` boolean, `p-value`, `state` text). */
export function driftToFrame(
  resp: { jobs: Array<Omit<DriftList['jobs'][number], 'labels'>> },
  refId: string
): DataFrame {
  const jobs = resp.jobs ?? [];
  return createDataFrame({
    name: 'drift',
    refId,
    meta: { custom: { vigil: 'drift' } },
    fields: [
      { name: 'job', type: FieldType.string, values: jobs.map((j) => j.name) },
      { name: 'jobId', type: FieldType.string, values: jobs.map((j) => j.jobId) },
      { name: 'state', type: FieldType.string, values: jobs.map((j) => (j.drifting ? 'drifting' : 'ok')) },
      { name: 'drifting', type: FieldType.boolean, values: jobs.map((j) => j.drifting) },
      {
        name: 'p-value',
        type: FieldType.number,
        values: jobs.map((j) => j.pValue),
        config: { decimals: 4 },
      },
      { name: 'statistic', type: FieldType.number, values: jobs.map((j) => j.statistic) },
      { name: 'checked', type: FieldType.time, values: jobs.map((j) => j.checkedAt) },
    ],
  });
}

/** The annotation explanation of a log event: the engine's explanation and its example lines. */
export function logEventExplanation(e: LogEvent): string {
  const lines = e.examples.map((x) => `  ${x.message.length > 200 ? `${x.message.slice(0, 199)}…` : x.message}`);
  return lines.length ? `${e.explanation}\nExample lines:\n${lines.join('\n')}` : e.explanation;
}

/**
 * A log analysis -> one frame per template (its lines per interval, named after the template), then the annotation
 * frame of the log anomalies and rule hits (with their example lines in the text).
 */
export function logAnalysisToFrames(resp: LogAnalysis, refId: string): DataFrame[] {
  const frames = (resp.series ?? []).map((s) => {
    const id = s.labels.template_id ?? '';
    const name = `${id}: ${s.template.length > 80 ? `${s.template.slice(0, 79)}…` : s.template}`;
    return createDataFrame({
      name,
      refId,
      meta: { custom: { vigil: 'series', labels: s.labels } },
      fields: [
        { name: 'time', type: FieldType.time, values: s.points.map((p) => p.t) },
        {
          name: 'value',
          type: FieldType.number,
          values: s.points.map((p) => p.value),
          labels: s.labels,
          config: { displayNameFromDS: name, unit: 'short' },
        },
      ],
    });
  });
  const events: AnomalyMarker[] = [...(resp.events ?? []), ...(resp.ruleEvents ?? [])].map((e) => ({
    ...e,
    explanation: logEventExplanation(e),
  }));
  frames.push(eventsToAnnotationFrame(events, refId));
  return frames;
}

/** The templates of a log analysis -> one table frame: id, template, lines, first and last seen. */
export function logTemplatesToFrame(resp: Pick<LogAnalysis, 'templates'>, refId: string): DataFrame {
  const t = resp.templates ?? [];
  return createDataFrame({
    name: 'templates',
    refId,
    meta: { custom: { vigil: 'templates' }, preferredVisualisationType: 'table' },
    fields: [
      { name: 'id', type: FieldType.string, values: t.map((x) => x.id) },
      { name: 'template', type: FieldType.string, values: t.map((x) => x.template) },
      { name: 'lines', type: FieldType.number, values: t.map((x) => x.count) },
      { name: 'first seen', type: FieldType.time, values: t.map((x) => x.firstSeen ?? null) },
      { name: 'last seen', type: FieldType.time, values: t.map((x) => x.lastSeen ?? null) },
    ],
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Reading frames back (the panel): the inverse of the transforms above, tolerant of frames that went
// through Grafana's transformations (field order may change, fields are found by name).

/** One anomaly marker as the panel draws it. */
export interface MarkerEvent {
  id: string;
  start: number;
  end: number;
  peak: number;
  severity: Severity;
  score: number;
  expected: number;
  actual: number;
  direction: string;
  confidence: number;
  detectors: Record<string, number>;
  labels: Record<string, string>;
  feedback: string;
  title: string;
  /** refId of the query whose frame held the event (set by the panel) */
  refId?: string;
}

function values(frame: DataFrame, name: string): unknown[] | undefined {
  const f = frame.fields.find((x) => x.name === name);
  return f ? Array.from(f.values as ArrayLike<unknown>) : undefined;
}

const num = (v: unknown): number => (typeof v === 'number' ? v : v === null || v === undefined ? NaN : Number(v));

/** Read the anomaly events back from an annotation frame made by `eventsToAnnotationFrame`. */
export function frameToEvents(frame: DataFrame): MarkerEvent[] {
  const time = values(frame, 'time') ?? [];
  const get = (n: string) => values(frame, n) ?? [];
  const [end, peak, sev, score, exp, act, dir, conf, det, lab, fb, id, title] = [
    get('timeEnd'),
    get('peak'),
    get('severity'),
    get('score'),
    get('expected'),
    get('actual'),
    get('direction'),
    get('confidence'),
    get('detectors'),
    get('labels'),
    get('feedback'),
    get('id'),
    get('title'),
  ];
  return time.map((t, i) => {
    const s = num(score[i]);
    const severity = (sev[i] as Severity | undefined) ?? severityOf(s);
    return {
      id: String(id[i] ?? ''),
      start: num(t),
      end: end[i] === undefined ? num(t) : num(end[i]),
      peak: peak[i] === undefined ? num(t) : num(peak[i]),
      severity,
      score: s,
      expected: num(exp[i]),
      actual: num(act[i]),
      direction: String(dir[i] ?? ''),
      confidence: num(conf[i]),
      detectors: (det[i] as Record<string, number> | undefined) ?? {},
      labels: (lab[i] as Record<string, string> | undefined) ?? {},
      feedback: String(fb[i] ?? ''),
      title: String(title[i] ?? ''),
    };
  });
}

/**
 * The anomaly frames (and the outlying periods of peer-group outlier queries) among a query's frames -> dashboard
 * annotation events (regions from start to end, title with the severity, text with the votes and expected value,
 * tags). Series, forecast and drift frames are left out, so an annotation query never turns data points into
 * annotations.
 */
export function annotationFramesToEvents(frames: DataFrame[]): AnnotationEvent[] {
  const out: AnnotationEvent[] = [];
  for (const frame of frames) {
    const kind = frameKind(frame);
    if (kind !== 'anomalies' && kind !== 'outlier periods') continue;
    const col = (n: string) => values(frame, n) ?? [];
    const [time, timeEnd, title, text, tags, color] = ['time', 'timeEnd', 'title', 'text', 'tags', 'color'].map(col);
    for (let i = 0; i < time.length; i++) {
      const start = num(time[i]);
      const end = timeEnd[i] === undefined ? start : num(timeEnd[i]);
      out.push({
        time: start,
        timeEnd: end,
        isRegion: end > start,
        title: String(title[i] ?? ''),
        text: String(text[i] ?? ''),
        tags: (tags[i] as string[] | undefined) ?? [],
        color: color[i] === undefined ? undefined : String(color[i]),
      });
    }
  }
  return out;
}

/** Columns of a series frame as typed arrays (NaN for missing), as the panel draws them. */
export interface SeriesColumns {
  name: string;
  labels: Record<string, string>;
  time: Float64Array;
  value: Float64Array;
  expected: Float64Array;
  lower: Float64Array;
  upper: Float64Array;
  score: Float64Array;
}

function column(frame: DataFrame, ...names: string[]): Float64Array {
  for (const n of names) {
    const v = values(frame, n);
    if (v) return Float64Array.from(v, num);
  }
  return new Float64Array(frame.length).fill(NaN);
}

/** Read a series frame (or a forecast frame, whose columns are `forecast`, `forecast lower/upper`). */
export function frameToColumns(frame: DataFrame): SeriesColumns {
  const kind = frameKind(frame);
  const labels = ((frame.meta?.custom as { labels?: Record<string, string> } | undefined)?.labels ?? {}) as Record<
    string,
    string
  >;
  const forecast = kind === 'forecast';
  return {
    name: frame.name ?? seriesName(labels),
    labels,
    time: column(frame, 'time'),
    value: forecast ? column(frame, 'forecast') : column(frame, 'value'),
    expected: forecast ? column(frame, 'forecast') : column(frame, 'expected'),
    lower: forecast ? column(frame, 'forecast lower') : column(frame, 'lower'),
    upper: forecast ? column(frame, 'forecast upper') : column(frame, 'upper'),
    score: column(frame, 'anomaly score'),
  };
}

/** Drift rows read back from a drift frame. */
export function frameToDrift(frame: DataFrame): Array<{ job: string; drifting: boolean; pValue: number }> {
  const job = values(frame, 'job') ?? [];
  const drifting = values(frame, 'drifting') ?? [];
  const p = values(frame, 'p-value') ?? [];
  return job.map((j, i) => ({ job: String(j), drifting: drifting[i] === true, pValue: num(p[i]) }));
}
