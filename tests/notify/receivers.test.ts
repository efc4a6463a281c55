/**
 * Direct notifiers against local receivers that check every payload against the service's documented format and
 * answer as the service does: Slack (200 "ok", 400 "invalid_blocks"), PagerDuty Events v2 (202 with the dedup_key,
 * 400 "invalid event", 429), a generic webhook (Vigil's documented payload, HMAC signature), and Grafana's
 * annotations API.
 */
import { createHmac } from 'node:crypto';
import { ManualClock } from '../helpers/jobs';
import { GrafanaAnnotator } from '../../pkg/notify/grafana';
import { UndiciSender } from '../../pkg/notify/http';
import { Notifier } from '../../pkg/notify/notifier';
import type { Delivery, NotifyConfig } from '../../pkg/notify/types';
import {
  event,
  GRAFANA_ANNOTATION_PATCH,
  GRAFANA_ANNOTATION_POST,
  Lifecycle,
  opened,
  PAGERDUTY_EVENT,
  problems,
  SLACK_MESSAGE,
  startReceiver,
  VIGIL_WEBHOOK,
  type Receiver,
} from './fixtures';

const T0 = Date.UTC(2024, 0, 1, 12);
const MIN = 60_000;
const ROUTING_KEY = 'R0UT1NGKEY0123456789abcdefSECRET'; // 32 characters
const SLACK_PATH = '/services/T000/B000/XXXXsecretXXXX';
interface PdEvent {
  routing_key: string;
  event_action: string;
  dedup_key: string;
  payload: { severity: string; summary: string };
  links?: { href: string; text: string }[];
}
interface HookBody {
  event: string;
  incident: { id: string; status: string; severity: string; criticality: string };
  summary: { count: number; text: string };
}
const fastRetry = { retries: 3, minDelayMs: 20, maxDelayMs: 200, timeoutMs: 3000 };

describe('Slack incoming webhook', () => {
  let slack: Receiver;
  beforeAll(async () => {
    slack = await startReceiver((req) => {
      if (req.path !== SLACK_PATH) return { status: 404, body: 'no_service' };
      const p = problems(SLACK_MESSAGE, req.json);
      return p ? { status: 400, body: 'invalid_blocks' } : { status: 200, body: 'ok' };
    });
  });
  afterAll(() => slack.close());

  test('open, severity rise and resolve are valid Block Kit messages; repeats are de-duplicated', async () => {
    const clock = new ManualClock(T0);
    const n = new Notifier(
      {
        receivers: [{ type: 'slack', name: 'ops', url: slack.url + SLACK_PATH }],
        grafanaUrl: 'https://grafana.example.com',
        retry: fastRetry,
      },
      { clock }
    );
    const life = new Lifecycle();
    const first = event('checkout', 'errors', T0, { score: 40 });
    const d1 = await n.handle(life.step(T0, [first]));
    expect(d1.map((d) => [d.action, d.status])).toEqual([['open', 'delivered']]);
    // the same incident again: nothing new to say
    const d2 = await n.handle(life.step(T0 + MIN, [{ ...first, end: T0 + MIN }]));
    expect(d2.map((d) => d.status)).toEqual(['deduplicated']);
    // a stronger event raises the severity: an update goes out
    const d3 = await n.handle(life.step(T0 + 2 * MIN, [{ ...first, end: T0 + 2 * MIN, score: 90 }]));
    expect(d3.map((d) => [d.action, d.status])).toEqual([['update', 'delivered']]);
    const d4 = await n.handle(life.step(T0 + 10 * MIN, [], { checkout: T0 + 10 * MIN }));
    expect(d4.map((d) => [d.action, d.status])).toEqual([['resolve', 'delivered']]);
    expect(slack.requests).toHaveLength(3);
    for (const r of slack.requests) expect(problems(SLACK_MESSAGE, r.json)).toBe('');
    const [open, update, resolve] = slack.requests.map(
      (r) => r.json as { text: string; blocks: { type: string; elements?: { url?: string }[] }[] }
    );
    expect(open.text).toMatch(/^:large_orange_circle: Major: checkout: /);
    expect(update.text).toMatch(/^:red_circle: Updated: /);
    expect(resolve.text).toMatch(/^:white_check_mark: Resolved: /);
    // the start time is Slack's date token (shown in each reader's time zone), not escaped text
    expect(slack.requests[0].body).toContain(`*Started*\\n<!date^${T0 / 1000}^{date_short_pretty} {time}|`);
    const buttons = open.blocks.find((b) => b.type === 'actions')?.elements?.map((e) => e.url);
    expect(buttons).toEqual([
      expect.stringMatching(/^https:\/\/grafana\.example\.com\/d\/svc-overview\?from=\d+&to=\d+&viewPanel=3$/),
      'https://runbooks.example/checkout',
    ]);
  });

  test('a payload Slack would refuse is recorded as failed with its answer (never the URL)', async () => {
    const n = new Notifier(
      { receivers: [{ type: 'slack', name: 'ops', url: `${slack.url}/wrong/path/secretXYZ` }], retry: fastRetry },
      { clock: new ManualClock(T0) }
    );
    const [d] = await n.handle(opened([event('checkout', 'errors', T0)]));
    expect(d).toMatchObject({ status: 'failed', httpStatus: 404, error: 'HTTP 404: no_service', attempts: 1 });
    expect(JSON.stringify(d)).not.toContain('secretXYZ');
  });
});

describe('PagerDuty Events API v2', () => {
  let pd: Receiver;
  let busy = 0;
  beforeAll(async () => {
    pd = await startReceiver((req) => {
      if (req.path !== '/v2/enqueue' || req.method !== 'POST') return { status: 404, body: { status: 'not found' } };
      if (busy > 0) {
        busy--;
        return { status: 429, body: '', headers: { 'retry-after': '0' } };
      }
      const p = problems(PAGERDUTY_EVENT, req.json);
      if (p) return { status: 400, body: { status: 'invalid event', message: 'Event object is invalid', errors: [p] } };
      const ev = req.json as { dedup_key?: string };
      return {
        status: 202,
        body: { status: 'success', message: 'Event processed', dedup_key: ev.dedup_key ?? 'generated' },
      };
    });
  });
  afterAll(() => pd.close());

  test('trigger and resolve carry one stable dedup_key; severities are mapped; 429 is retried', async () => {
    const n = new Notifier(
      {
        receivers: [{ type: 'pagerduty', name: 'pager', routingKey: ROUTING_KEY, url: `${pd.url}/v2/enqueue` }],
        retry: fastRetry,
      },
      { clock: new ManualClock(T0) }
    );
    const life = new Lifecycle();
    busy = 2; // PagerDuty throttles the first two attempts
    const d1 = await n.handle(life.step(T0, [event('checkout', 'errors', T0, { score: 80 })]));
    expect(d1).toEqual([
      expect.objectContaining({ action: 'open', status: 'delivered', attempts: 3, httpStatus: 202 }),
    ]);
    const d2 = await n.handle(life.step(T0 + 10 * MIN, [], { checkout: T0 + 10 * MIN }));
    expect(d2).toEqual([expect.objectContaining({ action: 'resolve', status: 'delivered', attempts: 1 })]);
    const accepted = pd.requests.filter((r) => problems(PAGERDUTY_EVENT, r.json) === '');
    expect(accepted).toHaveLength(4); // two throttled attempts, the trigger, the resolve
    const trigger = accepted[2].json as PdEvent;
    const resolve = accepted[3].json as PdEvent;
    expect(trigger.event_action).toBe('trigger');
    expect(trigger.payload.severity).toBe('critical'); // critical incident on a high-criticality job
    expect(trigger.payload.summary).toMatch(/^\[critical\] checkout: /);
    expect(trigger.links).toEqual([{ href: 'https://runbooks.example/checkout', text: 'Runbook' }]);
    expect(resolve).toEqual({ routing_key: ROUTING_KEY, event_action: 'resolve', dedup_key: trigger.dedup_key });
    expect(trigger.dedup_key).toMatch(/^vigil\/inc_[0-9a-f]{16}$/);
  });

  test('severity map: major is "error" by default and can be changed', async () => {
    const n = new Notifier(
      {
        receivers: [
          { type: 'pagerduty', name: 'default', routingKey: ROUTING_KEY, url: `${pd.url}/v2/enqueue` },
          {
            type: 'pagerduty',
            name: 'custom',
            routingKey: ROUTING_KEY,
            url: `${pd.url}/v2/enqueue`,
            severityMap: { major: 'critical' },
          },
        ],
        retry: fastRetry,
      },
      { clock: new ManualClock(T0) }
    );
    const before = pd.requests.length;
    await n.handle(opened([event('search', 'latency', T0, { score: 60 })]));
    const sent = pd.requests.slice(before).map((r) => (r.json as { payload: { severity: string } }).payload.severity);
    expect(sent).toEqual(['error', 'critical']);
  });
});

describe('generic webhook', () => {
  test('the documented payload, custom headers and an HMAC signature the receiver can check', async () => {
    const secret = 'whsec-signing-SECRET-1';
    const hook = await startReceiver((req) => {
      const ts = String(req.headers['x-vigil-timestamp']);
      const sig = createHmac('sha256', secret).update(`${ts}.${req.body}`).digest('hex');
      if (req.headers['x-vigil-signature'] !== `sha256=${sig}`) return { status: 401, body: 'bad signature' };
      if (req.headers.authorization !== 'Bearer hook-TOKEN-2') return { status: 403, body: 'forbidden' };
      const p = problems(VIGIL_WEBHOOK, req.json);
      return p ? { status: 422, body: p } : { status: 204 };
    });
    try {
      const n = new Notifier(
        {
          receivers: [
            {
              type: 'webhook',
              name: 'hook',
              url: `${hook.url}/vigil?token=query-SECRET-3`,
              headers: { Authorization: 'Bearer hook-TOKEN-2' },
              signingSecret: secret,
              minSeverity: 'warning',
            },
          ],
          retry: fastRetry,
        },
        { clock: new ManualClock(T0) }
      );
      const life = new Lifecycle();
      const d = [
        ...(await n.handle(life.step(T0, [event('batch', 'jobs_failed', T0, { score: 30 })]))),
        ...(await n.handle(life.step(T0 + 10 * MIN, [], { batch: T0 + 10 * MIN }))),
      ];
      expect(d.map((x) => [x.action, x.status, x.httpStatus])).toEqual([
        ['open', 'delivered', 204],
        ['resolve', 'delivered', 204],
      ]);
      const [open, resolve] = hook.requests.map((r) => r.json as HookBody);
      expect(open.event).toBe('incident.opened');
      expect(open.incident).toMatchObject({ status: 'open', severity: 'warning', criticality: 'low' });
      expect(resolve.event).toBe('incident.resolved');
      expect(resolve.incident).toMatchObject({ status: 'resolved', id: open.incident.id });
    } finally {
      await hook.close();
    }
  });
});

describe('rate limit, summary, retries and secrets', () => {
  test('10 per 15 minutes per job; the rest goes out as one summary once there is room', async () => {
    const hook = await startReceiver(() => ({ status: 200, body: 'ok' }));
    try {
      const clock = new ManualClock(T0);
      const n = new Notifier(
        { receivers: [{ type: 'webhook', name: 'hook', url: hook.url }], retry: fastRetry },
        { clock }
      );
      const out: Delivery[] = [];
      // twelve separate incidents of one job, an hour apart in data time, all reported now
      for (let k = 0; k < 12; k++) {
        out.push(...(await n.handle(opened([event('search', `m${k}`, T0 - k * 3_600_000, { score: 55 + k })]))));
      }
      expect(out.filter((d) => d.status === 'delivered')).toHaveLength(10);
      const held = out.filter((d) => d.status === 'rate_limited');
      expect(held).toHaveLength(2);
      // another job shares the receiver's limit of 10
      const other = await n.handle(opened([event('checkout', 'errors', T0)]));
      expect(other.map((d) => d.status)).toEqual(['rate_limited']);
      expect(hook.requests).toHaveLength(10);
      await clock.advance(15 * MIN);
      const flushed = await n.tick();
      expect(flushed).toEqual([expect.objectContaining({ action: 'summary', status: 'delivered' })]);
      expect(flushed[0].incidentIds).toHaveLength(3);
      const summary = hook.requests[10].json as HookBody;
      expect(problems(VIGIL_WEBHOOK, summary)).toBe('');
      expect(summary.summary.count).toBe(3);
      expect(summary.summary.text).toBe('Vigil held back 3 notifications (rate limit): 1 critical, 2 major');
      expect(await n.tick()).toEqual([]); // nothing held any more
    } finally {
      await hook.close();
    }
  });

  test('retries with backoff end in a failed record; secrets never reach records, logs or the public config', async () => {
    const down = await startReceiver(() => ({ status: 503, body: 'maintenance', headers: { 'retry-after': '0' } }));
    const logs: string[] = [];
    const logger = {
      info: (o: object, m?: string) => logs.push(JSON.stringify(o) + (m ?? '')),
      warn: (o: object, m?: string) => logs.push(JSON.stringify(o) + (m ?? '')),
    };
    const config: NotifyConfig = {
      receivers: [
        { type: 'slack', name: 'slack', url: `${down.url}${SLACK_PATH}` },
        { type: 'pagerduty', name: 'pd', routingKey: ROUTING_KEY, url: `${down.url}/v2/enqueue` },
        {
          type: 'webhook',
          name: 'hook',
          url: 'http://127.0.0.1:1/hook?token=closed-port-SECRET',
          headers: { 'X-Api-Key': 'apikey-SECRET-9' },
        },
        { type: 'alertmanager', name: 'am', url: down.url, auth: { token: 'am-bearer-SECRET-7' } },
      ],
      retry: fastRetry,
    };
    try {
      const n = new Notifier(config, { clock: new ManualClock(T0), logger });
      const t0 = Date.now();
      const d = await n.handle(opened([event('checkout', 'errors', T0, { score: 90 })]));
      expect(d.map((x) => [x.receiver, x.status, x.attempts, x.error])).toEqual([
        ['slack', 'failed', 4, 'HTTP 503 after retries'],
        ['pd', 'failed', 4, 'HTTP 503 after retries'],
        ['hook', 'failed', 4, 'connection refused'],
        ['am', 'failed', 4, 'HTTP 503 after retries'],
      ]);
      expect(Date.now() - t0).toBeGreaterThanOrEqual(3 * 20); // waited between attempts
      const visible = JSON.stringify({ d, logs, config: n.describe(), deliveries: n.deliveries() });
      for (const secret of [
        'XXXXsecretXXXX',
        ROUTING_KEY,
        'closed-port-SECRET',
        'apikey-SECRET-9',
        'am-bearer-SECRET-7',
      ]) {
        expect(visible).not.toContain(secret);
      }
      expect(n.describe().receivers).toEqual([
        { name: 'slack', type: 'slack', endpoint: `${down.url}/…` },
        { name: 'pd', type: 'pagerduty', endpoint: `${down.url}/v2/enqueue` },
        { name: 'hook', type: 'webhook', endpoint: 'http://127.0.0.1:1/…', headers: ['X-Api-Key'] },
        { name: 'am', type: 'alertmanager', endpoint: down.url, auth: 'bearer' },
      ]);
    } finally {
      await down.close();
    }
  });

  test('the sender counts attempts and honours a closed port without hanging', async () => {
    const sender = new UndiciSender({ retries: 1, minDelayMs: 10, maxDelayMs: 10, timeoutMs: 1000 });
    await expect(sender.send({ method: 'POST', url: 'http://127.0.0.1:1/x', body: '{}' })).rejects.toMatchObject({
      message: 'connection refused',
      attempts: 2,
    });
    await sender.close();
  });
});

describe('Grafana annotations', () => {
  let grafana: Receiver;
  const annotations = new Map<number, Record<string, unknown>>();
  let nextId = 41;
  beforeAll(async () => {
    grafana = await startReceiver((req) => {
      if (req.headers.authorization !== 'Bearer glsa_service_account_SECRET')
        return { status: 401, body: { message: 'Unauthorized' } };
      if (req.method === 'POST' && req.path === '/api/annotations') {
        const p = problems(GRAFANA_ANNOTATION_POST, req.json);
        if (p) return { status: 400, body: { message: p } };
        const id = ++nextId;
        annotations.set(id, { ...(req.json as object) });
        return { status: 200, body: { message: 'Annotation added', id } };
      }
      const m = /^\/api\/annotations\/(\d+)$/.exec(req.path);
      if (req.method === 'PATCH' && m) {
        const p = problems(GRAFANA_ANNOTATION_PATCH, req.json);
        if (p) return { status: 400, body: { message: p } };
        const id = Number(m[1]);
        if (!annotations.has(id)) return { status: 404, body: { message: 'Annotation not found' } };
        annotations.set(id, { ...annotations.get(id), ...(req.json as object) });
        return { status: 200, body: { message: 'Annotation patched' } };
      }
      return { status: 404, body: { message: 'Not found' } };
    });
  });
  afterAll(() => grafana.close());

  test('a region on the job panel opens, stretches and closes with the incident', async () => {
    const clock = new ManualClock(T0);
    const ids: [string, number | undefined][] = [];
    const a = new GrafanaAnnotator(
      { url: grafana.url, token: 'glsa_service_account_SECRET', orgId: 2, publicUrl: 'https://grafana.example.com' },
      { clock, onAnnotationId: (i, id) => ids.push([i, id]) }
    );
    const life = new Lifecycle();
    const e = event('checkout', 'errors', T0, { score: 80 });
    const open = await a.handle(life.step(T0, [e]));
    expect(open).toEqual([expect.objectContaining({ action: 'open', status: 'delivered' })]);
    const incidentId = open[0].incidentId!;
    const annId = a.annotationId(incidentId)!;
    expect(annotations.get(annId)).toMatchObject({
      dashboardUID: 'svc-overview',
      panelId: 3,
      time: T0,
      timeEnd: T0 + MIN,
      tags: ['vigil', 'incident', 'severity:critical', 'kind:error-burst', 'job:checkout'],
    });
    await a.handle(life.step(T0 + 5 * MIN, [{ ...e, end: T0 + 4 * MIN }]));
    expect(annotations.get(annId)).toMatchObject({ time: T0, timeEnd: T0 + 5 * MIN });
    await a.handle(life.step(T0 + 10 * MIN, [], { checkout: T0 + 10 * MIN }));
    const closed = annotations.get(annId)!;
    expect(closed.timeEnd).toBe(T0 + 5 * MIN);
    expect(closed.tags).toContain('resolved');
    expect(String(closed.text)).toMatch(/^Resolved: checkout: /);
    expect(a.annotationId(incidentId)).toBeUndefined();
    expect(ids).toEqual([
      [incidentId, annId],
      [incidentId, undefined],
    ]);
    for (const r of grafana.requests) expect(r.headers['x-grafana-org-id']).toBe('2');
  });

  test('without a dashboard: an organisation annotation with tags; a bad token is a failed record without the token', async () => {
    const a = new GrafanaAnnotator(
      { url: grafana.url, token: 'glsa_service_account_SECRET', tags: ['team:web'] },
      { clock: new ManualClock(T0) }
    );
    const [d] = await a.handle(opened([event('search', 'latency', T0)]));
    const body = annotations.get(a.annotationId(d.incidentId!)!)!;
    expect(body.dashboardUID).toBeUndefined();
    expect(body.panelId).toBeUndefined();
    expect(body.tags).toEqual(['vigil', 'incident', 'severity:major', 'kind:spike', 'job:search', 'team:web']);
    const bad = new GrafanaAnnotator({ url: grafana.url, token: 'wrong-token-SECRET' }, { clock: new ManualClock(T0) });
    const [f] = await bad.handle(opened([event('search', 'latency', T0)]));
    expect(f).toMatchObject({ status: 'failed', httpStatus: 401 });
    expect(JSON.stringify(f)).not.toContain('wrong-token-SECRET');
  });
});
