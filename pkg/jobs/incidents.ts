import type { Clock } from '../core/clock';
import type { StoredAnomaly } from '../contract/results';
import {
  advanceIncidents,
  EMPTY_INCIDENT_STATE,
  type IncidentChange,
  type IncidentState,
  type LifecycleOptions,
  type OpenIncident,
} from '../incidents/lifecycle';
import type { Incident, IncidentEvent, IncidentJob } from '../incidents/types';
import type { GrafanaAnnotator } from '../notify/grafana';
import type { Notifier } from '../notify/notifier';
import type { Delivery } from '../notify/types';
import type { AnomalySink } from './runner';

/** Where incidents are kept (the store); the tracker writes every change through it. */
export interface IncidentPersistence {
  /** open incidents with the events they were built from, to resume after a restart */
  loadOpen(): Promise<OpenIncident[]>;
  /** insert or replace an incident; `events` while it is open, none once resolved */
  saveIncident(incident: Incident, events?: readonly IncidentEvent[]): Promise<void>;
  recordDelivery(d: Delivery): Promise<void>;
}

export interface IncidentTrackerDeps {
  persistence: IncidentPersistence;
  clock: Clock;
  /** a job's incident settings and grid interval, or undefined when the job no longer exists */
  job(id: string): Promise<(IncidentJob & { intervalMs: number }) | undefined>;
  /** the newest point a job has scored (epoch ms), undefined before its first run */
  watermark(jobId: string): Promise<number | undefined>;
  notifier?: Notifier;
  annotator?: GrafanaAnnotator;
  options?: LifecycleOptions;
  logger?: { info(obj: unknown, msg?: string): void; warn(obj: unknown, msg?: string): void };
  /** called with every step's changes after they are stored (tests and metrics) */
  onChanges?: (changes: IncidentChange[]) => void;
  /**
   * incidents that ended longer ago than this (ms, default one hour; at least three intervals of their slowest job)
   * are stored but neither notified nor annotated: a job's first run scores its whole training window and must not
   * page anyone for last week
   */
  notifyWithinMs?: number;
}

/**
 * Turns the anomalies of scheduled job runs into incidents and tells people: the runner hands each new or grown
 * anomaly to `write` (the tracker is an `AnomalySink`), the scheduler calls `afterRun` when a job's run ends, and
 * the tracker then advances the incident lifecycle (`advanceIncidents`) with that run's events and every involved
 * job's watermark, stores the changes, and passes them to the notifier and the Grafana annotator. Steps run one at a
 * time in the order runs end; a failing receiver never fails a job run. A job that was deleted counts as quiet, so
 * its incidents resolve. Incidents that ended before `notifyWithinMs` (or three intervals of their slowest job) ago,
 * such as the history a job's first run scores, are stored but neither notified nor annotated.
 */
export class IncidentTracker implements AnomalySink {
  private state: IncidentState = EMPTY_INCIDENT_STATE;
  private readonly buffer = new Map<string, StoredAnomaly[]>();
  private queue: Promise<void> = Promise.resolve();

  constructor(private readonly deps: IncidentTrackerDeps) {}

  /** Load the open incidents kept by the store (call once before the scheduler starts). */
  async start(): Promise<void> {
    this.state = { open: await this.deps.persistence.loadOpen() };
  }

  /** Open incidents as the tracker holds them. */
  open(): Incident[] {
    return this.state.open.map((o) => o.incident);
  }

  /** Collect an anomaly of a running job (AnomalySink). */
  async write(anomaly: StoredAnomaly): Promise<void> {
    const list = this.buffer.get(anomaly.jobId) ?? [];
    const i = list.findIndex((a) => a.id === anomaly.id);
    if (i >= 0) list[i] = anomaly;
    else list.push(anomaly);
    this.buffer.set(anomaly.jobId, list);
  }

  /**
   * A job's run ended: advance the incidents with its collected anomalies (queued behind earlier steps).
   * @returns when this step's changes are stored and notified
   */
  afterRun(jobId: string): Promise<void> {
    const step = this.queue.then(() => this.step(jobId));
    this.queue = step.catch(() => undefined);
    return step;
  }

  /** Periodic notifier work (summaries of held-back notifications, Alertmanager re-sends). */
  async tick(): Promise<void> {
    if (!this.deps.notifier) return;
    const deliveries = await this.deps.notifier.tick();
    await this.keep(deliveries);
  }

  /** Wait until every queued step has finished (tests, shutdown). */
  async idle(): Promise<void> {
    await this.queue;
  }

  private async step(jobId: string): Promise<void> {
    const anomalies = this.buffer.get(jobId) ?? [];
    this.buffer.delete(jobId);
    const jobIds = new Set<string>([jobId]);
    for (const o of this.state.open) for (const j of o.incident.jobs) jobIds.add(j.id);
    const jobs = new Map<string, IncidentJob & { intervalMs: number }>();
    const watermarks: Record<string, number> = {};
    for (const id of jobIds) {
      const job = await this.deps.job(id);
      if (job) {
        jobs.set(id, job);
        const w = await this.deps.watermark(id);
        if (w !== undefined) watermarks[id] = w;
      } else {
        watermarks[id] = Number.MAX_SAFE_INTEGER; // deleted: nothing more will come
      }
    }
    const interval = jobs.get(jobId)?.intervalMs ?? 60_000;
    const events: IncidentEvent[] = anomalies.map((a) => ({ ...a, jobId, intervalMs: interval }));
    const now = this.deps.clock.now();
    const { state, changes } = advanceIncidents(this.state, { now, events, watermarks, jobs }, this.deps.options);
    this.state = state;
    if (changes.length === 0) return;
    const openEvents = new Map(state.open.map((o) => [o.incident.id, o.events]));
    for (const c of changes) {
      await this.deps.persistence.saveIncident(c.incident, openEvents.get(c.incident.id));
    }
    this.deps.logger?.info(
      { changes: changes.map((c) => ({ type: c.type, incident: c.incident.id, severity: c.incident.severity })) },
      'incidents changed'
    );
    this.deps.onChanges?.(changes);
    // recent enough to tell people: ended within notifyWithinMs, or within three intervals of its slowest job
    const recent = (i: Incident) => {
      const interval = Math.max(0, ...i.jobs.map((j) => jobs.get(j.id)?.intervalMs ?? 0));
      return i.end >= now - Math.max(this.deps.notifyWithinMs ?? 3_600_000, 3 * interval);
    };
    const annotator = this.deps.annotator;
    const [n, a] = await Promise.allSettled([
      this.deps.notifier?.handle(changes.filter((c) => recent(c.incident) || c.type === 'resolved')) ??
        Promise.resolve([]),
      annotator?.handle(
        changes.filter(
          (c) => recent(c.incident) || (c.type === 'resolved' && annotator.annotationId(c.incident.id) !== undefined)
        )
      ) ?? Promise.resolve([]),
    ]);
    for (const r of [n, a]) {
      if (r.status === 'fulfilled') await this.keep(r.value);
      else this.deps.logger?.warn({ err: (r.reason as Error)?.message }, 'notification step failed');
    }
  }

  private async keep(deliveries: Delivery[]): Promise<void> {
    // a delivered keep-alive re-send to Alertmanager says nothing new (one a minute per open incident): not stored
    for (const d of deliveries.filter((x) => !(x.action === 'resend' && x.status === 'delivered'))) {
      try {
        await this.deps.persistence.recordDelivery(d);
      } catch (err) {
        this.deps.logger?.warn({ err: (err as Error).message }, 'delivery record not stored');
      }
    }
  }
}
