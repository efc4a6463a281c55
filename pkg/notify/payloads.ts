import type { Severity } from '../contract/rules';
import { formatDuration, joinWords } from '../incidents/format';
import type { Incident } from '../incidents/types';
import type { IncidentMessage, NotifyAction, PagerDutySeverity } from './types';

/** The app's id, for links to its incident page. */
export const APP_ID = 'vigil-anomaly-app';

/**
 * Where a notification points: the job's Grafana panel (or dashboard) around the incident when the job names one,
 * else the Vigil app's incident page. Undefined without a Grafana URL.
 * @param grafanaUrl Grafana's public base URL, e.g. `https://grafana.example.com`
 */
export function incidentLink(incident: Incident, grafanaUrl?: string): string | undefined {
  if (!grafanaUrl) return undefined;
  const base = grafanaUrl.replace(/\/+$/, '');
  const pad = Math.max(3_600_000, incident.end - incident.start);
  const range = `from=${incident.start - pad}&to=${incident.end + pad}`;
  if (incident.dashboardUid) {
    const panel = incident.panelId !== undefined ? `&viewPanel=${incident.panelId}` : '';
    return `${base}/d/${encodeURIComponent(incident.dashboardUid)}?${range}${panel}`;
  }
  return `${base}/a/${APP_ID}/incidents?incident=${encodeURIComponent(incident.id)}&${range}`;
}

// ---------------------------------------------------------------------------------------------------------------
// Alertmanager v2: POST /api/v2/alerts with a list of postable alerts (labels, annotations, startsAt, endsAt,
// generatorURL). An alert's identity is its label set.

/** A postable alert of Alertmanager's v2 API. Times are RFC 3339. */
export interface AlertmanagerAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  endsAt?: string;
  generatorURL?: string;
}

/** Alertmanager label names: `[a-zA-Z_][a-zA-Z0-9_]*`; anything else becomes `_`. */
export function labelName(name: string): string {
  const s = name.replace(/[^a-zA-Z0-9_]/g, '_');
  return /^[a-zA-Z_]/.test(s) ? s : `_${s}`;
}

/**
 * The labels that identify an incident's alert: `alertname="VigilIncident"`, `vigil_incident`, `vigil_job` (job
 * names joined by `,`), `severity`, `criticality`, the incident's shared labels (names sanitised, `vigil_`/`alertname`
 * kept), and the receiver's extra labels (which win).
 */
export function alertLabels(incident: Incident, severity: Severity, extra: Record<string, string> = {}) {
  const labels: Record<string, string> = {};
  for (const [k, v] of Object.entries(incident.labels)) {
    const name = labelName(k);
    if (name === 'alertname' || name.startsWith('vigil_') || name === 'severity' || name === '__name__') continue;
    labels[name] = v;
  }
  return {
    ...labels,
    alertname: 'VigilIncident',
    vigil_incident: incident.id,
    vigil_job: incident.jobs.map((j) => j.name).join(','),
    severity,
    criticality: incident.criticality,
    ...extra,
  };
}

/**
 * An incident as an Alertmanager alert. Firing: `endsAt` = now + `ttlMs` (Alertmanager resolves it by itself if the
 * engine stops re-sending); resolved: `endsAt` = the resolution time. Annotations: summary (title), description
 * (summary sentence), triage, kind, series, detectors, runbook_url, and the link as generatorURL.
 */
export function alertmanagerAlert(
  msg: IncidentMessage,
  options: { now: number; ttlMs: number; severity?: Severity; labels?: Record<string, string> }
): AlertmanagerAlert {
  const i = msg.incident;
  const severity = options.severity ?? i.severity;
  const endsAt = msg.action === 'resolve' ? (i.resolvedAt ?? options.now) : options.now + options.ttlMs;
  const annotations: Record<string, string> = {
    summary: i.title,
    description: i.summary,
    triage: i.triage.toFixed(2),
    kind: i.kind,
    series: i.series
      .slice(0, 5)
      .map((s) => s.name)
      .join(', '),
    detectors: i.detectors
      .slice(0, 5)
      .map((d) => d.name)
      .join(', '),
  };
  if (i.runbookUrl) annotations.runbook_url = i.runbookUrl;
  if (msg.link) annotations.dashboard_url = msg.link;
  return {
    labels: alertLabels(i, severity, options.labels),
    annotations,
    startsAt: iso(i.start),
    endsAt: iso(Math.max(endsAt, i.start + 1)),
    ...(msg.link ? { generatorURL: msg.link } : {}),
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Generic webhook

/** The JSON a generic webhook receives. */
export interface WebhookPayload {
  version: '1';
  source: 'vigil';
  /** `incident.opened`, `incident.updated`, `incident.resolved`, or `incidents.summary` */
  event: string;
  receiver: string;
  /** engine time, RFC 3339 */
  sentAt: string;
  incident?: Incident;
  link?: string;
  /** summary only */
  summary?: SummaryContent;
}

/** What a rate-limit summary says. */
export interface SummaryContent {
  /** how many notifications were held back */
  count: number;
  /** since when, epoch ms */
  since: number;
  bySeverity: Record<Severity, number>;
  /** the held-back incidents, most severe first (at most 10) */
  incidents: { id: string; title: string; severity: Severity; start: number }[];
  text: string;
}

const EVENT: Record<NotifyAction, string> = {
  open: 'incident.opened',
  update: 'incident.updated',
  resolve: 'incident.resolved',
};

export function webhookPayload(msg: IncidentMessage, receiver: string, now: number): WebhookPayload {
  return {
    version: '1',
    source: 'vigil',
    event: EVENT[msg.action],
    receiver,
    sentAt: iso(now),
    incident: msg.incident,
    ...(msg.link ? { link: msg.link } : {}),
  };
}

export function webhookSummaryPayload(summary: SummaryContent, receiver: string, now: number): WebhookPayload {
  return { version: '1', source: 'vigil', event: 'incidents.summary', receiver, sentAt: iso(now), summary };
}

// ---------------------------------------------------------------------------------------------------------------
// Slack incoming webhook, Block Kit. Limits (Slack's Block Kit reference): header text 150 characters; section
// text 3000; at most 10 section fields of 2000 each; context up to 10 elements; button text 75, url 3000;
// at most 50 blocks. mrkdwn escapes &, < and >.

const SLACK_MARK: Record<Severity, string> = {
  critical: ':red_circle:',
  major: ':large_orange_circle:',
  minor: ':large_yellow_circle:',
  warning: ':white_circle:',
};

/** A Slack Block Kit message (the fields Vigil uses). */
export interface SlackMessage {
  text: string;
  blocks: Record<string, unknown>[];
}

/** Escape text for Slack mrkdwn. */
export function slackEscape(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function cut(s: string, n: number): string {
  return s.length <= n ? s : `${s.slice(0, n - 1)}…`;
}

/**
 * An incident as a Slack message: a header with the severity mark and title, the summary, fields (severity,
 * triage, started, duration, jobs, series, detectors), a context line with the incident id, and buttons to
 * Grafana and the runbook. Resolved incidents get a check mark and the time they resolved.
 */
export function slackMessage(msg: IncidentMessage): SlackMessage {
  const i = msg.incident;
  const mark = msg.action === 'resolve' ? ':white_check_mark:' : SLACK_MARK[i.severity];
  const verb = msg.action === 'resolve' ? 'Resolved' : msg.action === 'update' ? 'Updated' : capital(i.severity);
  const title = `${verb}: ${i.title}`;
  // values are escaped; the start time is Slack's date token, shown in each reader's time zone
  const started = `<!date^${Math.floor(i.start / 1000)}^{date_short_pretty} {time}|${iso(i.start)}>`;
  const fields = [
    ['Severity', slackEscape(`${i.severity} (${i.criticality} criticality)`)],
    ['Triage', i.triage.toFixed(2)],
    ['Started', started],
    ['Duration', formatDuration(i.end - i.start)],
    ['Jobs', slackEscape(joinWords(i.jobs.map((j) => j.name)))],
    [
      'Series',
      slackEscape(
        i.series
          .slice(0, 5)
          .map((s) => `${s.name} ${Math.round(s.share * 100)}%`)
          .join(', ')
      ),
    ],
    [
      'Detectors',
      i.detectors
        .slice(0, 5)
        .map((d) => d.name)
        .join(', '),
    ],
  ].map(([k, v]) => ({ type: 'mrkdwn', text: cut(`*${k}*\n${v}`, 2000) }));
  const blocks: Record<string, unknown>[] = [
    { type: 'header', text: { type: 'plain_text', text: cut(title, 150), emoji: true } },
    { type: 'section', text: { type: 'mrkdwn', text: cut(`${mark} ${slackEscape(i.summary)}`, 3000) } },
    { type: 'section', fields: fields.slice(0, 10) },
    {
      type: 'context',
      elements: [
        {
          type: 'mrkdwn',
          text: cut(
            `Vigil incident \`${i.id}\`${i.resolvedAt && msg.action === 'resolve' ? ` · resolved ${iso(i.resolvedAt)}` : ''}`,
            2000
          ),
        },
      ],
    },
  ];
  const buttons: Record<string, unknown>[] = [];
  if (msg.link) {
    buttons.push({ type: 'button', text: { type: 'plain_text', text: 'Open in Grafana' }, url: cut(msg.link, 3000) });
  }
  if (i.runbookUrl) {
    buttons.push({ type: 'button', text: { type: 'plain_text', text: 'Runbook' }, url: cut(i.runbookUrl, 3000) });
  }
  if (buttons.length) blocks.push({ type: 'actions', elements: buttons });
  return { text: `${mark} ${title}`, blocks };
}

/** A rate-limit summary as one Slack message. */
export function slackSummary(summary: SummaryContent): SlackMessage {
  const lines = summary.incidents.map(
    (x) => `${SLACK_MARK[x.severity]} ${slackEscape(x.title)} (${x.severity}, ${iso(x.start)})`
  );
  return {
    text: summary.text,
    blocks: [
      { type: 'header', text: { type: 'plain_text', text: cut(summary.text, 150), emoji: true } },
      { type: 'section', text: { type: 'mrkdwn', text: cut(lines.join('\n') || 'no details', 3000) } },
    ],
  };
}

// ---------------------------------------------------------------------------------------------------------------
// PagerDuty Events API v2: POST /v2/enqueue {routing_key, event_action: trigger|acknowledge|resolve, dedup_key,
// payload: {summary (<= 1024), source, severity: critical|error|warning|info, timestamp, component, group, class,
// custom_details}, client, client_url, links}. dedup_key <= 255 characters.

export const DEFAULT_PAGERDUTY_SEVERITY: Record<Severity, PagerDutySeverity> = {
  critical: 'critical',
  major: 'error',
  minor: 'warning',
  warning: 'info',
};

/** The stable dedup_key of an incident: `vigil/<incident id>`. */
export function pagerDutyDedupKey(incident: Incident): string {
  return `vigil/${incident.id}`;
}

/**
 * An incident as a PagerDuty Events v2 event: `trigger` for open and update (same dedup_key, so an update changes
 * the open alert), `resolve` when it resolves.
 */
export function pagerDutyEvent(
  msg: IncidentMessage,
  routingKey: string,
  severityMap: Partial<Record<Severity, PagerDutySeverity>> = {}
): Record<string, unknown> {
  const i = msg.incident;
  const dedup = pagerDutyDedupKey(i);
  if (msg.action === 'resolve') return { routing_key: routingKey, event_action: 'resolve', dedup_key: dedup };
  const severity = severityMap[i.severity] ?? DEFAULT_PAGERDUTY_SEVERITY[i.severity];
  const links: { href: string; text: string }[] = [];
  if (msg.link) links.push({ href: msg.link, text: 'Open in Grafana' });
  if (i.runbookUrl) links.push({ href: i.runbookUrl, text: 'Runbook' });
  return {
    routing_key: routingKey,
    event_action: 'trigger',
    dedup_key: dedup,
    payload: {
      summary: cut(`[${i.severity}] ${i.title}`, 1024),
      source: cut(i.jobs.map((j) => j.name).join(', ') || 'vigil', 255),
      severity,
      timestamp: iso(i.start),
      component: i.metrics[0]?.name ?? 'value',
      group: i.jobs[0]?.name ?? 'vigil',
      class: i.kind,
      custom_details: {
        summary: i.summary,
        triage: i.triage,
        criticality: i.criticality,
        incident: i.id,
        series: i.series.slice(0, 10).map((s) => ({ name: s.name, share: s.share })),
        detectors: i.detectors.slice(0, 10).map((d) => ({ name: d.name, share: d.share })),
        examples: i.examples.slice(0, 5).map((e) => ({
          time: iso(e.t),
          series: e.series,
          actual: e.actual,
          expected: e.expected,
          score: e.score,
        })),
        ...(i.runbookUrl ? { runbook: i.runbookUrl } : {}),
      },
    },
    client: 'Vigil',
    ...(msg.link ? { client_url: msg.link } : {}),
    ...(links.length ? { links } : {}),
  };
}

/** A rate-limit summary as one PagerDuty trigger (its own dedup_key per summary window). */
export function pagerDutySummary(
  summary: SummaryContent,
  routingKey: string,
  severityMap: Partial<Record<Severity, PagerDutySeverity>> = {}
): Record<string, unknown> {
  const worst = (['critical', 'major', 'minor', 'warning'] as const).find((s) => summary.bySeverity[s] > 0) ?? 'minor';
  return {
    routing_key: routingKey,
    event_action: 'trigger',
    dedup_key: `vigil/summary/${summary.since}`,
    payload: {
      summary: cut(summary.text, 1024),
      source: 'vigil',
      severity: severityMap[worst] ?? DEFAULT_PAGERDUTY_SEVERITY[worst],
      timestamp: iso(summary.since),
      class: 'summary',
      custom_details: { incidents: summary.incidents.map((x) => ({ ...x, start: iso(x.start) })) },
    },
    client: 'Vigil',
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Grafana annotations API: POST /api/annotations {dashboardUID, panelId, time, timeEnd, tags, text} -> {id};
// PATCH /api/annotations/:id {timeEnd, text, tags}.

/** A region annotation for an incident: its span, tags `vigil`, `incident`, severity, kind and jobs, and text. */
export function annotationBody(
  incident: Incident,
  options: { extraTags?: string[]; link?: string } = {}
): { time: number; timeEnd: number; tags: string[]; text: string; dashboardUID?: string; panelId?: number } {
  const tags = [
    'vigil',
    'incident',
    `severity:${incident.severity}`,
    `kind:${incident.kind.replace(/ /g, '-')}`,
    ...incident.jobs.map((j) => `job:${j.name}`),
    ...(options.extraTags ?? []),
  ];
  if (incident.status === 'resolved') tags.push('resolved');
  const text =
    `${incident.status === 'resolved' ? 'Resolved: ' : ''}${incident.title}\n${incident.summary}` +
    (incident.runbookUrl ? `\nRunbook: ${incident.runbookUrl}` : '') +
    (options.link ? `\n${options.link}` : '');
  return {
    time: incident.start,
    timeEnd: Math.max(incident.end, incident.start + 1),
    tags,
    text,
    ...(incident.dashboardUid ? { dashboardUID: incident.dashboardUid } : {}),
    ...(incident.dashboardUid && incident.panelId !== undefined ? { panelId: incident.panelId } : {}),
  };
}

function iso(t: number): string {
  return new Date(t).toISOString();
}

function capital(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
