import type { FastifyInstance } from 'fastify';
import { ManualClock } from '../../../tests/helpers/jobs';
import { defaultEngine } from '../../jobs/engine';
import { JobRunner } from '../../jobs/runner';
import { Scheduler } from '../../jobs/scheduler';
import { ElasticsearchLogSource, type LogQueryState } from '../../logs/logSource';
import { Redactor } from '../../logs/redact';
import type { EsLogMessage, EsLogQuery, EsLogSample } from '../../sources/elasticsearch';
import { SourceRegistry } from '../../sources/registry';
import { Repo } from '../../store/repo';
import { SqliteStore } from '../../store/sqlite';
import { buildApp } from '../app';

const MIN = 60_000;
const T0 = Date.UTC(2024, 0, 1);
const TOKEN = 'test-token-123';
const auth = { authorization: `Bearer ${TOKEN}` };

/** Two days of access logs, one request a minute from rotating clients; a scan of 30 404s on day 2 at 12:00. */
function accessLogs(): EsLogMessage[] {
  const out: EsLogMessage[] = [];
  for (let i = 0; i < 2 * 24 * 60; i++) {
    const client = `10.1.${i % 7}.${i % 13}`;
    const fields = { clientip: client, response: 200, request: `/docs/${i % 17}`, agent: 'Mozilla/5.0' };
    out.push({ time: T0 + i * MIN, message: `${client} - - "GET /docs/${i % 17} HTTP/1.1" 200 512`, fields });
  }
  for (let k = 0; k < 30; k++) {
    const fields = { clientip: '203.0.113.66', response: 404, request: `/wp-admin/${k}.php`, agent: 'sqlmap' };
    out.push({
      time: T0 + 36 * 60 * MIN + k * 1000,
      message: `203.0.113.66 - - "GET /wp-admin/${k}.php HTTP/1.1" 404 0`,
      fields,
    });
  }
  return out.sort((a, b) => a.time - b.time);
}

function fakeClient(messages: EsLogMessage[]) {
  return {
    async logMessages(q: EsLogQuery): Promise<EsLogSample> {
      const m = messages.filter((x) => x.time >= q.startMs && x.time < q.endMs);
      return { messages: m, total: m.length, sampled: false };
    },
    async info() {
      return { flavour: 'opensearch' as const, version: '2.19.0' };
    },
  };
}

const logQuery = { type: 'elasticsearch-logs', index: 'weblogs', timeField: 'timestamp', messageField: 'message' };

let app: FastifyInstance;
let repo: Repo;
let scheduler: Scheduler;
const redactor = new Redactor({ key: 'route-test-key' });

beforeAll(async () => {
  repo = new Repo(await SqliteStore.open());
  const clock = new ManualClock(T0 + 2 * 24 * 60 * MIN + 5 * MIN);
  const logs = new ElasticsearchLogSource('opensearch', fakeClient(accessLogs()), {
    redactor,
    store: {
      load: (k) => repo.getLogTemplates<LogQueryState>(k),
      save: (k, s) => repo.saveLogTemplates(k, s, clock.now()),
    },
  });
  const sources = new SourceRegistry([logs]);
  const runner = new JobRunner({ repo, sources, engine: defaultEngine, clock });
  scheduler = new Scheduler({ repo, runner, clock });
  app = await buildApp({ apiToken: TOKEN, repo, sources, scheduler, clock, logs: { redactor } });
});

afterAll(async () => {
  await scheduler.stop();
  await app.close();
  await repo.store.close();
});

describe('POST /api/logs/analyze', () => {
  it('returns templates, their counts, log anomalies and the rule hits, with pseudonyms for clients', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/api/logs/analyze',
      headers: auth,
      payload: { source: logQuery, from: T0, to: T0 + 2 * 24 * 60 * MIN, interval: '1h' },
    });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ total: 2910, sampled: false, lines: 2910, intervalMs: 3_600_000 });
    expect(body.templates).toEqual([expect.objectContaining({ id: '0', count: 2910 })]);
    expect(body.series[0].points).toHaveLength(48);
    const scan = body.ruleEvents.find((e: { rule: string }) => e.rule === 'web-url-scan');
    expect(scan).toMatchObject({ kind: 'rule', count: 30, severity: 'major', detectors: { 'rule:web-url-scan': 70 } });
    expect(scan.key).toBe(redactor.pseudonym('ip', '203.0.113.66'));
    expect(scan.examples).toHaveLength(5);
    expect(res.body).not.toMatch(/203\.0\.113\.66|10\.1\.\d+\.\d+/);
  });

  it('refuses a source that does not read logs, and a bad range', async () => {
    const bad = await app.inject({
      method: 'POST',
      url: '/api/logs/analyze',
      headers: auth,
      payload: { source: { ...logQuery, source: 'nope' }, from: T0, to: T0 + MIN },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.message).toMatch(/no elasticsearch-logs source named "nope"/);
    const range = await app.inject({
      method: 'POST',
      url: '/api/logs/analyze',
      headers: auth,
      payload: { source: logQuery, from: T0, to: T0 },
    });
    expect(range.statusCode).toBe(400);
  });
});

describe('log jobs', () => {
  it('run on template series and list their templates', async () => {
    const create = await app.inject({
      method: 'POST',
      url: '/api/jobs',
      headers: auth,
      payload: {
        name: 'weblog templates',
        source: logQuery,
        interval: '1h',
        trainingWindow: '2d',
        detectors: ['zscore', 'mad'],
      },
    });
    expect(create.statusCode).toBe(201);
    const id = create.json().id;
    expect(
      (await app.inject({ method: 'GET', url: `/api/jobs/${id}/templates`, headers: auth })).json().templates
    ).toEqual([]);
    expect(await scheduler.runNow(id)).toBe(true);
    const res = await app.inject({ method: 'GET', url: `/api/jobs/${id}/templates`, headers: auth });
    expect(res.statusCode).toBe(200);
    const { templates } = res.json();
    expect(templates[0]).toMatchObject({ id: '0', count: expect.any(Number) });
    expect(templates[0].template).toMatch(/^ip-<\*> - - "GET <\*> HTTP\/<\*>\.<\*>" <\*> <\*>$/);
    expect(res.body).not.toMatch(/10\.1\.\d+\.\d+/);
    const results = await app.inject({
      method: 'GET',
      url: `/api/jobs/${id}/results?from=${T0}&to=${T0 + 3 * 24 * 60 * MIN}`,
      headers: auth,
    });
    const labels = results.json().series.map((s: { labels: Record<string, string> }) => s.labels.template_id);
    expect(labels).toContain('0');
    // the miner's state is in the store, redacted
    expect(JSON.stringify(await repo.store.all('SELECT * FROM log_templates'))).not.toMatch(
      /10\.1\.\d+\.\d+|203\.0\.113/
    );
  });

  it('refuses the templates of a job that does not read logs', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/jobs/no-such-job/templates', headers: auth });
    expect(res.statusCode).toBe(404);
  });
});
