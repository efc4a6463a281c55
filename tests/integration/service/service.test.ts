/**
 * The engine as a service against the real test servers (tests/servers/): Prometheus with NAB history backfilled
 * by promtool, and OpenSearch 2 loaded with the web logs. Jobs run on the scheduler with a clock set in the
 * data's era and sped up (ScaledClock), results are read back through the Prometheus-compatible API and /metrics,
 * the engine restarts on the same store and finds everything kept; anomalies also land in an OpenSearch index.
 * Faults: a source that is down, slow (timeout) or answers garbage, a malformed PromQL or ES query, a job whose
 * query matches nothing: each gives a clear error and a health report while the engine keeps serving.
 */
import http from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { startServer, type RunningServer } from '../../../pkg/api/server';
import type { VigilConfig } from '../../../pkg/config/config';
import { ScaledClock } from '../../helpers/jobs';
import { freePort } from '../../servers/common';
import { NAB_METRIC, readNabCsv } from '../../servers/nab';
import { serverUrls } from '../../servers/servers';
import { WEBLOGS_INDEX } from '../../servers/opensearch';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const TOKEN = 'integration-token-42';
const NAB = 'realAWSCloudwatch/ec2_cpu_utilization_24ae8d.csv';

async function config(
  dataDir: string,
  sources: VigilConfig['sources'],
  sink?: VigilConfig['sink']
): Promise<VigilConfig> {
  return {
    port: await freePort(),
    host: '127.0.0.1',
    dataDir,
    apiToken: TOKEN,
    logLevel: 'error',
    sources,
    scheduler: { maxBackoff: '1h', retention: '3650d' },
    ...(sink ? { sink } : {}),
  };
}

async function call(server: RunningServer, method: string, url: string, body?: unknown) {
  const res = await fetch(`${server.url}${url}`, {
    method,
    headers: { authorization: `Bearer ${TOKEN}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  const json = (res.headers.get('content-type') ?? '').includes('json');
  return { status: res.status, body: json ? JSON.parse(text) : undefined, text };
}

async function waitFor<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 120_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    const v = await fn();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${what}: not reached within ${timeoutMs} ms`);
}

interface Health {
  status: string;
  sources: Record<string, { ok: boolean; error?: string }>;
  jobs: { total: number; failing: number };
}

async function healthOf(server: RunningServer): Promise<Health> {
  return (await (await fetch(`${server.url}/api/health`)).json()) as Health;
}

/** A local HTTP server that answers garbage or never answers (for fault cases). */
async function fakeServer(mode: 'garbage' | 'hang'): Promise<{ url: string; close(): Promise<void> }> {
  const sockets = new Set<import('node:net').Socket>();
  const srv = http.createServer((_req, res) => {
    if (mode === 'garbage') {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<html><body>proxy login</body></html>');
    }
  });
  srv.on('connection', (s) => sockets.add(s));
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(srv.address() as AddressInfo).port}`,
    close: () =>
      new Promise((r) => {
        for (const s of sockets) s.destroy();
        srv.close(() => r());
      }),
  };
}

describe('vigil serve against real Prometheus and OpenSearch', () => {
  const urls = serverUrls();
  let dir: string;
  let server: RunningServer | undefined;
  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'vigil-svc-int-'));
  });
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('runs Prometheus jobs on the scheduler, serves the results, reports faults, and keeps everything across a restart', async () => {
    const csv = readNabCsv(NAB);
    // "now" is 8 days into the NAB series, running 600x faster than real time: a 5-minute interval is 0.5 s
    const clock = new ScaledClock(csv.timestamps[0] + 8 * DAY, 600);
    const downPort = await freePort();
    const cfg = await config(path.join(dir, 'prom'), [
      { type: 'prometheus', name: 'prometheus', url: urls.prometheus, timeout: '20s' },
      { type: 'prometheus', name: 'down', url: `http://127.0.0.1:${downPort}`, timeout: '2s' },
    ]);
    server = await startServer(cfg, { clock });
    const s = server;
    const query = `${NAB_METRIC}{series="ec2_cpu_utilization_24ae8d"}`;
    const job = (
      await call(s, 'POST', '/api/jobs', {
        name: 'nab-24ae8d',
        source: { type: 'prometheus', query },
        interval: '5m',
        trainingWindow: '7d',
      })
    ).body;
    const bad = (
      await call(s, 'POST', '/api/jobs', {
        name: 'bad-promql',
        source: { type: 'prometheus', query: 'sum(nab_value' },
        interval: '5m',
        trainingWindow: '7d',
      })
    ).body;
    const empty = (
      await call(s, 'POST', '/api/jobs', {
        name: 'matches-nothing',
        source: { type: 'prometheus', query: 'nab_value{series="nope"}' },
        interval: '5m',
        trainingWindow: '7d',
      })
    ).body;
    const down = (
      await call(s, 'POST', '/api/jobs', {
        name: 'source-down',
        source: { type: 'prometheus', query, source: 'down' },
        interval: '5m',
        trainingWindow: '7d',
      })
    ).body;

    // three scheduled runs of the real job
    await waitFor('three runs', async () => {
      const m = (await call(s, 'GET', '/metrics')).text;
      const runs = /vigil_job_runs_total\{job="nab-24ae8d",outcome="ok"\} (\d+)/.exec(m);
      return runs && Number(runs[1]) >= 3 ? true : undefined;
    });

    // results equal the CSV values at the same timestamps (read from the real Prometheus)
    const now = clock.now();
    const res = (await call(s, 'GET', `/api/jobs/${job.id}/results?from=${now - DAY}&to=${now}`)).body;
    expect(res.series).toHaveLength(1);
    const byT = new Map(csv.timestamps.map((t, i) => [t, csv.values[i]]));
    const pts = res.series[0].points as { t: number; value: number | null; score: number | null }[];
    expect(pts.length).toBeGreaterThan(250);
    for (const p of pts) expect(p.value).toBe(byT.get(p.t) ?? null);
    expect(pts.filter((p) => p.score !== null).length).toBeGreaterThan(250);

    // the Prometheus-compatible API serves them
    const qr = (
      await call(
        s,
        'GET',
        `/api/v1/query_range?query=${encodeURIComponent('vigil_anomaly_score{job="nab-24ae8d"}')}&start=${(now - 2 * HOUR) / 1000}&end=${(now - 10 * MIN) / 1000}&step=300`
      )
    ).body;
    expect(qr.status).toBe('success');
    expect(qr.data.result).toHaveLength(1);
    expect(qr.data.result[0].metric).toMatchObject({
      job: 'nab-24ae8d',
      metric: NAB_METRIC,
      series: 'ec2_cpu_utilization_24ae8d',
      corpus: 'realAWSCloudwatch',
    });
    expect(qr.data.result[0].values.length).toBeGreaterThanOrEqual(20);

    // faults: each job reports its own error; health names the down source; the good job goes on
    const jobs = new Map<string, { lastRun?: { ok: boolean; error?: string; points?: number } }>(
      (await call(s, 'GET', '/api/jobs')).body.jobs.map((j: { id: string }) => [j.id, j])
    );
    expect(jobs.get(bad.id)?.lastRun).toMatchObject({
      ok: false,
      error: expect.stringMatching(/bad_data|parse error/),
    });
    expect(jobs.get(down.id)?.lastRun).toMatchObject({
      ok: false,
      error: expect.stringMatching(/127\.0\.0\.1|ECONNREFUSED|connect/i),
    });
    expect(jobs.get(empty.id)?.lastRun).toMatchObject({ ok: true, points: 0 });
    const health = await healthOf(s);
    expect(health.status).toBe('degraded');
    expect(health.sources.prometheus.ok).toBe(true);
    expect(health.sources.down).toMatchObject({ ok: false, error: expect.any(String) });
    expect(health.jobs).toEqual({ total: 4, failing: 2 });

    // ad-hoc: a malformed PromQL is the caller's mistake (400), a down source is a 502
    const detectBody = {
      source: { type: 'prometheus', query },
      from: csv.timestamps[0],
      to: csv.timestamps[0] + 3 * DAY,
      interval: '5m',
    };
    const detect = await call(s, 'POST', '/api/detect', detectBody);
    expect(detect.status).toBe(200);
    expect(detect.body.series[0].points.length).toBe(3 * 288 + 1);
    const badQuery = await call(s, 'POST', '/api/detect', {
      ...detectBody,
      source: { type: 'prometheus', query: 'rate(nab_value[5m' },
    });
    expect(badQuery.status).toBe(400);
    expect(badQuery.body.error.code).toBe('invalid_query');
    const downQuery = await call(s, 'POST', '/api/detect', {
      ...detectBody,
      source: { type: 'prometheus', query, source: 'down' },
    });
    expect(downQuery.status).toBe(502);
    expect(downQuery.body.error.code).toBe('source_error');

    // restart on the same store: jobs, results and anomalies are kept
    const anomalies = (await call(s, 'GET', `/api/jobs/${job.id}/anomalies?from=0&to=${now}`)).body.anomalies;
    const before = (await call(s, 'GET', `/api/jobs/${job.id}/results?from=0&to=${now}`)).body;
    await s.close();
    server = await startServer({ ...cfg, port: await freePort() }, { clock });
    await server.scheduler.stop(); // compare a still picture
    const after = (await call(server, 'GET', `/api/jobs/${job.id}/results?from=0&to=${now}`)).body;
    expect(after.series[0].points.length).toBeGreaterThanOrEqual(before.series[0].points.length);
    expect(after.series[0].points.slice(0, before.series[0].points.length)).toEqual(before.series[0].points);
    const anomaliesAfter = (await call(server, 'GET', `/api/jobs/${job.id}/anomalies?from=0&to=${now}`)).body.anomalies;
    expect(anomaliesAfter.map((a: { id: string }) => a.id)).toEqual(
      expect.arrayContaining(anomalies.map((a: { id: string }) => a.id))
    );
    expect((await call(server, 'GET', '/api/jobs')).body.jobs).toHaveLength(4);
  }, 300_000);

  it('runs an OpenSearch job, writes its anomalies to an index, and reports slow and garbage sources', async () => {
    // the web logs' time range, from OpenSearch itself
    const range = (await (
      await fetch(`${urls.opensearch}/${WEBLOGS_INDEX}/_search`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          size: 0,
          aggs: { min: { min: { field: 'timestamp' } }, max: { max: { field: 'timestamp' } } },
        }),
      })
    ).json()) as { aggregations: { min: { value: number } } };
    const first = range.aggregations.min.value;
    // "now" 33 days after the first document (the 2018-08-21 outage lies in the job's training window),
    // 36,000x real time: an hourly job runs every 0.1 s
    const clock = new ScaledClock(first + 33 * DAY, 36_000);
    const garbage = await fakeServer('garbage');
    const hang = await fakeServer('hang');
    const sinkIndex = `vigil-anomalies-test-${process.pid}`;
    try {
      const cfg = await config(
        path.join(dir, 'es'),
        [
          { type: 'elasticsearch', name: 'elasticsearch', url: urls.opensearch, timeout: '30s' },
          { type: 'elasticsearch', name: 'garbage', url: garbage.url, timeout: '5s' },
          { type: 'elasticsearch', name: 'slow', url: hang.url, timeout: '1s' },
        ],
        { type: 'elasticsearch', url: urls.opensearch, index: sinkIndex }
      );
      server = await startServer(cfg, { clock });
      const s = server;
      const source = { type: 'elasticsearch', index: WEBLOGS_INDEX, timeField: 'timestamp', metric: { type: 'count' } };
      const job = (
        await call(s, 'POST', '/api/jobs', {
          name: 'weblog-requests',
          source,
          interval: '1h',
          trainingWindow: '14d',
        })
      ).body;
      await waitFor('ten runs', async () => {
        const m = (await call(s, 'GET', '/metrics')).text;
        const runs = /vigil_job_runs_total\{job="weblog-requests",outcome="ok"\} (\d+)/.exec(m);
        return runs && Number(runs[1]) >= 10 ? true : undefined;
      });
      await s.scheduler.stop();
      const now = clock.now();
      const res = (await call(s, 'GET', `/api/jobs/${job.id}/results?from=${first}&to=${now}`)).body;
      expect(res.series[0].labels).toEqual({ __name__: 'count' });
      const total = res.series[0].points.reduce((a: number, p: { value: number | null }) => a + (p.value ?? 0), 0);
      expect(total).toBeGreaterThan(1000);
      const anomalies = (await call(s, 'GET', `/api/jobs/${job.id}/anomalies?from=0&to=${now}`)).body.anomalies;
      expect(anomalies.length).toBeGreaterThan(0);
      // the sink index holds one document per anomaly
      await fetch(`${urls.opensearch}/${sinkIndex}/_refresh`, { method: 'POST' });
      const docs = (await (await fetch(`${urls.opensearch}/${sinkIndex}/_count`)).json()) as { count: number };
      expect(docs.count).toBe(anomalies.length);

      const detectBody = { from: first, to: first + 7 * DAY, interval: '1h' };
      const slow = await call(s, 'POST', '/api/detect', { ...detectBody, source: { ...source, source: 'slow' } });
      expect(slow.status).toBe(504);
      expect(slow.body.error.code).toBe('source_timeout');
      const junk = await call(s, 'POST', '/api/detect', { ...detectBody, source: { ...source, source: 'garbage' } });
      expect(junk.status).toBe(502);
      expect(junk.body.error.message).toMatch(/JSON|not/i);
      const badEs = await call(s, 'POST', '/api/detect', {
        ...detectBody,
        source: { ...source, filter: 'response:(>=400' },
      });
      expect(badEs.status).toBe(400);
      expect(badEs.body.error.code).toBe('invalid_query');
      const health = await healthOf(s);
      expect(health.sources).toMatchObject({
        elasticsearch: { ok: true },
        garbage: { ok: false },
        slow: { ok: false },
      });
      expect((await fetch(`${s.url}/api/health`)).status).toBe(200);
      await fetch(`${urls.opensearch}/${sinkIndex}`, { method: 'DELETE' });
    } finally {
      await garbage.close();
      await hang.close();
    }
  }, 300_000);
});
