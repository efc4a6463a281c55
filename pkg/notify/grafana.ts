import { randomUUID } from 'node:crypto';
import type { Clock } from '../core/clock';
import type { IncidentChange } from '../incidents/lifecycle';
import type { Incident } from '../incidents/types';
import { DeliveryError, UndiciSender, type Sender } from './http';
import type { NotifyLogger } from './notifier';
import { annotationBody, incidentLink } from './payloads';
import type { Delivery, RetryConfig } from './types';

/** Grafana's annotations API, reached with a service-account token. */
export interface GrafanaAnnotationsConfig {
  /** Grafana's base URL as the engine reaches it, e.g. `http://grafana:3000` */
  url: string;
  /** a service-account token with the annotations:write permission (secret) */
  token: string;
  /** organisation id, sent as `X-Grafana-Org-Id` (default: the token's organisation) */
  orgId?: number;
  /** tags added to every annotation */
  tags?: string[];
  /** Grafana's public URL for links in the text (default `url`) */
  publicUrl?: string;
  retry?: Partial<RetryConfig>;
}

/**
 * Writes one region annotation per incident to Grafana (`POST /api/annotations`) when it opens, stretches it as the
 * incident grows (`PATCH /api/annotations/:id`) and closes it with its final span and a `resolved` tag when it
 * resolves. Scoped to the job's dashboard and panel when the job names them (`dashboardUID`, `panelId`), otherwise
 * an organisation annotation with tags (`vigil`, `incident`, `severity:*`, `kind:*`, `job:*`), which every dashboard
 * shows through a Grafana annotation query on the tag `vigil`. The token never appears in records or logs.
 */
export class GrafanaAnnotator {
  private readonly sender: Sender;
  private readonly ownSender?: UndiciSender;
  /** incident id -> annotation id */
  private readonly ids = new Map<string, number>();
  private readonly records: Delivery[] = [];

  constructor(
    private readonly config: GrafanaAnnotationsConfig,
    private readonly deps: {
      clock: Clock;
      sender?: Sender;
      logger?: NotifyLogger;
      onDelivery?: (d: Delivery) => void;
      /** persist the annotation id of an incident (undefined: forget it) */
      onAnnotationId?: (incidentId: string, annotationId: number | undefined) => void;
    }
  ) {
    this.ownSender = deps.sender ? undefined : new UndiciSender(config.retry);
    this.sender = deps.sender ?? this.ownSender!;
  }

  /** Close the connections of the annotator's own HTTP client. */
  async close(): Promise<void> {
    await this.ownSender?.close();
  }

  /** Remember annotation ids written before a restart. */
  restore(entries: Iterable<[string, number]>): void {
    for (const [k, v] of entries) this.ids.set(k, v);
  }

  /** The annotation id of an incident, if written. */
  annotationId(incidentId: string): number | undefined {
    return this.ids.get(incidentId);
  }

  /** The newest delivery records, newest first. */
  deliveries(limit = 100): Delivery[] {
    return this.records.slice(-limit).reverse();
  }

  /** Write, stretch or close the annotation of each changed incident. */
  async handle(changes: readonly IncidentChange[]): Promise<Delivery[]> {
    const out: Delivery[] = [];
    for (const c of changes) {
      const id = this.ids.get(c.incident.id);
      if (c.type === 'opened' || id === undefined) {
        if (c.type === 'resolved' && c.mergedInto) continue; // never written: nothing to close
        out.push(await this.create(c.incident));
      } else {
        out.push(await this.patch(id, c.incident, c.type === 'resolved' ? 'resolve' : 'update'));
      }
      if (c.type === 'resolved') {
        this.ids.delete(c.incident.id);
        this.deps.onAnnotationId?.(c.incident.id, undefined);
      }
    }
    return out;
  }

  private body(incident: Incident) {
    return annotationBody(incident, {
      extraTags: this.config.tags,
      link: incidentLink(incident, this.config.publicUrl ?? this.config.url),
    });
  }

  private async create(incident: Incident): Promise<Delivery> {
    const d = await this.request('POST', '/api/annotations', this.body(incident), incident, 'open');
    if (d.status === 'delivered' && d.annotationId !== undefined && incident.status !== 'resolved') {
      this.ids.set(incident.id, d.annotationId);
      this.deps.onAnnotationId?.(incident.id, d.annotationId);
    }
    return d.delivery;
  }

  private async patch(id: number, incident: Incident, action: 'update' | 'resolve'): Promise<Delivery> {
    const { timeEnd, text, tags, time } = this.body(incident);
    return (await this.request('PATCH', `/api/annotations/${id}`, { time, timeEnd, text, tags }, incident, action))
      .delivery;
  }

  private async request(
    method: 'POST' | 'PATCH',
    path: string,
    body: object,
    incident: Incident,
    action: 'open' | 'update' | 'resolve'
  ): Promise<{ delivery: Delivery; status: Delivery['status']; annotationId?: number }> {
    const headers: Record<string, string> = {
      authorization: `Bearer ${this.config.token}`,
      accept: 'application/json',
    };
    if (this.config.orgId !== undefined) headers['x-grafana-org-id'] = String(this.config.orgId);
    const t0 = Date.now();
    let status: Delivery['status'] = 'failed';
    let attempts: number;
    let httpStatus: number | undefined;
    let error: string | undefined;
    let annotationId: number | undefined;
    try {
      const res = await this.sender.send({
        method,
        url: `${this.config.url.replace(/\/+$/, '')}${path}`,
        headers,
        body: JSON.stringify(body),
      });
      attempts = res.attempts;
      httpStatus = res.status;
      if (res.status >= 200 && res.status < 300) {
        status = 'delivered';
        if (method === 'POST') {
          const id = (JSON.parse(res.body) as { id?: unknown }).id;
          if (typeof id === 'number') annotationId = id;
          else {
            status = 'failed';
            error = 'Grafana answered without an annotation id';
          }
        }
      } else {
        error = `HTTP ${res.status}: ${res.body.slice(0, 200).split(this.config.token).join('***')}`;
      }
    } catch (err) {
      const e = err instanceof DeliveryError ? err : new DeliveryError('request failed', 1);
      attempts = e.attempts;
      error = e.message;
    }
    const delivery: Delivery = {
      id: randomUUID(),
      at: this.deps.clock.now(),
      receiver: 'grafana',
      receiverType: 'grafana',
      action,
      incidentId: incident.id,
      severity: incident.severity,
      status,
      attempts,
      ...(httpStatus !== undefined ? { httpStatus } : {}),
      ...(error ? { error } : {}),
      durationMs: Date.now() - t0,
    };
    this.records.push(delivery);
    if (this.records.length > 1000) this.records.splice(0, this.records.length - 1000);
    const log = { receiver: 'grafana', action, incident: incident.id, status };
    if (status === 'failed') this.deps.logger?.warn({ ...log, error }, 'annotation failed');
    else this.deps.logger?.info(log, 'annotation written');
    this.deps.onDelivery?.(delivery);
    return { delivery, status, annotationId };
  }
}
