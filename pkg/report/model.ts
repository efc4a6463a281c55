import { formatLabels } from '../core/series';
import { InputError } from '../core/errors';
import { severityOf, type Severity } from '../contract/rules';
import { eventEnd, eventId } from '../incidents/build';
import { seriesName } from '../incidents/format';
import { groupIncidents } from '../incidents/group';
import type { Incident, IncidentEvent } from '../incidents/types';
import { accuracy } from './accuracy';
import { recurringPatterns } from './patterns';
import { headlineIncidents, summaryParagraphs } from './summary';
import type {
  HourBucket,
  Report,
  ReportFeature,
  ReportInput,
  ReportPeriod,
  ReportSeries,
  SeverityCounts,
  TimelineBucket,
} from './types';

const DAY = 86_400_000;
const WEEK = 7 * DAY;

/** The report periods `--period` and `period=` accept. */
export const REPORT_PERIODS: readonly ReportPeriod[] = ['1d', '1w'];

/**
 * Build a report from anomaly events (and optionally incidents, scored series and ground truth): incidents in
 * triage order, the deterministic executive summary, a timeline per day or week, incidents by hour of day (UTC),
 * recurring patterns, top contributing features and series, each detector's share, and precision/recall/F1.
 * Pure: reads no clock (`generatedAt` comes in) and does no I/O; charts and renderers work from its result.
 *
 * Only events and incidents that start in `[from, to)` count.
 *
 * @throws InputError when `from >= to`, the period is not `1d` or `1w`, or the tolerance is not 0-3
 */
export function buildReport(input: ReportInput): Report {
  if (!(Number.isFinite(input.from) && Number.isFinite(input.to) && input.from < input.to)) {
    throw new InputError(`report range: "from" must be before "to" (got ${input.from} and ${input.to})`);
  }
  if (!REPORT_PERIODS.includes(input.period)) {
    throw new InputError(`period must be one of ${REPORT_PERIODS.join(', ')}, got "${input.period}"`);
  }
  const tol = input.patternToleranceHours ?? 0;
  if (!Number.isInteger(tol) || tol < 0 || tol > 3) {
    throw new InputError(`pattern tolerance must be a whole number of hours from 0 to 3, got ${tol}`);
  }
  const inRange = (t: number) => t >= input.from && t < input.to;
  const events = input.events.filter((e) => inRange(e.start));
  const grouped = input.incidents ? [...input.incidents] : groupIncidents(events, input.jobs);
  const incidents = grouped
    .filter((i) => inRange(i.start))
    .sort((a, b) => b.triage - a.triage || a.start - b.start || a.id.localeCompare(b.id));
  const multiJob = new Set(events.map((e) => e.jobId)).size > 1;
  const qualify = (e: IncidentEvent) =>
    multiJob ? `${input.jobs[e.jobId]?.name ?? e.jobId} / ${seriesName(e.labels)}` : seriesName(e.labels);

  const bySeverity = severityCounts(incidents.map((i) => i.severity));
  const anomalousSeries = new Set(events.map((e) => `${e.jobId}|${formatLabels(e.labels)}`)).size;
  const days = Math.max(1, Math.round((input.to - input.from) / DAY));

  const base: Omit<Report, 'summary'> = {
    title: input.title,
    source: input.source,
    from: input.from,
    to: input.to,
    period: input.period,
    generatedAt: input.generatedAt,
    totals: {
      incidents: incidents.length,
      events: events.length,
      series: input.series?.length ?? anomalousSeries,
      anomalousSeries,
      days,
      bySeverity,
    },
    incidents,
    headline: headlineIncidents(incidents).map((i) => i.id),
    timeline: timeline(input.from, input.to, input.period, incidents, events),
    byHour: byHour(incidents, events),
    recurring: recurringPatterns([...events, ...notablePoints(input.series ?? [], inRange)], {
      toleranceHours: tol,
      qualify,
    }),
    hourCells: hourCells(events),
    topFeatures: features(events, incidents, (e) => e.labels.__name__ ?? 'value'),
    topSeries: features(events, incidents, qualify),
    detectors: detectorShares(events, incidents),
    ...(input.truth ? { accuracy: accuracy(incidents, input.truth) } : {}),
    patternToleranceHours: tol,
  };
  return { ...base, summary: { paragraphs: summaryParagraphs(base), by: 'figures' } };
}

/** Start of the UTC day (`1d`) or the Monday of the UTC week (`1w`) holding `t`. */
export function bucketStart(t: number, period: ReportPeriod): number {
  const day = Math.floor(t / DAY) * DAY;
  if (period === '1d') return day;
  const dow = (new Date(day).getUTCDay() + 6) % 7; // Monday 0
  return day - dow * DAY;
}

function timeline(
  from: number,
  to: number,
  period: ReportPeriod,
  incidents: readonly Incident[],
  events: readonly IncidentEvent[]
): TimelineBucket[] {
  const step = period === '1d' ? DAY : WEEK;
  const out: TimelineBucket[] = [];
  const index = new Map<number, TimelineBucket>();
  for (let s = bucketStart(from, period); s < to; s += step) {
    const iso = new Date(s).toISOString().slice(0, 10);
    const b: TimelineBucket = {
      start: s,
      label: period === '1d' ? iso : `week of ${iso}`,
      incidents: 0,
      events: 0,
      bySeverity: severityCounts([]),
    };
    out.push(b);
    index.set(s, b);
  }
  for (const i of incidents) {
    const b = index.get(bucketStart(i.start, period));
    if (b) {
      b.incidents++;
      b.bySeverity[i.severity]++;
    }
  }
  for (const e of events) {
    const b = index.get(bucketStart(e.start, period));
    if (b) b.events++;
  }
  return out;
}

function byHour(incidents: readonly Incident[], events: readonly IncidentEvent[]): HourBucket[] {
  const out: HourBucket[] = Array.from({ length: 24 }, (_, hour) => ({ hour, incidents: 0, events: 0 }));
  for (const i of incidents) out[new Date(i.start).getUTCHours()].incidents++;
  for (const e of events) out[new Date(e.start).getUTCHours()].events++;
  return out;
}

function hourCells(events: readonly IncidentEvent[]): Report['hourCells'] {
  const best = new Map<number, { day: number; hour: number; score: number }>();
  for (const e of events) {
    const step = Math.max(e.intervalMs, 3_600_000);
    for (let t = e.start, n = 0; t <= e.end && n < 48; t += step, n++) {
      const hourStart = Math.floor(t / 3_600_000) * 3_600_000;
      const cur = best.get(hourStart);
      if (!cur || e.score > cur.score) {
        best.set(hourStart, {
          day: Math.floor(t / DAY) * DAY,
          hour: new Date(t).getUTCHours(),
          score: Math.round(e.score),
        });
      }
    }
  }
  return [...best.entries()].sort((a, b) => a[0] - b[0]).map(([, c]) => c);
}

/** Evidence weight of an event: score × points, as in `buildIncident`. */
function weight(e: IncidentEvent): number {
  return Math.max(e.score, 1e-6) * Math.max(1, Math.round((e.end - e.start) / e.intervalMs) + 1);
}

function features(
  events: readonly IncidentEvent[],
  incidents: readonly Incident[],
  key: (e: IncidentEvent) => string
): ReportFeature[] {
  const incidentOf = incidentIndex(incidents);
  const acc = new Map<string, { w: number; peak: number; incidents: Set<string> }>();
  let total = 0;
  for (const e of events) {
    const k = key(e);
    const a = acc.get(k) ?? { w: 0, peak: 0, incidents: new Set<string>() };
    const w = weight(e);
    a.w += w;
    total += w;
    a.peak = Math.max(a.peak, e.score);
    const inc = incidentOf.get(eventId(e));
    if (inc) a.incidents.add(inc);
    acc.set(k, a);
  }
  return [...acc.entries()]
    .map(([name, a]) => ({
      name,
      share: total > 0 ? Math.round((a.w / total) * 1000) / 1000 : 0,
      incidents: a.incidents.size,
      peakScore: Math.round(a.peak * 10) / 10,
    }))
    .sort((a, b) => b.share - a.share || a.name.localeCompare(b.name));
}

function detectorShares(events: readonly IncidentEvent[], incidents: readonly Incident[]): ReportFeature[] {
  const incidentOf = incidentIndex(incidents);
  const acc = new Map<string, { w: number; peak: number; incidents: Set<string> }>();
  let total = 0;
  for (const e of events) {
    const points = Math.max(1, Math.round((e.end - e.start) / e.intervalMs) + 1);
    for (const [d, s] of Object.entries(e.detectors)) {
      const a = acc.get(d) ?? { w: 0, peak: 0, incidents: new Set<string>() };
      a.w += s * points;
      total += s * points;
      a.peak = Math.max(a.peak, s);
      const inc = incidentOf.get(eventId(e));
      if (inc) a.incidents.add(inc);
      acc.set(d, a);
    }
  }
  return [...acc.entries()]
    .map(([name, a]) => ({
      name,
      share: total > 0 ? Math.round((a.w / total) * 1000) / 1000 : 0,
      incidents: a.incidents.size,
      peakScore: Math.round(a.peak * 10) / 10,
    }))
    .sort((a, b) => b.share - a.share || a.name.localeCompare(b.name));
}

function incidentIndex(incidents: readonly Incident[]): Map<string, string> {
  const m = new Map<string, string>();
  for (const i of incidents) for (const id of i.eventIds) m.set(id, i.id);
  return m;
}

function severityCounts(list: readonly Severity[]): SeverityCounts {
  const c: SeverityCounts = { critical: 0, major: 0, minor: 0, warning: 0 };
  for (const s of list) c[s]++;
  return c;
}

/** The events' time span `[first start, last end)`, for a report over everything a file holds. */
export function eventSpan(events: readonly IncidentEvent[]): { from: number; to: number } | undefined {
  if (events.length === 0) return undefined;
  return { from: Math.min(...events.map((e) => e.start)), to: Math.max(...events.map(eventEnd)) };
}

/** Anomaly score from which a point outside every event counts as notable (the `minor` severity band). */
export const NOTABLE_SCORE = 25;

/**
 * Points that score in the minor band or above but raised no alert (repeats within the event logic's refractory
 * window, deviations below the threshold), as one-point events: a deviation that comes back at the same hour on
 * several days is a recurring pattern even when no single day was worth an alert.
 */
function notablePoints(series: readonly ReportSeries[], inRange: (t: number) => boolean): IncidentEvent[] {
  const out: IncidentEvent[] = [];
  for (const s of series) {
    for (const p of s.points) {
      if (p.anomaly || p.score === undefined || p.score === null || p.score < NOTABLE_SCORE || !inRange(p.t)) continue;
      if (p.value === null || p.expected === null) continue;
      out.push({
        start: p.t,
        end: p.t,
        peak: p.t,
        labels: s.labels,
        severity: severityOf(p.score),
        score: p.score,
        detectors: {},
        expected: p.expected,
        actual: p.value,
        direction: p.value >= p.expected ? 'above' : 'below',
        confidence: 0,
        explanation: '',
        jobId: s.jobId,
        intervalMs: s.intervalMs,
      });
    }
  }
  return out;
}
