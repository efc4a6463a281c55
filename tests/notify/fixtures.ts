/**
 * Helpers of the notification suites: a local HTTP receiver that records requests and answers as told, incidents
 * built the way the engine builds them, and the payload formats of Slack, PagerDuty and Grafana as JSON Schemas
 * written from their documentation.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { advanceIncidents, EMPTY_INCIDENT_STATE, type IncidentChange } from '../../pkg/incidents/lifecycle';
import type { IncidentEvent, IncidentJob } from '../../pkg/incidents/types';

export interface Received {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  json?: unknown;
  at: number;
}

export interface Receiver {
  url: string;
  requests: Received[];
  close(): Promise<void>;
}

/**
 * Start an HTTP server on a free 127.0.0.1 port; `answer` decides each response from the request (and may
 * check it). Every request is recorded before it is answered.
 */
export async function startReceiver(
  answer: (req: Received, all: Received[]) => { status: number; body?: unknown; headers?: Record<string, string> }
): Promise<Receiver> {
  const requests: Received[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      let json: unknown;
      try {
        json = body ? JSON.parse(body) : undefined;
      } catch {
        json = undefined;
      }
      const r: Received = {
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        body,
        json,
        at: Date.now(),
      };
      requests.push(r);
      const a = answer(r, requests);
      const text = a.body === undefined ? '' : typeof a.body === 'string' ? a.body : JSON.stringify(a.body);
      res.writeHead(a.status, {
        'content-type': typeof a.body === 'string' ? 'text/plain' : 'application/json',
        ...(a.headers ?? {}),
      });
      res.end(text);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const H = 3_600_000;

/** An anomaly event of a job's series, as the runner stores it. */
export function event(jobId: string, metric: string, at: number, over: Partial<IncidentEvent> = {}): IncidentEvent {
  return {
    id: `${jobId}/${metric}/${at}`,
    jobId,
    intervalMs: 60_000,
    start: at,
    end: at,
    peak: at,
    labels: { __name__: metric, service: jobId },
    severity: 'major',
    score: 60,
    detectors: { zscore: 70, mad: 60, seasonal: 55 },
    expected: 20,
    actual: 90,
    direction: 'above',
    confidence: 0.8,
    explanation: `${metric} was 90, above the expected 20`,
    ...over,
  };
}

export const JOBS: Record<string, IncidentJob> = {
  checkout: {
    id: 'checkout',
    name: 'checkout',
    criticality: 'high',
    runbookUrl: 'https://runbooks.example/checkout',
    dashboardUid: 'svc-overview',
    panelId: 3,
  },
  search: { id: 'search', name: 'search', criticality: 'medium' },
  batch: { id: 'batch', name: 'batch', criticality: 'low' },
};

/**
 * Incident changes for `events` fed to the lifecycle in one step at `now` (with the jobs' watermarks), as the
 * engine produces them.
 */
export function opened(events: IncidentEvent[], now = Date.UTC(2024, 0, 1, 12) + H): IncidentChange[] {
  return advanceIncidents(EMPTY_INCIDENT_STATE, { now, events, watermarks: {}, jobs: JOBS }).changes;
}

/** A lifecycle driver: open, grow and resolve incidents step by step. */
export class Lifecycle {
  state = EMPTY_INCIDENT_STATE;
  step(now: number, events: IncidentEvent[], watermarks: Record<string, number> = {}): IncidentChange[] {
    const r = advanceIncidents(this.state, { now, events, watermarks, jobs: JOBS });
    this.state = r.state;
    return r.changes;
  }
}

export const ajv = new Ajv({ allErrors: true, strict: false });
addFormats(ajv);

/** `ajv` errors as one line, for test messages. */
export function problems(schema: object, data: unknown): string {
  const validate = ajv.compile(schema);
  return validate(data) ? '' : ajv.errorsText(validate.errors);
}

const plainText = (max: number) => ({
  type: 'object',
  required: ['type', 'text'],
  properties: {
    type: { const: 'plain_text' },
    text: { type: 'string', minLength: 1, maxLength: max },
    emoji: { type: 'boolean' },
  },
  additionalProperties: false,
});
const textObject = (max: number) => ({
  type: 'object',
  required: ['type', 'text'],
  properties: {
    type: { enum: ['plain_text', 'mrkdwn'] },
    text: { type: 'string', minLength: 1, maxLength: max },
    emoji: { type: 'boolean' },
    verbatim: { type: 'boolean' },
  },
  additionalProperties: false,
});

/**
 * A Slack incoming-webhook message with Block Kit blocks, per Slack's reference: `text` (the notification
 * fallback), at most 50 blocks; header: plain_text up to 150 characters; section: `text` up to 3000 and/or up to
 * 10 `fields` of up to 2000; context: up to 10 elements; actions: up to 25 elements, buttons with plain_text up to
 * 75 characters and a url up to 3000.
 */
export const SLACK_MESSAGE = {
  type: 'object',
  required: ['text', 'blocks'],
  properties: {
    text: { type: 'string', minLength: 1 },
    blocks: {
      type: 'array',
      maxItems: 50,
      items: {
        type: 'object',
        required: ['type'],
        oneOf: [
          {
            properties: {
              type: { const: 'header' },
              text: plainText(150),
              block_id: { type: 'string', maxLength: 255 },
            },
            required: ['type', 'text'],
            additionalProperties: false,
          },
          {
            properties: {
              type: { const: 'section' },
              text: textObject(3000),
              fields: { type: 'array', minItems: 1, maxItems: 10, items: textObject(2000) },
              block_id: { type: 'string', maxLength: 255 },
            },
            required: ['type'],
            anyOf: [{ required: ['text'] }, { required: ['fields'] }],
            additionalProperties: false,
          },
          {
            properties: {
              type: { const: 'context' },
              elements: { type: 'array', minItems: 1, maxItems: 10, items: textObject(3000) },
            },
            required: ['type', 'elements'],
            additionalProperties: false,
          },
          {
            properties: {
              type: { const: 'actions' },
              elements: {
                type: 'array',
                minItems: 1,
                maxItems: 25,
                items: {
                  type: 'object',
                  required: ['type', 'text'],
                  properties: {
                    type: { const: 'button' },
                    text: plainText(75),
                    url: { type: 'string', format: 'uri', maxLength: 3000 },
                    action_id: { type: 'string', maxLength: 255 },
                    value: { type: 'string', maxLength: 2000 },
                  },
                  additionalProperties: false,
                },
              },
            },
            required: ['type', 'elements'],
            additionalProperties: false,
          },
          { properties: { type: { const: 'divider' } }, required: ['type'], additionalProperties: false },
        ],
      },
    },
  },
  additionalProperties: false,
};

/**
 * A PagerDuty Events API v2 event, per PagerDuty's published OpenAPI document (events-v2) and its "send an alert
 * event" reference: routing_key (32 characters), event_action trigger|acknowledge|resolve, dedup_key (at most 255
 * characters; required unless triggering), and for a trigger a payload with summary (at most 1024), source and
 * severity critical|error|warning|info, an optional RFC 3339 timestamp, component, group, class and
 * custom_details; links with href; images with src.
 */
export const PAGERDUTY_EVENT = {
  type: 'object',
  required: ['routing_key', 'event_action'],
  properties: {
    routing_key: { type: 'string', minLength: 32, maxLength: 32 },
    event_action: { enum: ['trigger', 'acknowledge', 'resolve'] },
    dedup_key: { type: 'string', minLength: 1, maxLength: 255 },
    client: { type: 'string' },
    client_url: { type: 'string', format: 'uri' },
    links: {
      type: 'array',
      items: {
        type: 'object',
        required: ['href'],
        properties: { href: { type: 'string', format: 'uri' }, text: { type: 'string' } },
        additionalProperties: false,
      },
    },
    images: { type: 'array', items: { type: 'object', required: ['src'] } },
    payload: {
      type: 'object',
      required: ['summary', 'source', 'severity'],
      properties: {
        summary: { type: 'string', minLength: 1, maxLength: 1024 },
        source: { type: 'string', minLength: 1 },
        severity: { enum: ['critical', 'error', 'warning', 'info'] },
        timestamp: { type: 'string', format: 'date-time' },
        component: { type: 'string' },
        group: { type: 'string' },
        class: { type: 'string' },
        custom_details: { type: 'object' },
      },
      additionalProperties: false,
    },
  },
  allOf: [
    { if: { properties: { event_action: { const: 'trigger' } } }, then: { required: ['payload'] } },
    { if: { properties: { event_action: { enum: ['acknowledge', 'resolve'] } } }, then: { required: ['dedup_key'] } },
  ],
  additionalProperties: false,
};

/**
 * Grafana's annotations HTTP API: `POST /api/annotations` with `time` (epoch ms), optional `timeEnd` for a region,
 * `tags`, `text` (required), and `dashboardUID`/`panelId` to scope it; `PATCH /api/annotations/:id` with any of
 * `time`, `timeEnd`, `text`, `tags`.
 */
export const GRAFANA_ANNOTATION_POST = {
  type: 'object',
  required: ['time', 'text'],
  properties: {
    dashboardUID: { type: 'string', minLength: 1 },
    panelId: { type: 'integer' },
    time: { type: 'integer', minimum: 0 },
    timeEnd: { type: 'integer', minimum: 0 },
    tags: { type: 'array', items: { type: 'string' } },
    text: { type: 'string', minLength: 1 },
  },
  additionalProperties: false,
};

export const GRAFANA_ANNOTATION_PATCH = {
  type: 'object',
  minProperties: 1,
  properties: {
    time: { type: 'integer', minimum: 0 },
    timeEnd: { type: 'integer', minimum: 0 },
    tags: { type: 'array', items: { type: 'string' } },
    text: { type: 'string', minLength: 1 },
  },
  additionalProperties: false,
};

/** Vigil's generic webhook payload as docs/notifications.md documents it. */
export const VIGIL_WEBHOOK = {
  type: 'object',
  required: ['version', 'source', 'event', 'receiver', 'sentAt'],
  properties: {
    version: { const: '1' },
    source: { const: 'vigil' },
    event: { enum: ['incident.opened', 'incident.updated', 'incident.resolved', 'incidents.summary'] },
    receiver: { type: 'string' },
    sentAt: { type: 'string', format: 'date-time' },
    link: { type: 'string', format: 'uri' },
    incident: {
      type: 'object',
      required: [
        'id',
        'status',
        'title',
        'summary',
        'severity',
        'triage',
        'start',
        'end',
        'jobs',
        'series',
        'detectors',
      ],
    },
    summary: { type: 'object', required: ['count', 'since', 'bySeverity', 'incidents', 'text'] },
  },
  oneOf: [{ required: ['incident'] }, { required: ['summary'] }],
  additionalProperties: false,
};
