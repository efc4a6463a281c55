import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { formatLabels } from '../core/series';
import type { Incident } from '../incidents/types';
import type { Report, ReportSeries } from './types';
import { metricWords, seriesWords } from './words';

/** One chart of a report: a title, a caption in plain words and its Vega-Lite specification. */
export interface ChartSpec {
  id: string;
  title: string;
  caption: string;
  spec: TopLevelSpec;
}

/** A chart rendered to SVG. */
export interface RenderedChart {
  id: string;
  title: string;
  caption: string;
  svg: string;
  /** size in px (SVG user units) */
  width: number;
  height: number;
}

/** Width of a chart's plot area in px: fits an A4 page with 50 pt margins once axes are added. */
export const CHART_WIDTH = 430;

/** Severity colours, dark to light so they stay apart on a black-and-white print. */
export const SEVERITY_COLORS: Record<string, string> = {
  critical: '#7f0000',
  major: '#d7301f',
  minor: '#fc8d59',
  warning: '#bdbdbd',
};

const CONFIG = {
  font: 'Helvetica',
  background: 'white',
  view: { stroke: null },
  axis: { labelFontSize: 10, titleFontSize: 10, titleFontWeight: 'normal', gridColor: '#e6e6e6', domainColor: '#888' },
  legend: { labelFontSize: 10, titleFontSize: 10, titleFontWeight: 'normal', orient: 'top' },
  title: { fontSize: 12, anchor: 'start' },
} as const;

/** Incident windows shown around an incident: this much before and after it at least (ms). */
const CONTEXT_BEFORE = 36 * 3_600_000;
const CONTEXT_AFTER = 12 * 3_600_000;

/**
 * The report's charts as Vega-Lite specifications (pure): incidents per day or week by severity, incidents by hour
 * of day, anomaly events by day and hour (where recurring patterns show as columns), top contributing features,
 * each detector's share, and for each headline incident its main series with the expected band and the anomalous
 * points (when `series` holds them).
 */
export function chartSpecs(report: Report, series: readonly ReportSeries[] = []): ChartSpec[] {
  const out: ChartSpec[] = [];
  const unit = report.period === '1w' ? 'week' : 'day';
  // whole buckets: from the first bucket's start to the last one's end
  const step = report.period === '1w' ? 7 * 86_400_000 : 86_400_000;
  const span = [
    report.timeline[0]?.start ?? report.from,
    (report.timeline[report.timeline.length - 1]?.start ?? report.to - step) + step,
  ];
  const days = [Math.floor(report.from / 86_400_000) * 86_400_000, Math.ceil(report.to / 86_400_000) * 86_400_000];
  const timeline = report.timeline.flatMap((b) =>
    (['critical', 'major', 'minor', 'warning'] as const)
      .filter((s) => b.bySeverity[s] > 0)
      .map((s) => ({ t: b.start, severity: s, incidents: b.bySeverity[s] }))
  );
  out.push({
    id: 'timeline',
    title: `Incidents per ${unit}`,
    caption: `Each bar counts the incidents that started that ${unit}, coloured by severity.`,
    spec: {
      config: CONFIG,
      width: CHART_WIDTH,
      height: 85,
      data: { values: timeline },
      mark: { type: 'bar', width: { band: 0.9 } },
      encoding: {
        x: {
          field: 't',
          type: 'temporal',
          timeUnit: report.period === '1w' ? 'yearweek' : 'yearmonthdate',
          title: null,
          scale: { domain: span },
          axis: { format: '%d %b', labelAngle: 0, tickCount: 8 },
        },
        y: {
          field: 'incidents',
          type: 'quantitative',
          aggregate: 'sum',
          title: 'incidents',
          axis: countAxis(Math.max(0, ...report.timeline.map((b) => b.incidents))),
        },
        color: severityColor(),
        order: { field: 'severity', sort: 'descending' },
      },
    } as TopLevelSpec,
  });
  out.push({
    id: 'hours',
    title: 'Incidents by hour of day (UTC)',
    caption: 'When incidents start in the day: a tall bar is an hour that goes wrong often.',
    spec: {
      config: CONFIG,
      width: CHART_WIDTH,
      height: 75,
      data: { values: report.byHour },
      mark: { type: 'bar', color: '#4a6fa5' },
      encoding: {
        x: { field: 'hour', type: 'ordinal', title: 'hour of day (UTC)', axis: { labelAngle: 0 } },
        y: {
          field: 'incidents',
          type: 'quantitative',
          title: 'incidents',
          axis: countAxis(Math.max(0, ...report.byHour.map((b) => b.incidents))),
        },
      },
    } as TopLevelSpec,
  });
  const cells = report.hourCells;
  if (cells.length) {
    const dayCount = Math.max(1, Math.round((report.to - report.from) / 86_400_000));
    out.push({
      id: 'heatmap',
      title: 'Anomalies by day and hour (UTC)',
      caption:
        'Each square is one hour with an anomaly, darker for a higher anomaly score. Squares lined up in one column are a recurring pattern.',
      spec: {
        config: CONFIG,
        width: CHART_WIDTH,
        height: Math.min(260, Math.max(90, dayCount * 4)),
        data: { values: cells },
        mark: { type: 'rect' },
        encoding: {
          x: {
            field: 'hour',
            type: 'ordinal',
            title: 'hour of day (UTC)',
            scale: { domain: Array.from({ length: 24 }, (_, h) => h) },
            axis: { labelAngle: 0 },
          },
          y: {
            field: 'day',
            type: 'temporal',
            timeUnit: 'yearmonthdate',
            title: null,
            scale: { domain: days },
            axis: { format: '%d %b', tickCount: Math.min(10, dayCount) },
          },
          color: {
            field: 'score',
            type: 'quantitative',
            title: 'anomaly score',
            scale: { domain: [25, 100], scheme: 'reds' },
          },
        },
      } as TopLevelSpec,
    });
  }
  const features = report.topFeatures.slice(0, 8).map((f) => ({ name: metricWords(f.name), share: f.share }));
  if (features.length) {
    out.push({
      id: 'features',
      title: 'Top contributing features',
      caption: 'Share of all anomaly evidence (anomaly score times duration) each metric carried.',
      spec: barSpec(features, '#4a6fa5'),
    });
  }
  const detectors = report.detectors.map((d) => ({ name: d.name, share: d.share }));
  if (detectors.length) {
    out.push({
      id: 'detectors',
      title: "Each detector's share",
      caption: 'Share of the detector scores behind the anomalies: which methods saw them.',
      spec: barSpec(detectors, '#6a8f4e'),
    });
  }
  const byKey = new Map(series.map((s) => [`${s.jobId}|${formatLabels(s.labels)}`, s]));
  const headline = report.incidents.filter((i) => report.headline.includes(i.id));
  headline.forEach((inc, k) => {
    const spec = incidentSpec(inc, byKey);
    if (spec) {
      out.push({
        id: `incident-${k + 1}`,
        title: `Incident ${k + 1}: the series around it`,
        caption:
          'The series of the incident (line) against the expected value (dashed) and its band (grey); red points are anomalous, the shaded span is the incident.',
        spec,
      });
    }
  });
  return out;
}

/** Whole-number ticks for a count axis (0, 1, 2, ... up to `max`; at most about six). */
function countAxis(max: number) {
  const step = Math.max(1, Math.ceil(max / 5));
  const values: number[] = [];
  for (let v = 0; v <= Math.max(1, max); v += step) values.push(v);
  return { values, format: 'd' };
}

function severityColor() {
  return {
    field: 'severity',
    type: 'nominal',
    title: null,
    scale: { domain: Object.keys(SEVERITY_COLORS), range: Object.values(SEVERITY_COLORS) },
  } as const;
}

function barSpec(values: { name: string; share: number }[], color: string): TopLevelSpec {
  return {
    config: CONFIG,
    width: CHART_WIDTH - 80,
    height: Math.max(40, values.length * 20),
    data: { values },
    encoding: {
      y: { field: 'name', type: 'nominal', sort: { field: 'share', order: 'descending' }, title: null },
      x: { field: 'share', type: 'quantitative', title: 'share', axis: { format: '.0%' } },
    },
    layer: [
      { mark: { type: 'bar', color } },
      {
        mark: { type: 'text', align: 'left', dx: 3, fontSize: 10 },
        encoding: { text: { field: 'share', type: 'quantitative', format: '.0%' } },
      },
    ],
  } as TopLevelSpec;
}

function incidentSpec(inc: Incident, byKey: Map<string, ReportSeries>): TopLevelSpec | undefined {
  const from = inc.start - Math.max(CONTEXT_BEFORE, 2 * (inc.end - inc.start));
  const to = inc.end + Math.max(CONTEXT_AFTER, inc.end - inc.start);
  const rows: Record<string, unknown>[] = [];
  const names: string[] = [];
  for (const f of inc.series.slice(0, 3)) {
    const s = byKey.get(`${f.jobId ?? inc.jobs[0]?.id}|${formatLabels(f.labels ?? {})}`);
    if (!s) continue;
    const name = seriesWords(s.labels);
    names.push(name);
    for (const p of s.points) {
      if (p.t < from || p.t > to) continue;
      rows.push({
        series: name,
        t: p.t,
        value: p.value,
        expected: p.expected,
        lower: p.lower,
        upper: p.upper,
        anomaly: p.anomaly ? p.value : null,
      });
    }
  }
  if (names.length === 0) return undefined;
  const x = {
    field: 't',
    type: 'temporal',
    title: null,
    scale: { domain: [from, to] },
    axis: { format: '%d %b %H:%M', labelAngle: 0, tickCount: 6 },
  } as const;
  return {
    config: CONFIG,
    vconcat: names.map((name) => ({
      width: CHART_WIDTH,
      height: 80,
      title: { text: name, fontSize: 10, fontWeight: 'normal' },
      data: { values: rows.filter((r) => r.series === name) },
      encoding: { x },
      layer: [
        {
          data: { values: [{ t: inc.start, b: inc.end }] },
          mark: { type: 'rect', color: '#fde0dd', opacity: 0.8 },
          encoding: { x2: { field: 'b' } },
        },
        {
          mark: { type: 'area', color: '#d9d9d9', opacity: 0.7 },
          encoding: { y: { field: 'lower', type: 'quantitative', title: null }, y2: { field: 'upper' } },
        },
        {
          mark: { type: 'line', color: '#555', strokeDash: [4, 3], strokeWidth: 1 },
          encoding: { y: { field: 'expected', type: 'quantitative' } },
        },
        {
          mark: { type: 'line', color: '#1f4e79', strokeWidth: 1.5 },
          encoding: { y: { field: 'value', type: 'quantitative' } },
        },
        {
          mark: { type: 'point', color: '#c00000', filled: true, size: 30 },
          encoding: { y: { field: 'anomaly', type: 'quantitative' } },
        },
      ],
    })),
  } as unknown as TopLevelSpec;
}

/**
 * Render charts to SVG with Vega (headless, SVG renderer; no canvas needed).
 * @throws Error from Vega when a specification is invalid
 */
export async function renderCharts(specs: readonly ChartSpec[]): Promise<RenderedChart[]> {
  const out: RenderedChart[] = [];
  for (const c of specs) {
    const warnings: string[] = [];
    const view = new vega.View(vega.parse(compile(c.spec, { logger: quietLogger(warnings) }).spec), {
      renderer: 'none',
      logLevel: vega.None,
    });
    const svg = await view.toSVG();
    view.finalize();
    const m = /<svg[^>]*\swidth="([\d.]+)"[^>]*\sheight="([\d.]+)"/.exec(svg);
    out.push({
      id: c.id,
      title: c.title,
      caption: c.caption,
      svg,
      width: m ? Number(m[1]) : CHART_WIDTH,
      height: m ? Number(m[2]) : 200,
    });
  }
  return out;
}

type VegaLiteLogger = NonNullable<NonNullable<Parameters<typeof compile>[1]>['logger']>;

/** A Vega-Lite logger that keeps warnings instead of printing them (a report's stderr stays clean). */
function quietLogger(into: string[]): VegaLiteLogger {
  let level = 0;
  const logger = {
    level(l?: number) {
      if (l === undefined) return level;
      level = l;
      return logger;
    },
    warn(...args: unknown[]) {
      into.push(args.map(String).join(' '));
      return logger;
    },
    info: () => logger,
    debug: () => logger,
    error(...args: unknown[]): never {
      throw new Error(`chart: ${args.map(String).join(' ')}`);
    },
  };
  return logger as VegaLiteLogger;
}
