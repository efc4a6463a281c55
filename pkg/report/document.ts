import { formatDuration, formatNumber, formatTime, joinWords } from '../incidents/format';
import type { Incident } from '../incidents/types';
import type { RenderedChart } from './charts';
import { incidentHeadline, incidentWhen } from './summary';
import type { Report } from './types';
import { dayWords, metricWords, percent, seriesWords } from './words';

/** A column of a table block; `width` is a share of the line (0-1). */
export interface Column {
  title: string;
  width?: number;
  align?: 'left' | 'right';
}

/** The pieces of a report page, shared by the Markdown, HTML and PDF renderers. */
export type Block =
  | { type: 'title'; text: string; subtitle: string }
  | { type: 'heading'; text: string; level: 2 | 3 }
  | { type: 'paragraph'; text: string }
  | { type: 'note'; text: string }
  | { type: 'figures'; items: { label: string; value: string; color?: string }[] }
  | { type: 'facts'; items: { label: string; value: string; link?: string }[] }
  | { type: 'table'; columns: Column[]; rows: string[][] }
  /** `fallback`: the same figures as a table, for outputs without images (Markdown without chart files) */
  | { type: 'chart'; chart: RenderedChart; fallback?: { columns: Column[]; rows: string[][] } }
  | { type: 'pagebreak' };

/** Most incidents the full table lists (the rest are counted in a note). */
export const MAX_TABLE_INCIDENTS = 60;

/**
 * Lay a report out as blocks, in reading order: title; key figures; executive summary; the incidents that stand
 * out, each with its facts, example points and chart; the timeline, hours and day-by-hour charts; recurring
 * patterns; contributing features and detectors; accuracy; the table of all incidents.
 *
 * @param charts rendered charts by id (see `chartSpecs`/`renderCharts`); missing ones are left out
 */
export function reportDocument(report: Report, charts: readonly RenderedChart[] = []): Block[] {
  const chart = (id: string, fallback?: { columns: Column[]; rows: string[][] }): Block[] => {
    const c = charts.find((x) => x.id === id);
    if (c) return [{ type: 'chart', chart: c, ...(fallback ? { fallback } : {}) }];
    return fallback ? [{ type: 'table', ...fallback }] : [];
  };
  const b: Block[] = [];
  const singleJob = new Set(report.incidents.flatMap((i) => i.jobs.map((j) => j.id))).size <= 1;
  const periodWord = report.period === '1w' ? 'weekly' : 'daily';
  b.push({
    type: 'title',
    text: report.title,
    subtitle: `${report.source} · ${dayWords(report.from)} to ${dayWords(report.to - 1)} (UTC) · ${periodWord} summary · generated ${formatTime(report.generatedAt)} UTC`,
  });
  const sev = report.totals.bySeverity;
  b.push({
    type: 'figures',
    items: [
      { label: 'incidents', value: String(report.totals.incidents) },
      { label: 'critical', value: String(sev.critical), color: '#7f0000' },
      { label: 'major', value: String(sev.major), color: '#d7301f' },
      { label: 'minor', value: String(sev.minor), color: '#e0703a' },
      { label: 'anomaly events', value: String(report.totals.events) },
      { label: 'series', value: String(report.totals.series) },
      { label: 'days', value: String(report.totals.days) },
    ],
  });
  b.push({ type: 'heading', text: 'Summary', level: 2 });
  for (const p of report.summary.paragraphs) b.push({ type: 'paragraph', text: p });
  if (report.summary.by === 'model') {
    b.push({
      type: 'note',
      text: `Summary rewritten by ${report.summary.model ?? 'a language model'} from the figures.`,
    });
  }
  b.push({ type: 'heading', text: 'When incidents happen', level: 2 });
  const unit = report.period === '1w' ? 'week' : 'day';
  b.push(
    ...chart('timeline', {
      columns: [
        { title: unit, width: 0.28 },
        { title: 'incidents', width: 0.18, align: 'right' },
        { title: 'critical', width: 0.18, align: 'right' },
        { title: 'major', width: 0.18, align: 'right' },
        { title: 'minor', width: 0.18, align: 'right' },
      ],
      rows: report.timeline
        .filter((t) => t.incidents > 0)
        .map((t) => [
          t.label,
          String(t.incidents),
          String(t.bySeverity.critical),
          String(t.bySeverity.major),
          String(t.bySeverity.minor),
        ]),
    })
  );
  const busyHours = report.byHour.filter((h) => h.incidents > 0);
  b.push(
    ...chart('hours', {
      columns: busyHours.map((h) => ({ title: `${String(h.hour).padStart(2, '0')}:00`, align: 'right' as const })),
      rows: [busyHours.map((h) => String(h.incidents))],
    })
  );

  const headline = report.incidents.filter((i) => report.headline.includes(i.id));
  if (headline.length) {
    b.push({ type: 'pagebreak' });
    b.push({
      type: 'heading',
      text: headline.length === 1 ? 'The incident that stands out' : 'Incidents that stand out',
      level: 2,
    });
    headline.forEach((inc, k) => {
      b.push({ type: 'heading', text: `${k + 1}. ${incidentHeadline(inc)}`, level: 3 });
      b.push({ type: 'facts', items: incidentFacts(inc) });
      b.push(...chart(`incident-${k + 1}`));
      b.push({
        type: 'table',
        columns: [
          { title: 'peak (UTC)', width: 0.22 },
          { title: 'series', width: 0.38 },
          { title: 'actual', width: 0.14, align: 'right' },
          { title: 'expected', width: 0.14, align: 'right' },
          { title: 'score', width: 0.12, align: 'right' },
        ],
        rows: inc.examples.map((e) => [
          formatTime(e.t),
          seriesWords(e.labels),
          formatNumber(e.actual),
          formatNumber(e.expected),
          String(Math.round(e.score)),
        ]),
      });
    });
  }

  b.push({ type: 'heading', text: 'Recurring patterns', level: 2 });
  if (report.recurring.length) {
    b.push({
      type: 'paragraph',
      text: `The same feature anomalous in the same direction at the same hour of day on two or more days${
        report.patternToleranceHours
          ? ` (hours within ${report.patternToleranceHours} of each other count as the same)`
          : ''
      }.`,
    });
    b.push({
      type: 'table',
      columns: [
        { title: 'feature', width: 0.3 },
        { title: 'hours', width: 0.2 },
        { title: 'direction', width: 0.12 },
        { title: 'days', width: 0.38 },
      ],
      rows: report.recurring.map((p) => [
        metricWords(p.feature),
        p.hourLabel,
        p.direction === 'above' ? 'high' : 'low',
        `${p.days.length}: ${p.days.join(', ')}`,
      ]),
    });
  } else {
    b.push({
      type: 'paragraph',
      text: 'None: no feature was anomalous in the same direction at the same hour of day on two or more days.',
    });
  }

  b.push(...chart('heatmap'));

  b.push({ type: 'heading', text: 'What the anomalies were made of', level: 2 });
  b.push(
    ...chart('features', {
      columns: [
        { title: 'metric', width: 0.52 },
        { title: 'share', width: 0.16, align: 'right' },
        { title: 'incidents', width: 0.16, align: 'right' },
        { title: 'peak score', width: 0.16, align: 'right' },
      ],
      rows: report.topFeatures.map((f) => [
        metricWords(f.name),
        percent(f.share),
        String(f.incidents),
        String(Math.round(f.peakScore)),
      ]),
    })
  );
  if (report.topSeries.length) {
    b.push({
      type: 'table',
      columns: [
        { title: 'series', width: 0.52 },
        { title: 'share', width: 0.16, align: 'right' },
        { title: 'incidents', width: 0.16, align: 'right' },
        { title: 'peak score', width: 0.16, align: 'right' },
      ],
      rows: report.topSeries
        .slice(0, 10)
        .map((f) => [f.name, percent(f.share), String(f.incidents), String(Math.round(f.peakScore))]),
    });
  }
  b.push(
    ...chart('detectors', {
      columns: [
        { title: 'detector', width: 0.52 },
        { title: 'share', width: 0.16, align: 'right' },
        { title: 'incidents', width: 0.16, align: 'right' },
        { title: 'peak score', width: 0.16, align: 'right' },
      ],
      rows: report.detectors.map((d) => [
        d.name,
        percent(d.share),
        String(d.incidents),
        String(Math.round(d.peakScore)),
      ]),
    })
  );

  if (report.accuracy) {
    const a = report.accuracy;
    b.push({ type: 'heading', text: 'Accuracy against known incidents', level: 2 });
    const fmt = (x: number | null) => (x === null ? 'n/a' : x.toFixed(2));
    b.push({
      type: 'facts',
      items: [
        { label: 'ground truth', value: a.source },
        ...(a.windows !== undefined
          ? [{ label: 'known windows found', value: `${a.windowsFound} of ${a.windows}` }]
          : [{ label: 'incidents without a verdict', value: String(a.unjudged ?? 0) }]),
        { label: 'true / false positives', value: `${a.truePositives} / ${a.falsePositives}` },
        { label: 'precision', value: fmt(a.precision) },
        { label: 'recall', value: a.recall === null ? 'n/a (feedback cannot show misses)' : fmt(a.recall) },
        { label: 'F1', value: fmt(a.f1) },
      ],
    });
  }

  b.push({ type: 'heading', text: 'All incidents', level: 2 });
  if (report.incidents.length === 0) {
    b.push({ type: 'paragraph', text: 'No incidents in this period.' });
  } else {
    const list = report.incidents.slice(0, MAX_TABLE_INCIDENTS);
    b.push({
      type: 'table',
      columns: [
        { title: 'start (UTC)', width: 0.19 },
        { title: 'duration', width: 0.1 },
        { title: 'severity', width: 0.1 },
        { title: 'triage', width: 0.08, align: 'right' },
        { title: 'what happened', width: 0.53 },
      ],
      rows: list.map((i) => [
        formatTime(i.start),
        formatDuration(i.end - i.start),
        i.severity,
        i.triage.toFixed(2),
        singleJob ? i.title.replace(/^[^:]+: /, '') : i.title,
      ]),
    });
    if (report.incidents.length > list.length) {
      b.push({
        type: 'note',
        text: `${report.incidents.length - list.length} more incidents with lower triage scores are in the JSON report.`,
      });
    }
  }
  b.push({
    type: 'note',
    text:
      'Triage score (0-1): peak anomaly score 40%, agreeing series 20%, agreeing detectors 15%, duration 10%, ' +
      'asset criticality 15%. Severity: the anomaly score band (75+ critical, 50+ major, 25+ minor) moved by the asset criticality. Times are UTC.',
  });
  return b;
}

/** The facts listed for one incident. */
export function incidentFacts(inc: Incident): { label: string; value: string; link?: string }[] {
  const items: { label: string; value: string; link?: string }[] = [
    { label: 'when', value: `${incidentWhen(inc)}, ${formatDuration(inc.end - inc.start)}` },
    {
      label: 'severity',
      value: `${inc.severity} (peak anomaly score ${Math.round(inc.peakScore)}, ${inc.criticality} criticality)`,
    },
    {
      label: 'triage',
      value: `${inc.triage.toFixed(2)} (from anomaly score ${inc.triageParts.score.toFixed(2)}, agreeing series ${inc.triageParts.series.toFixed(2)}, agreeing detectors ${inc.triageParts.detectors.toFixed(2)}, duration ${inc.triageParts.duration.toFixed(2)}, criticality ${inc.triageParts.criticality.toFixed(2)})`,
    },
    { label: 'what', value: inc.title },
    {
      label: 'series',
      value: joinWords(inc.series.slice(0, 6).map((s) => `${s.name} ${percent(s.share)}`)),
    },
    {
      label: 'detectors',
      value: joinWords(inc.detectors.slice(0, 6).map((d) => `${d.name} ${percent(d.share)}`)),
    },
  ];
  if (inc.jobs.length > 1) items.push({ label: 'jobs', value: joinWords(inc.jobs.map((j) => j.name)) });
  if (inc.runbookUrl) items.push({ label: 'runbook', value: inc.runbookUrl, link: inc.runbookUrl });
  return items;
}
