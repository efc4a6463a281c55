/**
 * Logs in the running engine, against a real OpenSearch holding the web logs (tests/servers/opensearch.ts): the log
 * analysis of the index (templates, counts, anomalies, rule hits with example lines), a log job whose template
 * series the scheduler judges and whose rule hits join its incidents, and the job's templates; then a scan of everything the engine kept or said (the
 * store's files, its logs, the API answers) and of a report on the same web logs for any raw client address.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { promisify } from 'node:util';
import { startServer, type RunningServer } from '../../../pkg/api/server';
import type { VigilConfig } from '../../../pkg/config/config';
import { Redactor } from '../../../pkg/logs/redact';
import { readRecords } from '../../../pkg/sources/file';
import { ManualClock } from '../../helpers/jobs';
import { REPO_ROOT, WEBLOGS_FILE } from '../../helpers/shared';
import { freePort } from '../../servers/common';
import { WEBLOGS_INDEX } from '../../servers/opensearch';
import { serverUrls } from '../../servers/servers';

const exec = promisify(execFile);
const TOKEN = 'integration-token-logs';
const KEY = 'integration-redaction-key';
const HOUR = 3_600_000;
const LOGS = { type: 'elasticsearch-logs', index: WEBLOGS_INDEX, timeField: 'timestamp', messageField: 'message' };

describe('logs in the engine, against OpenSearch with the web logs', () => {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'vigil-logs-e2e-'));
  const logLines: string[] = [];
  const answers: string[] = [];
  const clients = new Set<string>();
  let server: RunningServer;

  async function call(method: string, url: string, body?: unknown) {
    const res = await fetch(`${server.url}${url}`, {
      method,
      headers: { authorization: `Bearer ${TOKEN}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = await res.text();
    answers.push(text);
    return { status: res.status, body: JSON.parse(text) };
  }

  beforeAll(async () => {
    for await (const { record } of readRecords(WEBLOGS_FILE)) {
      clients.add(String(record.clientip));
      clients.add(String(record.message).split(' ')[0]);
    }
    const config: VigilConfig = {
      port: await freePort(),
      host: '127.0.0.1',
      dataDir,
      apiToken: TOKEN,
      logLevel: 'debug',
      sources: [{ type: 'elasticsearch', name: 'opensearch', url: serverUrls().opensearch, timeout: '60s' }],
      scheduler: { maxBackoff: '1h', retention: '3650d' },
      redaction: { key: KEY },
    };
    const stream = new Writable({
      write(chunk, _enc, done) {
        logLines.push(String(chunk));
        done();
      },
    });
    server = await startServer(config, {
      clock: new ManualClock(Date.parse('2018-09-21T00:00:00Z')),
      logger: { level: 'debug', stream },
    });
  });

  afterAll(async () => {
    await server?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('analyses an index: the 2018-09-01 scan as a rule hit with pseudonymised client and example requests', async () => {
    const from = Date.parse('2018-09-01T00:00:00Z');
    const res = await call('POST', '/api/logs/analyze', { source: LOGS, from, to: from + 24 * HOUR, interval: '1h' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ sampled: false, intervalMs: HOUR });
    expect(res.body.total).toBe(res.body.lines);
    expect(res.body.templates.length).toBeGreaterThan(0);
    expect(res.body.series[0].points).toHaveLength(24);
    const scan = res.body.ruleEvents.find((e: { rule: string }) => e.rule === 'web-url-scan');
    expect(scan).toMatchObject({ count: 100, severity: 'major', detectors: { 'rule:web-url-scan': 70 } });
    expect(scan.key).toBe(new Redactor({ key: KEY }).pseudonym('ip', '30.156.16.164'));
    expect(scan.examples).toHaveLength(5);
    expect(scan.examples[0].message).toMatch(
      /^ip-[0-9a-f]{12} - - \[2018-09-01T12:43:41\.756Z\] "GET \/nmaplowercheck/
    );
    const traversal = res.body.ruleEvents.find((e: { rule: string }) => e.rule === 'web-path-traversal');
    expect(traversal.key).toBe(scan.key);
  });

  it('runs a log job on the template series of the index and lists its templates', async () => {
    const created = await call('POST', '/api/jobs', {
      name: 'weblog templates',
      source: LOGS,
      interval: '1h',
      trainingWindow: '30d',
    });
    expect(created.status).toBe(201);
    const id = created.body.id;
    expect(await server.scheduler.runNow(id)).toBe(true);
    const job = await call('GET', `/api/jobs/${id}`);
    expect(job.body.lastRun).toMatchObject({ ok: true });
    const templates = await call('GET', `/api/jobs/${id}/templates`);
    expect(templates.status).toBe(200);
    expect(templates.body.templates.length).toBeGreaterThan(0);
    expect(templates.body.templates[0].template).toMatch(/^ip-<\*> - - \[/);
    const from = Date.parse('2018-08-20T00:00:00Z');
    const results = await call('GET', `/api/jobs/${id}/results?from=${from}&to=${from + 32 * 24 * HOUR}`);
    expect(results.body.series.length).toBeGreaterThan(0);
    const ids = results.body.series.map((x: { labels: Record<string, string> }) => x.labels.template_id);
    expect(ids).toContain(templates.body.templates[0].id);
    expect(
      results.body.series.every((x: { labels: Record<string, string> }) => x.labels.__name__ === 'log_template_lines')
    ).toBe(true);
    // the rule pack ran over the job's messages: the scan is one of its events, redacted, with example lines
    const anomalies = await call('GET', `/api/jobs/${id}/anomalies?from=${from}&to=${from + 32 * 24 * HOUR}`);
    const scan = anomalies.body.anomalies.find(
      (a: { detectors: Record<string, number> }) => a.detectors['rule:web-url-scan'] !== undefined
    );
    expect(scan).toMatchObject({
      labels: {
        __name__: 'log_rule',
        rule: 'web-url-scan',
        key: new Redactor({ key: KEY }).pseudonym('ip', '30.156.16.164'),
      },
      count: 100,
      start: Date.parse('2018-09-01T12:43:41.756Z'),
    });
    expect(scan.examples).toHaveLength(5);
    expect(scan.examples[0].message).toMatch(
      /^ip-[0-9a-f]{12} - - \[2018-09-01T12:43:41\.756Z\] "GET \/nmaplowercheck/
    );
    // ... and the incident tracker grouped it with the job's template-count events into a triaged incident
    await server.incidents.idle();
    const incidents = await call('GET', `/api/incidents?job=${id}&limit=500`);
    expect(incidents.status).toBe(200);
    const incident = incidents.body.incidents.find((i: { eventIds: string[] }) => i.eventIds.includes(scan.id));
    expect(incident).toBeDefined();
    expect(incident.detectors.map((d: { name: string }) => d.name)).toContain('rule:web-url-scan');
    expect(incident.triage).toBeGreaterThan(0);
  });

  it('keeps no raw client address in the store, the logs or the API answers, nor in a report on the web logs', async () => {
    const leaks = (text: string) =>
      [...clients].filter((ip) => new RegExp(`(?<![0-9.])${ip.replace(/\./g, '\\.')}(?![0-9])`).test(text));
    expect(clients.size).toBeGreaterThan(1000);
    expect(logLines.length).toBeGreaterThan(0);
    expect(answers.length).toBeGreaterThanOrEqual(6);
    const store = readdirSync(dataDir)
      .filter((f) => f.startsWith('vigil.db'))
      .map((f) => readFileSync(path.join(dataDir, f)).toString('latin1'));
    expect(store.length).toBeGreaterThan(0);
    expect(store.join('')).toContain('log_templates');
    expect(leaks(store.join('\n'))).toEqual([]);
    expect(leaks(logLines.join(''))).toEqual([]);
    expect(leaks(answers.join('\n'))).toEqual([]);

    const out = path.join(dataDir, 'report.md');
    await exec(
      process.execPath,
      [path.join(REPO_ROOT, 'bin', 'vigil.js'), 'report', WEBLOGS_FILE, '--out', out, '-q'],
      {
        maxBuffer: 1 << 24,
      }
    );
    expect(existsSync(out)).toBe(true);
    expect(leaks(readFileSync(out, 'utf8'))).toEqual([]);
  });
});
