import type { FastifyInstance } from 'fastify';
import Ajv from 'ajv';
import { Incident as IncidentSchema } from '../contract/incidents';
import { groupIncidents } from '../incidents/group';
import type { IncidentEvent } from '../incidents/types';
import { Notifier } from '../notify/notifier';
import { ManualClock } from '../../tests/helpers/jobs';
import { IncidentRepo } from '../store/incidents';
import { Repo } from '../store/repo';
import { SqliteStore } from '../store/sqlite';
import { buildApp } from './app';

const TOKEN = 'test-token-123';
const auth = { authorization: `Bearer ${TOKEN}` };
const MIN = 60_000;
const T0 = Date.UTC(2026, 0, 5, 12);

let app: FastifyInstance;
let repo: Repo;
let incidents: IncidentRepo;
let shopId: string;
let batchId: string;

function event(jobId: string, metric: string, at: number, score: number): IncidentEvent {
  return {
    jobId,
    intervalMs: MIN,
    start: at,
    end: at + 2 * MIN,
    peak: at,
    labels: { __name__: metric, service: 'shop' },
    severity: 'major',
    score,
    detectors: { zscore: score, mad: score - 10 },
    expected: 10,
    actual: 80,
    direction: 'above',
    confidence: 1,
    explanation: `${metric} was 80, above the expected 10`,
  };
}

beforeAll(async () => {
  const store = await SqliteStore.open();
  repo = new Repo(store);
  incidents = new IncidentRepo(store);
  const clock = new ManualClock(T0 + 60 * MIN);
  const shop = await repo.createJob(
    {
      name: 'shop',
      source: { type: 'prometheus', query: 'rate(http_requests_total[5m])' },
      interval: '1m',
      criticality: 'critical',
      runbookUrl: 'https://runbooks.example/shop',
    },
    T0
  );
  const batch = await repo.createJob(
    { name: 'batch', source: { type: 'prometheus', query: 'jobs' }, interval: '1m' },
    T0
  );
  shopId = shop.id;
  batchId = batch.id;
  // anomalies as the runner records them, with a user's verdict on one
  const a = await repo.recordAnomaly(shopId, event(shopId, 'errors', T0, 90), T0, 2 * MIN);
  await repo.recordAnomaly(batchId, event(batchId, 'jobs_failed', T0 + 30 * MIN, 40), T0, 2 * MIN);
  await repo.addFeedback(a, 'confirmed', 'real outage', T0 + 40 * MIN);
  const list = groupIncidents(
    [
      { ...event(shopId, 'errors', T0, 90), id: a.id },
      { ...event(batchId, 'jobs_failed', T0 + 30 * MIN, 40), id: 'b' },
    ],
    {
      [shopId]: { id: shopId, name: 'shop', criticality: 'critical', runbookUrl: 'https://runbooks.example/shop' },
      [batchId]: { id: batchId, name: 'batch' },
    }
  );
  for (const i of list) await incidents.saveIncident(i);
  await incidents.saveIncident({ ...list[1], id: 'inc_open', status: 'open', resolvedAt: undefined }, [
    event(batchId, 'jobs_failed', T0 + 30 * MIN, 40),
  ]);
  const notifier = new Notifier(
    {
      receivers: [
        { type: 'slack', name: 'ops', url: 'https://hooks.slack.com/services/T/B/SLACKSECRET' },
        { type: 'pagerduty', name: 'pager', routingKey: 'PAGERDUTYSECRETKEY0123456789abcd' },
      ],
    },
    { clock }
  );
  await incidents.recordDelivery({
    id: 'd1',
    at: T0 + MIN,
    receiver: 'ops',
    receiverType: 'slack',
    action: 'open',
    incidentId: list[0].id,
    severity: 'critical',
    status: 'delivered',
    attempts: 2,
    httpStatus: 200,
    durationMs: 120,
  });
  app = await buildApp({ apiToken: TOKEN, repo, clock, incidents, notifier, annotationsUrl: 'http://grafana:3000' });
});
afterAll(() => app.close());

async function get(url: string) {
  return app.inject({ method: 'GET', url, headers: auth });
}

describe('incidents API', () => {
  test('lists incidents newest first, filtered by job (id or name), status, severity and range', async () => {
    const all = (await get('/api/incidents')).json();
    expect(all.count).toBe(3);
    expect(all.incidents.map((i: { start: number }) => i.start)).toEqual([T0 + 30 * MIN, T0 + 30 * MIN, T0]);
    const validate = new Ajv({ strict: false }).compile(IncidentSchema);
    for (const i of all.incidents) expect(validate(i)).toBe(true);
    const shop = (await get('/api/incidents?job=shop')).json();
    expect(shop.incidents).toHaveLength(1);
    expect(shop.incidents[0]).toMatchObject({
      severity: 'critical',
      criticality: 'critical',
      runbookUrl: 'https://runbooks.example/shop',
    });
    expect(
      (await get(`/api/incidents?job=${batchId}&status=open`)).json().incidents.map((i: { id: string }) => i.id)
    ).toEqual(['inc_open']);
    expect((await get('/api/incidents?severity=critical')).json().count).toBe(1);
    expect((await get(`/api/incidents?from=${T0 + 10 * MIN}`)).json().count).toBe(2);
    expect((await get(`/api/incidents?to=${T0 + 10 * MIN}`)).json().count).toBe(1);
    expect((await get('/api/incidents?minTriage=0.6')).json().count).toBe(1);
    const bad = await get('/api/incidents?job=nope');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.message).toContain('job "nope" does not exist');
    expect((await get('/api/incidents?severity=huge')).statusCode).toBe(400);
  });

  test('one incident by id; 404 names an unknown one', async () => {
    const id = (await get('/api/incidents?job=shop')).json().incidents[0].id;
    expect((await get(`/api/incidents/${id}`)).json().id).toBe(id);
    const missing = await get('/api/incidents/inc_nope');
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error.message).toBe('no incident with id "inc_nope"');
  });

  test('notifications: receivers without secrets, annotations, deliveries of an incident', async () => {
    const res = await get('/api/notifications');
    expect(res.statusCode).toBe(200);
    expect(res.body).not.toMatch(/SLACKSECRET|PAGERDUTYSECRETKEY/);
    const body = res.json();
    expect(body.receivers).toEqual([
      { name: 'ops', type: 'slack', endpoint: 'https://hooks.slack.com/…' },
      { name: 'pager', type: 'pagerduty', endpoint: 'https://events.pagerduty.com/v2/enqueue' },
    ]);
    expect(body.annotations).toEqual({ enabled: true, endpoint: 'http://grafana:3000' });
    const id = (await get('/api/incidents?job=shop')).json().incidents[0].id;
    const one = (await get(`/api/notifications?incident=${id}`)).json();
    expect(one.deliveries).toEqual([expect.objectContaining({ id: 'd1', receiver: 'ops', attempts: 2 })]);
    expect((await get('/api/notifications?incident=inc_other')).json().deliveries).toEqual([]);
  });

  test('reports over jobs: JSON with precision from feedback, Markdown, HTML and PDF', async () => {
    const q = `from=${T0 - 60 * MIN}&to=${T0 + 120 * MIN}`;
    const json = await get(`/api/reports?${q}`);
    expect(json.statusCode).toBe(200);
    expect(json.headers['content-type']).toMatch(/^application\/json/);
    const r = json.json();
    expect(r.totals.incidents).toBe(3);
    expect(r.summary.paragraphs[0]).toMatch(/stands? out/);
    expect(r.accuracy).toMatchObject({
      source: 'feedback',
      truePositives: 1,
      falsePositives: 0,
      precision: 1,
      recall: null,
    });
    const shop = await get(`/api/reports?${q}&job=shop&format=md`);
    expect(shop.headers['content-type']).toMatch(/^text\/markdown/);
    expect(shop.body).toContain('# Vigil report: shop');
    expect(shop.body).toContain('**runbook**: <https://runbooks.example/shop>');
    const html = await get(`/api/reports?${q}&format=html&period=1w`);
    expect(html.body.startsWith('<!doctype html>')).toBe(true);
    const pdf = await get(`/api/reports?${q}&format=pdf`);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    expect(pdf.headers['content-disposition']).toMatch(/^attachment; filename="vigil-report-2026-01-05.pdf"$/);
    expect(pdf.rawPayload.subarray(0, 5).toString()).toBe('%PDF-');
    expect((await get(`/api/reports?from=${T0}&to=${T0 - 1}`)).statusCode).toBe(400);
    expect((await get(`/api/reports?${q}&format=docx`)).statusCode).toBe(400);
    expect((await get(`/api/reports?${q}&job=nope`)).json().error.message).toContain('job "nope" does not exist');
  });

  test('reports use the configured summary model, and fall back to the generated text when it fails', async () => {
    const { createServer } = await import('node:http');
    let answer = 'On 5 Jan 2026 at noon the shop saw a critical burst of errors; the batch job failed later.';
    const llm = createServer((req, res) => {
      req.resume();
      req.on('end', () =>
        res
          .writeHead(200, { 'content-type': 'application/json' })
          .end(JSON.stringify({ choices: [{ message: { role: 'assistant', content: answer } }] }))
      );
    });
    await new Promise<void>((r) => llm.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(llm.address() as { port: number }).port}/v1`;
    const withModel = await buildApp({
      apiToken: TOKEN,
      repo,
      clock: new ManualClock(T0 + 60 * MIN),
      incidents,
      summaryModel: { url, model: 'local-llm' },
    });
    try {
      const q = `/api/reports?from=${T0 - 60 * MIN}&to=${T0 + 120 * MIN}&job=shop`;
      const r = (await withModel.inject({ method: 'GET', url: q, headers: auth })).json();
      expect(r.summary).toEqual({ paragraphs: [answer], by: 'model', model: 'local-llm' });
      answer = 'Nothing happened.'; // drops the incident: the generated text stays
      const r2 = (await withModel.inject({ method: 'GET', url: q, headers: auth })).json();
      expect(r2.summary.by).toBe('figures');
      expect(r2.summary.fallbackReason).toBe("the summary model's text left out the incident of 2026-01-05");
    } finally {
      await withModel.close();
      await new Promise<void>((r) => llm.close(() => r()));
    }
  });
});
