/**
 * Time to detect: an incident replayed through a running engine (`startServer`, the scheduler, the default
 * ensemble, incidents, the notifier) on a scaled clock, with a real Alertmanager (Debian's prometheus-alertmanager)
 * and webhook receivers the test runs. Measured from the incident's first anomalous point to (1) the alert at
 * Alertmanager, (2) Vigil's direct webhook delivery and (3) Alertmanager's own webhook notification, in engine
 * time (what a real-time engine would show, scaled processing included) and in real time. The figures are written
 * to test-results/time-to-detect.json.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startServer, type RunningServer } from '../../pkg/api/server';
import { loadConfig } from '../../pkg/config/config';
import type { Incident } from '../../pkg/contract/incidents';
import { ScaledClock, MemorySeriesSource } from '../helpers/jobs';
import { REPO_ROOT } from '../helpers/shared';
import { GRAFANA_ANNOTATION_POST, problems, startReceiver, type Receiver } from '../notify/fixtures';
import { startAlertmanager, type AlertmanagerServer } from '../servers/alertmanager';
import { freePort } from '../servers/common';

const MIN = 60_000;
const DAY = 24 * 60 * MIN;
const TOKEN = 'ttd-token-123';
/** Engine time runs this many times faster than real time: a 1-minute job interval is 2 s. */
const SPEED = 30;

function noise(t: number, seed: number): number {
  const x = Math.sin(t / 7919 + seed) * 43758.5453;
  return x - Math.floor(x) - 0.5;
}

describe('time to detect through a running engine', () => {
  let am: AlertmanagerServer;
  let amHook: Receiver;
  let vigilHook: Receiver;
  let grafana: Receiver;
  let server: RunningServer | undefined;
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'vigil-ttd-'));
    amHook = await startReceiver(() => ({ status: 200, body: 'ok' }));
    vigilHook = await startReceiver(() => ({ status: 204 }));
    // Grafana's annotations API, checking the documented shape and the service-account token
    let nextId = 0;
    grafana = await startReceiver((req) => {
      if (req.headers.authorization !== 'Bearer glsa_test_token')
        return { status: 401, body: { message: 'Unauthorized' } };
      if (req.method === 'POST' && req.path === '/api/annotations') {
        const p = problems(GRAFANA_ANNOTATION_POST, req.json);
        return p
          ? { status: 400, body: { message: p } }
          : { status: 200, body: { message: 'Annotation added', id: ++nextId } };
      }
      if (req.method === 'PATCH' && /^\/api\/annotations\/\d+$/.test(req.path)) {
        return { status: 200, body: { message: 'Annotation patched' } };
      }
      return { status: 404, body: { message: 'Not found' } };
    });
    am = await startAlertmanager(`
route:
  receiver: hook
  group_by: [alertname, vigil_job]
  group_wait: 1s
  group_interval: 1s
  repeat_interval: 1h
receivers:
  - name: hook
    webhook_configs:
      - url: ${amHook.url}/am
        send_resolved: true
`);
  }, 120_000);
  afterAll(async () => {
    await server?.close();
    await am?.stop();
    await amHook?.close();
    await vigilHook?.close();
    await grafana?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('an error burst reaches Alertmanager and the webhook a few job intervals after its first point', async () => {
    // engine time starts now and runs 30x faster; the burst starts 10 engine minutes in (20 s real)
    const start = Math.floor(Date.now() / MIN) * MIN;
    const burst = start + 10 * MIN;
    const inBurst = (t: number) => t >= burst && t < burst + 15 * MIN;
    const source = new MemorySeriesSource(
      'prometheus',
      'prometheus',
      [
        { __name__: 'requests', service: 'shop' },
        { __name__: 'errors', service: 'shop' },
      ],
      (labels, t) => {
        const daily = Math.sin((2 * Math.PI * t) / DAY);
        if (labels.__name__ === 'requests')
          return Math.round(120 + 40 * daily + 10 * noise(t, 1) + (inBurst(t) ? 150 : 0));
        return Math.max(0, Math.round(2 + 2 * noise(t, 2) + (inBurst(t) ? 80 : 0)));
      }
    );
    const clock = new ScaledClock(start, SPEED);
    const port = await freePort();
    const yaml = path.join(dir, 'vigil.yaml');
    writeFileSync(
      yaml,
      `port: ${port}
host: 127.0.0.1
apiToken: ${TOKEN}
logLevel: error
scheduler: { maxBackoff: 1h, retention: 30d }
notifications:
  grafanaUrl: https://grafana.example.com
  retry: { retries: 2, minDelay: 100ms, maxDelay: 1s, timeout: 5s }
  receivers:
    - { name: am, type: alertmanager, url: "${am.url}" }
    - { name: hook, type: webhook, url: "${vigilHook.url}/vigil" }
annotations:
  grafana: { url: "${grafana.url}", token: "\${GRAFANA_TOKEN}" }
`
    );
    const config = loadConfig({
      file: yaml,
      env: { GRAFANA_TOKEN: 'glsa_test_token' },
      flags: { dataDir: path.join(dir, 'data') },
    });
    server = await startServer(config, { clock, sources: [source] });
    const res = await fetch(`${server.url}/api/jobs`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        name: 'shop',
        source: { type: 'prometheus', query: 'sum by (__name__) (shop)' },
        interval: '1m',
        trainingWindow: '2d',
        criticality: 'high',
        runbookUrl: 'https://runbooks.example/shop',
      }),
    });
    expect(res.status).toBe(201);

    // watch Alertmanager's API and both webhooks; note when each first shows the incident (real time)
    const engineAt = (real: number) => clock.now() - (Date.now() - real) * SPEED;
    const realAt = (engine: number) => Date.now() - (clock.now() - engine) / SPEED;
    const seen: Record<'alertmanager' | 'vigilWebhook' | 'amWebhook', number | undefined> = {
      alertmanager: undefined,
      vigilWebhook: undefined,
      amWebhook: undefined,
    };
    const deadline = Date.now() + 150_000;
    while (Date.now() < deadline && !(seen.alertmanager && seen.vigilWebhook && seen.amWebhook)) {
      if (!seen.alertmanager) {
        const t = Date.now();
        const alerts = (await (
          await fetch(`${am.url}/api/v2/alerts?filter=vigil_job%3D%22shop%22`)
        ).json()) as unknown[];
        if (alerts.length) seen.alertmanager = t;
      }
      if (!seen.vigilWebhook && vigilHook.requests.length) seen.vigilWebhook = vigilHook.requests[0].at;
      if (!seen.amWebhook && amHook.requests.length) seen.amWebhook = amHook.requests[0].at;
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(seen.alertmanager).toBeDefined();
    expect(seen.vigilWebhook).toBeDefined();
    expect(seen.amWebhook).toBeDefined();

    // the incident: both series, starting at the burst's first point
    const list = (await (
      await fetch(`${server.url}/api/incidents?job=shop`, { headers: { authorization: `Bearer ${TOKEN}` } })
    ).json()) as { incidents: Incident[] };
    const incident = list.incidents.find((i) => i.start >= burst - MIN && i.start <= burst + 5 * MIN);
    expect(incident).toBeDefined();
    const hookBody = vigilHook.requests[0].json as { event: string; incident: Incident };
    expect(hookBody.event).toBe('incident.opened');
    expect(hookBody.incident.id).toBe(incident!.id);
    expect(hookBody.incident.runbookUrl).toBe('https://runbooks.example/shop');
    // and a region annotation in Grafana for it, tagged so every dashboard can show it
    const annotation = grafana.requests.find((r) => r.method === 'POST')?.json as {
      time: number;
      timeEnd: number;
      tags: string[];
      text: string;
    };
    expect(annotation).toMatchObject({
      time: incident!.start,
      tags: expect.arrayContaining(['vigil', 'incident', 'job:shop']),
    });
    expect(annotation.timeEnd).toBeGreaterThan(annotation.time);

    const jobs = (await (
      await fetch(`${server.url}/api/jobs`, { headers: { authorization: `Bearer ${TOKEN}` } })
    ).json()) as { jobs: { lastRun?: { durationMs: number } }[] };
    const firstPoint = incident!.start;
    const engineMinutes = (real: number) => Math.round(((engineAt(real) - firstPoint) / MIN) * 100) / 100;
    const realSeconds = (real: number) => Math.round((real - realAt(firstPoint)) / 10) / 100;
    const figures = {
      speed: SPEED,
      jobInterval: '1m',
      alertmanagerGroupWait: '1s (real time)',
      firstAnomalousPoint: new Date(firstPoint).toISOString(),
      engineMinutes: {
        alertmanagerAlert: engineMinutes(seen.alertmanager!),
        vigilWebhook: engineMinutes(seen.vigilWebhook!),
        alertmanagerWebhook: engineMinutes(seen.amWebhook!),
      },
      /** one incremental run (fetch, score 2 series, store, incidents) in real ms: it counts 30x in engine time */
      lastRunRealMs: Math.round((jobs.jobs[0].lastRun?.durationMs ?? NaN) / SPEED),
      realSeconds: {
        alertmanagerAlert: realSeconds(seen.alertmanager!),
        vigilWebhook: realSeconds(seen.vigilWebhook!),
        alertmanagerWebhook: realSeconds(seen.amWebhook!),
      },
    };
    mkdirSync(path.join(REPO_ROOT, 'test-results'), { recursive: true });
    writeFileSync(path.join(REPO_ROOT, 'test-results', 'time-to-detect.json'), JSON.stringify(figures, null, 2));
    process.stdout.write(`time to detect: ${JSON.stringify(figures)}\n`);
    // the burst's first point is the incident's first point (detection is not late to start it)
    expect(firstPoint).toBe(burst);
    // the engine sees a point once its bucket is complete and the next run comes (at most 2 intervals), then posts
    // at once; processing time counts 30x here, so allow 5 job intervals in engine time
    expect(figures.engineMinutes.alertmanagerAlert).toBeLessThanOrEqual(5);
    expect(figures.engineMinutes.vigilWebhook).toBeLessThanOrEqual(5);
  }, 240_000);
});
