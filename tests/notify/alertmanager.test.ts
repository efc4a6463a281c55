/**
 * Incidents through a real Prometheus Alertmanager (Debian's prometheus-alertmanager, started by the test with a
 * configuration it writes) to a webhook receiver the test runs: Alertmanager groups Vigil's alerts by job, sends
 * resolved notifications, and silences suppress them. The engine only posts alerts (v2 API); grouping, silences and
 * routing are Alertmanager's.
 */
import { request } from 'undici';
import { systemClock } from '../../pkg/core/clock';
import { Notifier } from '../../pkg/notify/notifier';
import { startAlertmanager, type AlertmanagerServer } from '../servers/alertmanager';
import { event, Lifecycle, startReceiver, type Receiver } from './fixtures';

interface AmWebhook {
  version: string;
  status: 'firing' | 'resolved';
  receiver: string;
  groupLabels: Record<string, string>;
  commonLabels: Record<string, string>;
  alerts: {
    status: 'firing' | 'resolved';
    labels: Record<string, string>;
    annotations: Record<string, string>;
    startsAt: string;
    endsAt: string;
    generatorURL: string;
  }[];
}

const MIN = 60_000;

async function waitFor<T>(what: string, check: () => T | undefined, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = check();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('Alertmanager', () => {
  let am: AlertmanagerServer;
  let hook: Receiver;
  let notifier: Notifier;
  const messages = () => hook.requests.map((r) => r.json as AmWebhook);

  beforeAll(async () => {
    hook = await startReceiver(() => ({ status: 200, body: 'ok' }));
    am = await startAlertmanager(`
route:
  receiver: vigil-hook
  group_by: [alertname, vigil_job]
  group_wait: 1s
  group_interval: 1s
  repeat_interval: 1h
receivers:
  - name: vigil-hook
    webhook_configs:
      - url: ${hook.url}/alerts
        send_resolved: true
`);
    notifier = new Notifier(
      {
        receivers: [{ type: 'alertmanager', name: 'am', url: am.url, labels: { team: 'web' } }],
        grafanaUrl: 'https://grafana.example.com',
        retry: { retries: 2, minDelayMs: 50, maxDelayMs: 200, timeoutMs: 5000 },
      },
      { clock: systemClock }
    );
  }, 120_000);
  afterAll(async () => {
    await am?.stop();
    await hook?.close();
  });

  test('alerts are grouped by job; labels, annotations and the link back to Grafana arrive', async () => {
    const now = Date.now();
    const life = new Lifecycle();
    // two separate incidents of checkout (an hour apart) and one of search
    const changes = life.step(now, [
      event('checkout', 'errors', now - 70 * MIN, { score: 80 }),
      event('checkout', 'latency', now - 5 * MIN, { score: 60 }),
      event('search', 'latency', now - 5 * MIN, { score: 55 }),
    ]);
    expect(changes.map((c) => c.type)).toEqual(['opened', 'opened', 'opened']);
    const d = await notifier.handle(changes);
    expect(d.map((x) => [x.action, x.status, x.httpStatus])).toEqual([
      ['open', 'delivered', 200],
      ['open', 'delivered', 200],
      ['open', 'delivered', 200],
    ]);
    const checkout = await waitFor('the checkout group', () =>
      messages().find((m) => m.groupLabels.vigil_job === 'checkout' && m.alerts.length === 2)
    );
    const search = await waitFor('the search group', () =>
      messages().find((m) => m.groupLabels.vigil_job === 'search')
    );
    expect(checkout.status).toBe('firing');
    expect(checkout.groupLabels).toEqual({ alertname: 'VigilIncident', vigil_job: 'checkout' });
    expect(checkout.commonLabels).toMatchObject({
      alertname: 'VigilIncident',
      vigil_job: 'checkout',
      service: 'checkout',
      team: 'web',
      criticality: 'high',
    });
    expect(search.alerts).toHaveLength(1);
    const critical = checkout.alerts.find((a) => Date.parse(a.startsAt) === now - 70 * MIN)!;
    expect(critical.labels.severity).toBe('critical');
    expect(critical.labels.vigil_incident).toMatch(/^inc_[0-9a-f]{16}$/);
    expect(critical.annotations).toMatchObject({
      runbook_url: 'https://runbooks.example/checkout',
      kind: 'error burst',
    });
    expect(critical.annotations.summary).toBe('checkout: burst of errors: 90 vs 20 expected');
    expect(critical.generatorURL).toMatch(
      /^https:\/\/grafana\.example\.com\/d\/svc-overview\?from=\d+&to=\d+&viewPanel=3$/
    );

    // resolve the older checkout incident: Alertmanager sends the group again with that alert resolved
    const before = hook.requests.length;
    const resolved = life.step(Date.now(), [], { checkout: now + 60 * MIN, search: now - 5 * MIN });
    expect(resolved.map((c) => c.type)).toEqual(['resolved', 'resolved']); // both checkout incidents are quiet now
    const rd = await notifier.handle(resolved);
    expect(rd.map((x) => [x.action, x.status])).toEqual([
      ['resolve', 'delivered'],
      ['resolve', 'delivered'],
    ]);
    const msg = await waitFor('the resolved checkout group', () =>
      hook.requests
        .slice(before)
        .map((r) => r.json as AmWebhook)
        .find((m) => m.groupLabels.vigil_job === 'checkout' && m.status === 'resolved')
    );
    expect(msg.alerts.map((a) => a.status)).toEqual(['resolved', 'resolved']);
  }, 60_000);

  test('a silence on a job suppresses its alerts: Alertmanager holds them and the receiver hears nothing', async () => {
    const now = Date.now();
    const silence = await request(`${am.url}/api/v2/silences`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        matchers: [{ name: 'vigil_job', value: 'batch', isRegex: false, isEqual: true }],
        startsAt: new Date(now - MIN).toISOString(),
        endsAt: new Date(now + 60 * MIN).toISOString(),
        createdBy: 'vigil tests',
        comment: 'batch maintenance',
      }),
    });
    expect(silence.statusCode).toBe(200);
    const { silenceID } = (await silence.body.json()) as { silenceID: string };
    const before = hook.requests.length;
    const life = new Lifecycle();
    const d = await notifier.handle(life.step(now, [event('batch', 'jobs_failed', now - MIN, { score: 70 })]));
    expect(d.map((x) => x.status)).toEqual(['delivered']);
    type AmAlert = { status: { state: string; silencedBy: string[] }; labels: Record<string, string> };
    let alerts: AmAlert[] = [];
    const deadline = Date.now() + 10_000;
    while (alerts.length === 0 && Date.now() < deadline) {
      const res = await request(`${am.url}/api/v2/alerts?filter=${encodeURIComponent('vigil_job="batch"')}`);
      alerts = (await res.body.json()) as AmAlert[];
      if (alerts.length === 0) await new Promise((r) => setTimeout(r, 100));
    }
    expect(alerts).toHaveLength(1);
    expect(alerts[0].status).toMatchObject({ state: 'suppressed', silencedBy: [silenceID] });
    expect(alerts[0].labels).toMatchObject({ vigil_job: 'batch', severity: 'minor', criticality: 'low' });
    // several group intervals later, still nothing for batch
    await new Promise((r) => setTimeout(r, 3000));
    expect(hook.requests.slice(before).map((r) => (r.json as AmWebhook).groupLabels.vigil_job)).not.toContain('batch');
  }, 60_000);

  test('open alerts are re-sent while open, so Alertmanager keeps them firing', async () => {
    const now = Date.now();
    let t = now;
    const clock = { ...systemClock, now: () => t };
    const n = new Notifier(
      { receivers: [{ type: 'alertmanager', name: 'am', url: am.url, resendIntervalMs: MIN }] },
      { clock }
    );
    const life = new Lifecycle();
    await n.handle(life.step(now, [event('search', 'qps', now - MIN, { score: 90 })]));
    expect(await n.tick()).toEqual([]); // not due yet
    t = now + MIN;
    const resent = await n.tick();
    expect(resent).toEqual([expect.objectContaining({ action: 'resend', status: 'delivered' })]);
    const res = await request(
      `${am.url}/api/v2/alerts?filter=${encodeURIComponent('vigil_job="search"')}&filter=${encodeURIComponent('severity="critical"')}`
    );
    const alerts = (await res.body.json()) as { endsAt: string; status: { state: string } }[];
    expect(alerts).toHaveLength(1);
    expect(alerts[0].status.state).toBe('active');
    // endsAt lies four re-send intervals after the last re-send
    expect(Date.parse(alerts[0].endsAt)).toBe(now + 5 * MIN);
  }, 60_000);
});
