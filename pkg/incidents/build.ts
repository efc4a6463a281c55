import { createHash } from 'node:crypto';
import { formatLabels, type Labels } from '../core/series';
import { formatDuration, formatNumber, formatTime, joinWords, metricName, seriesName } from './format';
import { incidentSeverity, maxCriticality, triageScore } from './triage';
import type {
  ContributingFeature,
  Criticality,
  ExamplePoint,
  Incident,
  IncidentEvent,
  IncidentJob,
  IncidentKind,
  IncidentStatus,
} from './types';

/** Most example points an incident lists. */
export const MAX_EXAMPLES = 5;

/** The id of an event: its stored id, else `job|{labels}|start`. */
export function eventId(e: IncidentEvent): string {
  return e.id ?? `${e.jobId}|${formatLabels(e.labels)}|${e.start}`;
}

/** End of the interval of an event's last anomalous point (exclusive), epoch ms. */
export function eventEnd(e: IncidentEvent): number {
  return e.end + e.intervalMs;
}

/** A stable incident id from the id of its first event: `inc_` and 16 hex digits (SHA-256). */
export function incidentId(firstEvent: IncidentEvent): string {
  return `inc_${createHash('sha256').update(eventId(firstEvent)).digest('hex').slice(0, 16)}`;
}

/** Lifecycle fields of an incident that `buildIncident` does not derive from its events. */
export interface IncidentMeta {
  id: string;
  status: IncidentStatus;
  openedAt: number;
  updatedAt: number;
  resolvedAt?: number;
}

/** Words that mark a metric as counting failures, for `incidentKind`. */
const ERROR_METRIC = /error|fail|5xx|exception|timeout|reject/i;

/**
 * Everything an incident shows, derived from its events: time span, triage score and parts, severity,
 * criticality, contributing series/metrics/detectors with their shares, example points, title and summary, jobs,
 * shared labels, runbook URL and Grafana dashboard.
 *
 * Shares: each event weighs `score × points` (points = its length in intervals); a series' or metric's share is
 * its events' weight over the total; a detector's share is its score at each event's peak times the event's
 * points, over the sum for all detectors.
 *
 * @param events at least one event (not mutated)
 * @param jobs the jobs by id (a job missing here counts as `medium` and is named by its id)
 * @throws RangeError when `events` is empty
 */
export function buildIncident(
  events: readonly IncidentEvent[],
  jobs: ReadonlyMap<string, IncidentJob> | Record<string, IncidentJob>,
  meta: IncidentMeta
): Incident {
  if (events.length === 0) throw new RangeError('an incident needs at least one event');
  const jobOf = (id: string): IncidentJob | undefined =>
    jobs instanceof Map ? jobs.get(id) : (jobs as Record<string, IncidentJob>)[id];
  const sorted = [...events].sort((a, b) => a.start - b.start || b.score - a.score);
  const shared = sharedLabels(sorted);
  /** a series named without the labels every event shares (they are the incident's `labels`) */
  const nameOf = (labels: Labels) =>
    seriesName(Object.fromEntries(Object.entries(labels).filter(([k]) => k === '__name__' || !(k in shared))));
  const start = sorted[0].start;
  const end = Math.max(...sorted.map(eventEnd));

  const jobIds: string[] = [];
  for (const e of sorted) if (!jobIds.includes(e.jobId)) jobIds.push(e.jobId);
  let criticality: Criticality = jobOf(jobIds[0])?.criticality ?? 'medium';
  for (const id of jobIds) criticality = maxCriticality(criticality, jobOf(id)?.criticality ?? 'medium');
  const byCriticality = jobIds
    .map((id) => jobOf(id))
    .filter((j): j is IncidentJob => j !== undefined)
    .sort((a, b) => rankOf(b.criticality) - rankOf(a.criticality));
  const runbookUrl = byCriticality.find((j) => j.runbookUrl)?.runbookUrl;
  const dashboardJob = byCriticality.find((j) => j.dashboardUid);

  // contributing series, metrics and detectors
  const seriesW = new Map<string, { w: number; f: ContributingFeature }>();
  const metricW = new Map<string, { w: number; f: ContributingFeature }>();
  const detectorW = new Map<string, { w: number; peak: number }>();
  let total = 0;
  let confNum = 0;
  let confDen = 0;
  let peakScore = 0;
  for (const e of sorted) {
    const points = Math.max(1, Math.round((e.end - e.start) / e.intervalMs) + 1);
    const w = Math.max(e.score, 1e-6) * points;
    total += w;
    confNum += e.confidence * Math.max(e.score, 1e-6);
    confDen += Math.max(e.score, 1e-6);
    peakScore = Math.max(peakScore, e.score);
    const sKey = `${e.jobId}|${formatLabels(e.labels)}`;
    add(seriesW, sKey, w, e, () => ({
      name: jobIds.length > 1 ? `${jobName(e.jobId)} / ${nameOf(e.labels)}` : nameOf(e.labels),
      share: 0,
      peakScore: 0,
      labels: { ...e.labels },
      jobId: e.jobId,
      direction: e.direction,
    }));
    add(metricW, metricName(e.labels), w, e, () => ({
      name: metricName(e.labels),
      share: 0,
      peakScore: 0,
      direction: e.direction,
    }));
    for (const [d, score] of Object.entries(e.detectors)) {
      const cur = detectorW.get(d) ?? { w: 0, peak: 0 };
      cur.w += score * points;
      cur.peak = Math.max(cur.peak, score);
      detectorW.set(d, cur);
    }
  }
  const shares = (m: Map<string, { w: number; f: ContributingFeature }>) =>
    [...m.values()]
      .map(({ w, f }) => ({ ...f, share: r3(w / total) }))
      .sort((a, b) => b.share - a.share || b.peakScore - a.peakScore || a.name.localeCompare(b.name));
  const series = shares(seriesW);
  const metrics = shares(metricW);
  const detTotal = [...detectorW.values()].reduce((s, d) => s + d.w, 0);
  const detectors: ContributingFeature[] = [...detectorW.entries()]
    .map(([name, d]) => ({ name, share: detTotal > 0 ? r3(d.w / detTotal) : 0, peakScore: r1(d.peak) }))
    .sort((a, b) => b.share - a.share || a.name.localeCompare(b.name));

  const examples: ExamplePoint[] = [...sorted]
    .sort((a, b) => b.score - a.score || a.peak - b.peak)
    .slice(0, MAX_EXAMPLES)
    .map((e) => ({
      t: e.peak,
      jobId: e.jobId,
      series: nameOf(e.labels),
      labels: { ...e.labels },
      actual: e.actual,
      expected: e.expected,
      score: e.score,
      direction: e.direction,
    }));

  const { triage, parts } = triageScore({
    peakScore,
    seriesCount: seriesW.size,
    confidence: confDen > 0 ? confNum / confDen : 0,
    durationMs: end - start,
    criticality,
  });
  const severity = incidentSeverity(peakScore, criticality);
  const kind = incidentKind(sorted);
  const jobNames = jobIds.map(jobName);
  const title = `${joinWords(jobNames)}: ${headline(kind, sorted, nameOf)}`;
  const summary =
    `${formatTime(start)} to ${formatTime(end)} UTC (${formatDuration(end - start)}): ${figures(sorted, nameOf)}; ` +
    `seen by ${joinWords(detectors.slice(0, 5).map((d) => d.name)) || 'no detector above 50'}. ` +
    `Triage ${triage.toFixed(2)}, ${severity}${criticality !== 'medium' ? ` (${criticality} asset)` : ''}.`;

  return {
    id: meta.id,
    status: meta.status,
    title,
    summary,
    kind,
    start,
    end,
    openedAt: meta.openedAt,
    updatedAt: meta.updatedAt,
    ...(meta.resolvedAt !== undefined ? { resolvedAt: meta.resolvedAt } : {}),
    triage,
    triageParts: parts,
    severity,
    peakScore: r1(peakScore),
    criticality,
    jobs: jobIds.map((id) => ({ id, name: jobName(id) })),
    labels: shared,
    series,
    metrics,
    detectors,
    examples,
    ...(runbookUrl ? { runbookUrl } : {}),
    ...(dashboardJob?.dashboardUid ? { dashboardUid: dashboardJob.dashboardUid } : {}),
    ...(dashboardJob?.panelId !== undefined ? { panelId: dashboardJob.panelId } : {}),
    eventIds: sorted.map(eventId),
  };

  function jobName(id: string): string {
    return jobOf(id)?.name ?? id;
  }
}

/**
 * What an incident looks like, from its events' directions and metrics: `outage` when every series fell and
 * every peak is 0 (nothing at all was recorded); `error burst` when a metric named like errors or failures rose;
 * `spike` when every series rose, `drop` when every series fell; `mixed` otherwise.
 */
export function incidentKind(events: readonly IncidentEvent[]): IncidentKind {
  if (events.every((e) => e.direction === 'below' && e.actual === 0)) return 'outage';
  if (events.some((e) => e.direction === 'above' && ERROR_METRIC.test(metricName(e.labels)))) return 'error burst';
  if (events.every((e) => e.direction === 'above')) return 'spike';
  if (events.every((e) => e.direction === 'below')) return 'drop';
  return 'mixed';
}

function headline(kind: IncidentKind, events: readonly IncidentEvent[], seriesName: (l: Labels) => string): string {
  const bySeries = strongestPerSeries(events);
  const names = [...new Set(bySeries.map((e) => seriesName(e.labels)))];
  const listed = names.length > 3 ? `${names.slice(0, 3).join(', ')} and ${names.length - 3} more` : joinWords(names);
  const top = bySeries[0];
  switch (kind) {
    case 'outage':
      return `${listed} dropped to zero`;
    case 'error burst': {
      const err = bySeries.find((e) => e.direction === 'above' && ERROR_METRIC.test(metricName(e.labels))) ?? top;
      return `burst of ${seriesName(err.labels)}: ${formatNumber(err.actual)} vs ${formatNumber(err.expected)} expected`;
    }
    case 'spike':
      return names.length > 1
        ? `${listed} rose (${seriesName(top.labels)} ${formatNumber(top.actual)} vs ${formatNumber(top.expected)} expected)`
        : `${listed} rose to ${formatNumber(top.actual)} (expected ${formatNumber(top.expected)})`;
    case 'drop':
      return names.length > 1
        ? `${listed} fell (${seriesName(top.labels)} ${formatNumber(top.actual)} vs ${formatNumber(top.expected)} expected)`
        : `${listed} fell to ${formatNumber(top.actual)} (expected ${formatNumber(top.expected)})`;
    default: {
      const up = [...new Set(bySeries.filter((e) => e.direction === 'above').map((e) => seriesName(e.labels)))];
      const down = [...new Set(bySeries.filter((e) => e.direction === 'below').map((e) => seriesName(e.labels)))];
      return `${joinWords(up)} rose while ${joinWords(down)} fell`;
    }
  }
}

/** `errors 102 vs 1 expected, requests 124 vs 25` for the strongest event of each series (at most 4). */
function figures(events: readonly IncidentEvent[], seriesName: (l: Labels) => string): string {
  const bySeries = strongestPerSeries(events);
  const parts = bySeries
    .slice(0, 4)
    .map((e) => `${seriesName(e.labels)} ${formatNumber(e.actual)} vs ${formatNumber(e.expected)} expected`);
  if (bySeries.length > 4) parts.push(`${bySeries.length - 4} more series`);
  return parts.join(', ');
}

function strongestPerSeries(events: readonly IncidentEvent[]): IncidentEvent[] {
  const best = new Map<string, IncidentEvent>();
  for (const e of events) {
    const k = `${e.jobId}|${formatLabels(e.labels)}`;
    const cur = best.get(k);
    if (!cur || e.score > cur.score) best.set(k, e);
  }
  return [...best.values()].sort((a, b) => b.score - a.score || a.start - b.start);
}

function add(
  m: Map<string, { w: number; f: ContributingFeature }>,
  key: string,
  w: number,
  e: IncidentEvent,
  make: () => ContributingFeature
): void {
  let cur = m.get(key);
  if (!cur) {
    cur = { w: 0, f: make() };
    m.set(key, cur);
  }
  cur.w += w;
  if (e.score > cur.f.peakScore) {
    cur.f.peakScore = r1(e.score);
    cur.f.direction = e.direction;
  }
}

function sharedLabels(events: readonly IncidentEvent[]): Labels {
  const out: Labels = {};
  for (const [k, v] of Object.entries(events[0].labels)) {
    if (k === '__name__') continue;
    if (events.every((e) => e.labels[k] === v)) out[k] = v;
  }
  return out;
}

function rankOf(c: Criticality | undefined): number {
  return ['low', 'medium', 'high', 'critical'].indexOf(c ?? 'medium');
}

function r3(x: number): number {
  return Math.round(x * 1000) / 1000;
}

function r1(x: number): number {
  return Math.round(x * 10) / 10;
}
