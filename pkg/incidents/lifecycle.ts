import { buildIncident, eventId, incidentId } from './build';
import { isQuiet, related, type GroupOptions } from './group';
import type { Incident, IncidentEvent, IncidentJob } from './types';

/** An open incident with the events it was built from. */
export interface OpenIncident {
  incident: Incident;
  events: IncidentEvent[];
}

/** What the lifecycle keeps between steps: the open incidents only (resolved ones are handed out and dropped). */
export interface IncidentState {
  open: OpenIncident[];
}

/** The empty state. */
export const EMPTY_INCIDENT_STATE: IncidentState = { open: [] };

/** What happened to an incident in one step. */
export interface IncidentChange {
  type: 'opened' | 'updated' | 'resolved';
  incident: Incident;
  /** updated: the incident before this step */
  previous?: Incident;
  /** resolved by merging: the incident it was merged into */
  mergedInto?: string;
}

/** One step's input. */
export interface LifecycleInput {
  /** engine time of this step, epoch ms (stamped on opened/updated/resolved) */
  now: number;
  /** new or grown events (an event already seen, by id, replaces its earlier version) */
  events: readonly IncidentEvent[];
  /** newest scored point per job after this step, epoch ms */
  watermarks: Record<string, number>;
  /** the jobs by id (criticality, runbook URL, dashboard) */
  jobs: ReadonlyMap<string, IncidentJob> | Record<string, IncidentJob>;
}

/** Options of the lifecycle. */
export interface LifecycleOptions extends GroupOptions {
  /** normal points after the last anomalous one before an incident resolves (default 2) */
  quietIntervals?: number;
}

/**
 * The incident lifecycle as a pure state machine: `(state, input) -> (state, changes)`.
 *
 * - An event joins every open incident it is `related` to (same job or shared correlation label, overlapping in
 *   time); when it relates to several they merge into the oldest, and the others resolve with `mergedInto`.
 * - An event related to no open incident opens one (its id comes from that first event, see `incidentId`).
 * - An incident whose content changed is `updated` (with its previous version), unless it also resolves in this step.
 * - An incident resolves when every job in it has scored `quietIntervals` normal points after its last anomalous
 *   one (per the watermarks); it is handed out once as `resolved` and leaves the state.
 *
 * Inputs are not mutated; no clock or I/O (time comes in as `now`).
 *
 * @returns the next state and the changes in order: merges, opened, updated, resolved
 */
export function advanceIncidents(
  state: IncidentState,
  input: LifecycleInput,
  options: LifecycleOptions = {}
): { state: IncidentState; changes: IncidentChange[] } {
  const quiet = options.quietIntervals ?? 2;
  type Work = { id: string; openedAt: number; events: IncidentEvent[]; before?: Incident; merged?: string };
  const work: Work[] = state.open.map((o) => ({
    id: o.incident.id,
    openedAt: o.incident.openedAt,
    events: [...o.events],
    before: o.incident,
  }));
  const mergedAway: Work[] = [];

  const incoming = [...input.events].sort((a, b) => a.start - b.start || eventId(a).localeCompare(eventId(b)));
  for (const e of incoming) {
    const id = eventId(e);
    const owners = work.filter((w) => w.events.some((x) => eventId(x) === id || related(x, e, options)));
    if (owners.length === 0) {
      work.push({ id: incidentId(e), openedAt: input.now, events: [e] });
      continue;
    }
    owners.sort((a, b) => a.openedAt - b.openedAt || a.id.localeCompare(b.id));
    const keep = owners[0];
    for (const other of owners.slice(1)) {
      keep.events.push(...other.events);
      other.merged = keep.id;
      work.splice(work.indexOf(other), 1);
      if (other.before) mergedAway.push(other);
    }
    keep.events = keep.events.filter((x) => eventId(x) !== id);
    keep.events.push(e);
  }

  const changes: IncidentChange[] = [];
  for (const m of mergedAway) {
    changes.push({
      type: 'resolved',
      incident: { ...m.before!, status: 'resolved', updatedAt: input.now, resolvedAt: input.now },
      mergedInto: m.merged,
    });
  }
  const opened: IncidentChange[] = [];
  const updated: IncidentChange[] = [];
  const resolved: IncidentChange[] = [];
  const next: OpenIncident[] = [];
  for (const w of work) {
    const isQuietNow = isQuiet(w.events, input.watermarks, quiet);
    let incident = buildIncident(w.events, input.jobs, {
      id: w.id,
      status: 'open',
      openedAt: w.openedAt,
      updatedAt: w.before?.updatedAt ?? input.now,
    });
    const changed = !w.before || contentChanged(w.before, incident);
    if (changed) incident = { ...incident, updatedAt: input.now };
    if (!w.before) opened.push({ type: 'opened', incident });
    else if (changed && !isQuietNow) updated.push({ type: 'updated', incident, previous: w.before });
    if (isQuietNow) {
      resolved.push({
        type: 'resolved',
        incident: { ...incident, status: 'resolved', updatedAt: input.now, resolvedAt: input.now },
      });
    } else {
      next.push({ incident, events: w.events });
    }
  }
  changes.push(...opened, ...updated, ...resolved);
  return { state: { open: next }, changes };
}

/** True when an incident differs from its earlier version in anything but its lifecycle times. */
function contentChanged(a: Incident, b: Incident): boolean {
  const strip = (i: Incident) => ({ ...i, openedAt: 0, updatedAt: 0, resolvedAt: 0, status: 'open' });
  return JSON.stringify(strip(a)) !== JSON.stringify(strip(b));
}
