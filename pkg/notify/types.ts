import type { Severity } from '../contract/rules';
import type { Incident } from '../incidents/types';

/** What a notification says about an incident. */
export type NotifyAction = 'open' | 'update' | 'resolve';

/** Fields every receiver has. */
export interface ReceiverBase {
  /** unique name, used in delivery records and logs */
  name: string;
  /** only incidents of these jobs (names or ids); default: every job */
  jobs?: string[];
  /** only incidents at or above this severity (default `minor`; `warning` for Alertmanager) */
  minSeverity?: Severity;
  /** at most `count` notifications per `windowMs` per job and per receiver; `false` turns it off */
  rateLimit?: { count: number; windowMs: number } | false;
}

/** Prometheus Alertmanager (v2 API): the engine posts incidents as alerts; Alertmanager groups and routes them. */
export interface AlertmanagerReceiver extends ReceiverBase {
  type: 'alertmanager';
  /** base URL, e.g. `http://alertmanager:9093` */
  url: string;
  /** basic auth or a bearer token (secret) */
  auth?: { username: string; password: string } | { token: string };
  /** labels added to every alert, e.g. `{ team: "web" }` */
  labels?: Record<string, string>;
  /** firing alerts are re-sent this often so Alertmanager keeps them (default 60 s); endsAt is 4× this ahead */
  resendIntervalMs?: number;
}

/** A generic JSON webhook. */
export interface WebhookReceiver extends ReceiverBase {
  type: 'webhook';
  /** the URL (secret: it often carries a token) */
  url: string;
  /** extra headers, e.g. `Authorization` (values are secret) */
  headers?: Record<string, string>;
  /** when set, each request carries `X-Vigil-Signature: sha256=<HMAC-SHA256 of the body>` (secret) */
  signingSecret?: string;
}

/** Slack incoming webhook (Block Kit message). */
export interface SlackReceiver extends ReceiverBase {
  type: 'slack';
  /** the incoming webhook URL `https://hooks.slack.com/services/...` (secret) */
  url: string;
}

/** PagerDuty Events API v2 (trigger and resolve with a stable dedup_key). */
export interface PagerDutyReceiver extends ReceiverBase {
  type: 'pagerduty';
  /** the integration's 32-character routing key (secret) */
  routingKey: string;
  /** default `https://events.pagerduty.com/v2/enqueue` (EU: `https://events.eu.pagerduty.com/v2/enqueue`) */
  url?: string;
  /** Vigil severity -> PagerDuty severity (default critical->critical, major->error, minor->warning, warning->info) */
  severityMap?: Partial<Record<Severity, PagerDutySeverity>>;
}

export type PagerDutySeverity = 'critical' | 'error' | 'warning' | 'info';

export type ReceiverConfig = AlertmanagerReceiver | WebhookReceiver | SlackReceiver | PagerDutyReceiver;
export type ReceiverType = ReceiverConfig['type'];

/** Retries of a failed delivery (HTTP 429, 5xx, network errors), with exponential backoff. */
export interface RetryConfig {
  /** retries after the first attempt (default 4) */
  retries: number;
  /** first wait, ms (default 1000); doubles each time */
  minDelayMs: number;
  /** longest wait, ms (default 30000); a Retry-After header is honoured up to this */
  maxDelayMs: number;
  /** per-attempt timeout, ms (default 10000) */
  timeoutMs: number;
}

/** Where incidents go and how. */
export interface NotifyConfig {
  receivers: ReceiverConfig[];
  /** Grafana's public URL, for links back to the dashboard or the app's incident page */
  grafanaUrl?: string;
  /** default rate limit of direct receivers: 10 per 15 minutes */
  rateLimit?: { count: number; windowMs: number };
  retry?: Partial<RetryConfig>;
}

/** The outcome of one notification to one receiver, as kept and served (never with secrets). */
export interface Delivery {
  id: string;
  /** engine time, epoch ms */
  at: number;
  receiver: string;
  receiverType: ReceiverType | 'grafana';
  /** `summary`: one message for the notifications the rate limit held back; `resend`: keep-alive to Alertmanager */
  action: NotifyAction | 'summary' | 'resend';
  incidentId?: string;
  /** incidents a summary stands for */
  incidentIds?: string[];
  severity?: Severity;
  status: 'delivered' | 'failed' | 'rate_limited' | 'deduplicated';
  /** HTTP attempts made (1 when the first one succeeded) */
  attempts: number;
  httpStatus?: number;
  /** why it failed, without URLs, keys or tokens */
  error?: string;
  durationMs: number;
}

/** What a notifier needs to say about an incident: the incident and links. */
export interface IncidentMessage {
  action: NotifyAction;
  incident: Incident;
  /** where to look: the Grafana panel or the app's incident page (absent without a Grafana URL) */
  link?: string;
}
