import { createHmac, randomUUID } from 'node:crypto';
import type { Clock } from '../core/clock';
import type { Severity } from '../contract/rules';
import type { IncidentChange } from '../incidents/lifecycle';
import { severityRank } from '../incidents/triage';
import type { Incident } from '../incidents/types';
import { DeliveryError, UndiciSender, type OutgoingRequest, type Sender } from './http';
import {
  alertmanagerAlert,
  incidentLink,
  pagerDutyEvent,
  pagerDutySummary,
  slackMessage,
  slackSummary,
  webhookPayload,
  webhookSummaryPayload,
  type AlertmanagerAlert,
  type SummaryContent,
} from './payloads';
import { SlidingWindowLimit } from './rateLimit';
import { publicConfig, scrub, secretsOf } from './redact';
import type { Delivery, IncidentMessage, NotifyAction, NotifyConfig, ReceiverConfig } from './types';

/** Default rate limit of direct receivers: 10 notifications per 15 minutes, per job and per receiver. */
export const DEFAULT_RATE_LIMIT = { count: 10, windowMs: 15 * 60_000 };
/** Alertmanager alerts are re-sent every minute while the incident is open; endsAt lies 4 re-sends ahead. */
export const DEFAULT_RESEND_MS = 60_000;
/** Deliveries kept in memory for the API (the newest). */
export const KEEP_DELIVERIES = 1000;

/** A logger in pino's shape (only what the notifier uses). */
export interface NotifyLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
}

export interface NotifierDeps {
  clock: Clock;
  sender?: Sender;
  logger?: NotifyLogger;
  /** called with every delivery record (e.g. to store it) */
  onDelivery?: (d: Delivery) => void;
}

interface Sent {
  incident: Incident;
  severity: Severity;
  lastSentAt: number;
  /** Alertmanager: the labels the alert was posted with */
  labels?: Record<string, string>;
}

interface ReceiverState {
  config: ReceiverConfig;
  limit?: SlidingWindowLimit;
  sent: Map<string, Sent>;
  held: { incident: Incident; at: number }[];
  heldSince?: number;
}

const SEVERITY_ORDER: Severity[] = ['warning', 'minor', 'major', 'critical'];

/**
 * Sends incident changes to the configured receivers: Prometheus Alertmanager (v2 API), generic webhooks, Slack
 * incoming webhooks and PagerDuty Events v2.
 *
 * Per receiver: job and minimum-severity filters; de-duplication (an incident is announced once; an update is sent
 * only when its severity rises; a resolve only for what was announced); a sliding-window rate limit per job and per
 * receiver (default 10 per 15 minutes for direct receivers, off for Alertmanager, which groups by itself) whose
 * held-back notifications go out as one summary message once the receiver has room (`tick`); retries with backoff
 * (`UndiciSender`); and a delivery record for each outcome. Alertmanager alerts are re-sent every
 * `resendIntervalMs` while open, with `endsAt` four re-sends ahead, so they resolve by themselves if the engine
 * stops. Secrets (URLs, keys, tokens, header values) never appear in records, logs or errors.
 */
export class Notifier {
  private readonly receivers: ReceiverState[];
  private readonly sender: Sender;
  private readonly ownSender?: UndiciSender;
  private readonly secrets: string[];
  private readonly records: Delivery[] = [];

  constructor(
    private readonly config: NotifyConfig,
    private readonly deps: NotifierDeps
  ) {
    this.ownSender = deps.sender ? undefined : new UndiciSender(config.retry);
    this.sender = deps.sender ?? this.ownSender!;
    this.secrets = secretsOf(config);
    const names = new Set<string>();
    this.receivers = config.receivers.map((r) => {
      if (names.has(r.name)) throw new RangeError(`notifications: two receivers are named "${r.name}"`);
      names.add(r.name);
      const rl =
        r.rateLimit === false
          ? undefined
          : (r.rateLimit ?? (r.type === 'alertmanager' ? undefined : (config.rateLimit ?? DEFAULT_RATE_LIMIT)));
      return {
        config: r,
        limit: rl ? new SlidingWindowLimit(rl.count, rl.windowMs) : undefined,
        sent: new Map(),
        held: [],
      };
    });
  }

  /** Close the connections of the notifier's own HTTP client. */
  async close(): Promise<void> {
    await this.ownSender?.close();
  }

  /** The configuration without secrets, for the API. */
  describe() {
    return publicConfig(this.config);
  }

  /** The newest delivery records, newest first. */
  deliveries(limit = 100): Delivery[] {
    return this.records.slice(-limit).reverse();
  }

  /**
   * Notify every receiver of a step's incident changes (in order), then send any summary that now fits.
   * @returns the delivery records of this call
   */
  async handle(changes: readonly IncidentChange[]): Promise<Delivery[]> {
    const out: Delivery[] = [];
    for (const change of changes) {
      const action: NotifyAction = change.type === 'opened' ? 'open' : change.type === 'updated' ? 'update' : 'resolve';
      for (const r of this.receivers) out.push(...(await this.route(r, action, change.incident)));
    }
    out.push(...(await this.tick()));
    return out;
  }

  /**
   * Periodic work: send the summary of held-back notifications to each receiver that has room again, and re-send
   * open Alertmanager alerts that are due. Call it every few seconds (the engine does).
   */
  async tick(): Promise<Delivery[]> {
    const now = this.deps.clock.now();
    const out: Delivery[] = [];
    for (const r of this.receivers) {
      if (r.held.length && r.limit && r.limit.allows([r.config.name], now)) out.push(await this.summary(r, now));
      if (r.config.type === 'alertmanager') {
        const every = r.config.resendIntervalMs ?? DEFAULT_RESEND_MS;
        const due = [...r.sent.values()].filter((s) => now - s.lastSentAt >= every);
        if (due.length) out.push(await this.resend(r, due, now));
      }
    }
    return out;
  }

  private async route(r: ReceiverState, action: NotifyAction, incident: Incident): Promise<Delivery[]> {
    const c = r.config;
    const now = this.deps.clock.now();
    if (c.jobs && !incident.jobs.some((j) => c.jobs!.includes(j.name) || c.jobs!.includes(j.id))) return [];
    const prior = r.sent.get(incident.id);
    const min = c.minSeverity ?? (c.type === 'alertmanager' ? 'warning' : 'minor');
    if (action === 'resolve') {
      r.held = r.held.filter((h) => h.incident.id !== incident.id);
      if (!prior) return [];
      r.sent.delete(incident.id);
      return [await this.deliver(r, 'resolve', incident, now, prior)];
    }
    if (severityRank(incident.severity) < severityRank(min)) return [];
    if (!prior)
      action = 'open'; // first time this receiver hears of it (e.g. it just reached minSeverity)
    else {
      const rose = severityRank(incident.severity) > severityRank(prior.severity);
      if (c.type === 'alertmanager') {
        // Alertmanager de-duplicates by labels: re-post to refresh annotations; a new severity is a new alert
        return [await this.deliver(r, 'update', incident, now, prior)];
      }
      if (!rose) return [this.record(r, { action: 'update', incident, now, status: 'deduplicated' })];
      action = 'update';
    }
    const jobKeys = incident.jobs.map((j) => `job:${j.id}|${c.name}`);
    const keys = [c.name, ...jobKeys];
    if (r.limit && !r.limit.allows(keys, now)) {
      if (!r.held.some((h) => h.incident.id === incident.id)) r.held.push({ incident, at: now });
      r.heldSince ??= now;
      return [this.record(r, { action, incident, now, status: 'rate_limited' })];
    }
    r.limit?.record(keys, now);
    return [await this.deliver(r, action, incident, now, prior)];
  }

  private async deliver(
    r: ReceiverState,
    action: NotifyAction,
    incident: Incident,
    now: number,
    prior: Sent | undefined
  ): Promise<Delivery> {
    const msg: IncidentMessage = { action, incident, link: incidentLink(incident, this.config.grafanaUrl) };
    const c = r.config;
    let req: OutgoingRequest;
    let labels: Record<string, string> | undefined;
    switch (c.type) {
      case 'alertmanager': {
        const ttl = 4 * (c.resendIntervalMs ?? DEFAULT_RESEND_MS);
        const alert = alertmanagerAlert(msg, { now, ttlMs: ttl, labels: c.labels });
        const alerts: AlertmanagerAlert[] = [alert];
        labels = alert.labels;
        if (prior?.labels && JSON.stringify(prior.labels) !== JSON.stringify(alert.labels)) {
          // the old label set (e.g. the old severity) ends now
          alerts.push({
            ...alert,
            labels: prior.labels,
            endsAt: new Date(Math.max(now, incident.start + 1)).toISOString(),
          });
        }
        req = this.amRequest(c, alerts);
        break;
      }
      case 'webhook':
        req = this.webhookRequest(c, JSON.stringify(webhookPayload(msg, c.name, now)));
        break;
      case 'slack':
        req = { method: 'POST', url: c.url, body: JSON.stringify(slackMessage(msg)) };
        break;
      case 'pagerduty':
        req = {
          method: 'POST',
          url: c.url ?? 'https://events.pagerduty.com/v2/enqueue',
          body: JSON.stringify(pagerDutyEvent(msg, c.routingKey, c.severityMap)),
        };
        break;
    }
    const d = await this.send(r, req, { action, incident, now });
    if (d.status === 'delivered' && action !== 'resolve') {
      r.sent.set(incident.id, { incident, severity: incident.severity, lastSentAt: now, labels });
    }
    return d;
  }

  private async summary(r: ReceiverState, now: number): Promise<Delivery> {
    const c = r.config;
    const held = [...r.held].sort(
      (a, b) => SEVERITY_ORDER.indexOf(b.incident.severity) - SEVERITY_ORDER.indexOf(a.incident.severity)
    );
    const bySeverity: Record<Severity, number> = { critical: 0, major: 0, minor: 0, warning: 0 };
    for (const h of held) bySeverity[h.incident.severity]++;
    const since = r.heldSince ?? now;
    const sev = (['critical', 'major', 'minor', 'warning'] as const)
      .filter((s) => bySeverity[s])
      .map((s) => `${bySeverity[s]} ${s}`)
      .join(', ');
    const content: SummaryContent = {
      count: held.length,
      since,
      bySeverity,
      incidents: held.slice(0, 10).map((h) => ({
        id: h.incident.id,
        title: h.incident.title,
        severity: h.incident.severity,
        start: h.incident.start,
      })),
      text: `Vigil held back ${held.length} notification${held.length === 1 ? '' : 's'} (rate limit): ${sev}`,
    };
    let req: OutgoingRequest;
    switch (c.type) {
      case 'webhook':
        req = this.webhookRequest(c, JSON.stringify(webhookSummaryPayload(content, c.name, now)));
        break;
      case 'slack':
        req = { method: 'POST', url: c.url, body: JSON.stringify(slackSummary(content)) };
        break;
      case 'pagerduty':
        req = {
          method: 'POST',
          url: c.url ?? 'https://events.pagerduty.com/v2/enqueue',
          body: JSON.stringify(pagerDutySummary(content, c.routingKey, c.severityMap)),
        };
        break;
      case 'alertmanager':
        req = this.amRequest(
          c,
          held.map((h) =>
            alertmanagerAlert(
              { action: 'open', incident: h.incident, link: incidentLink(h.incident, this.config.grafanaUrl) },
              { now, ttlMs: 4 * (c.resendIntervalMs ?? DEFAULT_RESEND_MS), labels: c.labels }
            )
          )
        );
        break;
    }
    r.limit?.record([c.name], now);
    const ids = held.map((h) => h.incident.id);
    r.held = [];
    r.heldSince = undefined;
    return this.send(r, req, { action: 'summary', incidentIds: ids, now });
  }

  private async resend(r: ReceiverState, due: Sent[], now: number): Promise<Delivery> {
    const c = r.config;
    if (c.type !== 'alertmanager') throw new Error('resend is for Alertmanager receivers');
    const ttl = 4 * (c.resendIntervalMs ?? DEFAULT_RESEND_MS);
    const alerts = due.map((s) =>
      alertmanagerAlert(
        { action: 'open', incident: s.incident, link: incidentLink(s.incident, this.config.grafanaUrl) },
        { now, ttlMs: ttl, labels: c.labels }
      )
    );
    const d = await this.send(r, this.amRequest(c, alerts), {
      action: 'resend',
      incidentIds: due.map((s) => s.incident.id),
      now,
    });
    if (d.status === 'delivered') for (const s of due) s.lastSentAt = now;
    return d;
  }

  private amRequest(
    c: Extract<ReceiverConfig, { type: 'alertmanager' }>,
    alerts: AlertmanagerAlert[]
  ): OutgoingRequest {
    const headers: Record<string, string> = {};
    if (c.auth) {
      headers.authorization =
        'token' in c.auth
          ? `Bearer ${c.auth.token}`
          : `Basic ${Buffer.from(`${c.auth.username}:${c.auth.password}`).toString('base64')}`;
    }
    return { method: 'POST', url: `${c.url.replace(/\/+$/, '')}/api/v2/alerts`, headers, body: JSON.stringify(alerts) };
  }

  private webhookRequest(c: Extract<ReceiverConfig, { type: 'webhook' }>, body: string): OutgoingRequest {
    const headers: Record<string, string> = { ...(c.headers ?? {}) };
    if (c.signingSecret) {
      const ts = String(Math.floor(this.deps.clock.now() / 1000));
      headers['x-vigil-timestamp'] = ts;
      headers['x-vigil-signature'] =
        `sha256=${createHmac('sha256', c.signingSecret).update(`${ts}.${body}`).digest('hex')}`;
    }
    return { method: 'POST', url: c.url, headers, body };
  }

  private async send(
    r: ReceiverState,
    req: OutgoingRequest,
    what: { action: Delivery['action']; incident?: Incident; incidentIds?: string[]; now: number }
  ): Promise<Delivery> {
    const t0 = Date.now();
    try {
      const res = await this.sender.send(req);
      const ok = res.status >= 200 && res.status < 300;
      return this.record(r, {
        ...what,
        status: ok ? 'delivered' : 'failed',
        attempts: res.attempts,
        httpStatus: res.status,
        ...(ok ? {} : { error: `HTTP ${res.status}: ${res.body.slice(0, 200)}` }),
        durationMs: Date.now() - t0,
      });
    } catch (err) {
      const e = err instanceof DeliveryError ? err : new DeliveryError('request failed', 1);
      return this.record(r, {
        ...what,
        status: 'failed',
        attempts: e.attempts,
        ...(e.status ? { httpStatus: e.status } : {}),
        error: e.message,
        durationMs: Date.now() - t0,
      });
    }
  }

  private record(
    r: ReceiverState,
    x: {
      action: Delivery['action'];
      incident?: Incident;
      incidentIds?: string[];
      now: number;
      status: Delivery['status'];
      attempts?: number;
      httpStatus?: number;
      error?: string;
      durationMs?: number;
    }
  ): Delivery {
    const d: Delivery = {
      id: randomUUID(),
      at: x.now,
      receiver: r.config.name,
      receiverType: r.config.type,
      action: x.action,
      ...(x.incident ? { incidentId: x.incident.id, severity: x.incident.severity } : {}),
      ...(x.incidentIds ? { incidentIds: x.incidentIds } : {}),
      status: x.status,
      attempts: x.attempts ?? 0,
      ...(x.httpStatus !== undefined ? { httpStatus: x.httpStatus } : {}),
      ...(x.error ? { error: scrub(x.error, this.secrets) } : {}),
      durationMs: x.durationMs ?? 0,
    };
    this.records.push(d);
    if (this.records.length > KEEP_DELIVERIES) this.records.splice(0, this.records.length - KEEP_DELIVERIES);
    const log = {
      receiver: d.receiver,
      type: d.receiverType,
      action: d.action,
      incident: d.incidentId,
      status: d.status,
    };
    if (d.status === 'failed')
      this.deps.logger?.warn({ ...log, attempts: d.attempts, error: d.error }, 'notification failed');
    else if (d.status === 'delivered') this.deps.logger?.info({ ...log, attempts: d.attempts }, 'notification sent');
    this.deps.onDelivery?.(d);
    return d;
  }
}
