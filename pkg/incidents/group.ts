import { buildIncident, eventEnd, eventId, incidentId } from './build';
import type { Incident, IncidentEvent, IncidentJob } from './types';

/**
 * Label names that relate events of different jobs: two jobs' events that overlap in time join one incident when
 * they carry the same value for one of these (e.g. both series have `service="checkout"`).
 */
export const DEFAULT_CORRELATION_LABELS: readonly string[] = [
  'service',
  'app',
  'application',
  'host',
  'instance',
  'pod',
  'namespace',
  'cluster',
  'deployment',
];

/** How events are grouped into incidents. */
export interface GroupOptions {
  /** label names that relate events of different jobs (default `DEFAULT_CORRELATION_LABELS`) */
  correlationLabels?: readonly string[];
  /** extra time allowed between two events for them to count as overlapping, ms (default 0) */
  gapMs?: number;
}

/**
 * Whether two events belong to one incident: their time spans `[start, end + intervalMs)` overlap or touch
 * (within `gapMs`), and they come from the same job or share the value of a correlation label.
 */
export function related(a: IncidentEvent, b: IncidentEvent, options: GroupOptions = {}): boolean {
  const gap = options.gapMs ?? 0;
  if (a.start > eventEnd(b) + gap || b.start > eventEnd(a) + gap) return false;
  if (a.jobId === b.jobId) return true;
  for (const k of options.correlationLabels ?? DEFAULT_CORRELATION_LABELS) {
    const v = a.labels[k];
    if (v !== undefined && v !== '' && b.labels[k] === v) return true;
  }
  return false;
}

/**
 * Group events into connected sets under `related` (an event joins a set when it is related to any member),
 * by a sweep over start times with union-find. O(n · k) for k events overlapping at once.
 *
 * @param events not mutated; duplicate ids keep the last occurrence
 * @returns groups of events, each sorted by start, groups ordered by their first start
 */
export function groupEvents(events: readonly IncidentEvent[], options: GroupOptions = {}): IncidentEvent[][] {
  const byId = new Map<string, IncidentEvent>();
  for (const e of events) byId.set(eventId(e), e);
  const list = [...byId.values()].sort((a, b) => a.start - b.start || eventId(a).localeCompare(eventId(b)));
  const parent = list.map((_, i) => i);
  const find = (i: number): number => {
    while (parent[i] !== i) {
      parent[i] = parent[parent[i]];
      i = parent[i];
    }
    return i;
  };
  const gap = options.gapMs ?? 0;
  let active: number[] = [];
  for (let i = 0; i < list.length; i++) {
    const e = list[i];
    active = active.filter((j) => eventEnd(list[j]) + gap >= e.start);
    for (const j of active) {
      if (related(list[j], e, options)) {
        const a = find(i);
        const b = find(j);
        if (a !== b) parent[Math.max(a, b)] = Math.min(a, b);
      }
    }
    active.push(i);
  }
  const groups = new Map<number, IncidentEvent[]>();
  for (let i = 0; i < list.length; i++) {
    const r = find(i);
    const g = groups.get(r) ?? [];
    g.push(list[i]);
    groups.set(r, g);
  }
  return [...groups.entries()].sort((a, b) => a[0] - b[0]).map(([, g]) => g);
}

/** Options of `groupIncidents`. */
export interface BatchOptions extends GroupOptions {
  /**
   * newest scored point per job (epoch ms): an incident whose jobs have not yet been quiet for `quietIntervals`
   * after it stays `open`; without watermarks every incident is `resolved` (a finished file or time range)
   */
  watermarks?: Record<string, number>;
  /** normal points after the last anomalous one before an incident resolves (default 2) */
  quietIntervals?: number;
}

/**
 * Incidents of a finished set of events (a file, a report's time range): group with `groupEvents`, then build
 * each incident. Times of the lifecycle are data times: opened at its start, updated and resolved at its end.
 *
 * @param events anomaly events with their job and interval; not mutated
 * @param jobs jobs by id (criticality, runbook, dashboard)
 * @returns incidents ordered by start
 */
export function groupIncidents(
  events: readonly IncidentEvent[],
  jobs: ReadonlyMap<string, IncidentJob> | Record<string, IncidentJob> = {},
  options: BatchOptions = {}
): Incident[] {
  return groupEvents(events, options).map((g) => {
    const first = g[0];
    const end = Math.max(...g.map(eventEnd));
    const open = options.watermarks ? !isQuiet(g, options.watermarks, options.quietIntervals ?? 2) : false;
    return buildIncident(g, jobs, {
      id: incidentId(first),
      status: open ? 'open' : 'resolved',
      openedAt: first.start,
      updatedAt: end,
      ...(open ? {} : { resolvedAt: end }),
    });
  });
}

/**
 * True when every job of the events has scored at least `quietIntervals` normal points after the events' last
 * anomalous point (watermark >= last anomalous point + quietIntervals × interval). A job without a watermark is
 * not quiet.
 */
export function isQuiet(
  events: readonly IncidentEvent[],
  watermarks: Record<string, number>,
  quietIntervals: number
): boolean {
  const lastByJob = new Map<string, { last: number; intervalMs: number }>();
  for (const e of events) {
    const cur = lastByJob.get(e.jobId);
    if (!cur || e.end > cur.last) lastByJob.set(e.jobId, { last: e.end, intervalMs: e.intervalMs });
  }
  for (const [job, { last, intervalMs }] of lastByJob) {
    const w = watermarks[job];
    if (w === undefined || w < last + quietIntervals * intervalMs) return false;
  }
  return true;
}
