/**
 * `vigil serve` with `store: postgres://...` against the real test servers: a Prometheus job runs on the scheduler,
 * its results land in PostgreSQL, the Prometheus-compatible API serves them, and a restart on the same database
 * finds everything.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { startServer, type RunningServer } from '../../../pkg/api/server';
import type { VigilConfig } from '../../../pkg/config/config';
import { ScaledClock } from '../../helpers/jobs';
import { freePort } from '../../servers/common';
import { NAB_METRIC, readNabCsv } from '../../servers/nab';
import { createTestDatabase } from '../../servers/postgres';
import { serverUrls } from '../../servers/servers';

const DAY = 86_400_000;
const TOKEN = 'pg-integration-token';
const NAB = 'realAWSCloudwatch/ec2_cpu_utilization_24ae8d.csv';

async function call(s: RunningServer, method: string, url: string, body?: unknown) {
  const res = await fetch(`${s.url}${url}`, {
    method,
    headers: { authorization: `Bearer ${TOKEN}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  return { status: res.status, body: (await res.json()) as any };
}

describe('vigil serve on PostgreSQL', () => {
  let server: RunningServer | undefined;
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'vigil-pg-serve-'));
  });
  afterAll(async () => {
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps jobs and results in PostgreSQL and serves them across a restart', async () => {
    const urls = serverUrls();
    const store = await createTestDatabase(urls.postgres);
    const csv = readNabCsv(NAB);
    const clock = new ScaledClock(csv.timestamps[0] + 8 * DAY, 600);
    const cfg: VigilConfig = {
      port: await freePort(),
      host: '127.0.0.1',
      dataDir: dir,
      store,
      apiToken: TOKEN,
      logLevel: 'error',
      sources: [{ type: 'prometheus', name: 'prometheus', url: urls.prometheus, timeout: '20s' }],
      scheduler: { maxBackoff: '1h', retention: '3650d' },
    };
    server = await startServer(cfg, { clock });
    const s = server;
    const created = await call(s, 'POST', '/api/jobs', {
      name: 'pg-job',
      source: { type: 'prometheus', query: `${NAB_METRIC}{series="ec2_cpu_utilization_24ae8d"}` },
      interval: '5m',
      trainingWindow: '7d',
    });
    expect(created.status).toBe(201);
    const id: string = created.body.id;
    const until = Date.now() + 60_000;
    let runs = 0;
    while (Date.now() < until && runs < 2) {
      const m = await (await fetch(`${s.url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } })).text();
      runs = Number(/vigil_job_runs_total\{job="pg-job",outcome="ok"\} (\d+)/.exec(m)?.[1] ?? 0);
      await new Promise((r) => setTimeout(r, 250));
    }
    expect(runs).toBeGreaterThanOrEqual(2);
    const now = clock.now();
    const results = (await call(s, 'GET', `/api/jobs/${id}/results?from=${now - DAY}&to=${now}`)).body;
    const byT = new Map(csv.timestamps.map((t, i) => [t, csv.values[i]]));
    const pts = results.series[0].points as { t: number; value: number | null }[];
    expect(pts.length).toBeGreaterThan(250);
    for (const p of pts) expect(p.value).toBe(byT.get(p.t) ?? null);

    // the rows are in PostgreSQL, not in the data directory
    const c = new pg.Client({ connectionString: store });
    await c.connect();
    expect((await c.query('SELECT COUNT(*)::int AS n FROM results')).rows[0].n).toBeGreaterThan(250);
    await c.end();

    await s.close();
    server = await startServer({ ...cfg, port: await freePort() }, { clock });
    const again = (await call(server, 'GET', `/api/jobs/${id}/results?from=${now - DAY}&to=${now}`)).body;
    expect(again.series[0].points.slice(0, pts.length)).toEqual(results.series[0].points);
    const q = encodeURIComponent('vigil_anomaly_score{job="pg-job"}');
    const qr = (
      await call(server, 'GET', `/api/v1/query_range?query=${q}&start=${(now - DAY) / 1000}&end=${now / 1000}&step=300`)
    ).body;
    expect(qr.data.result).toHaveLength(1);
    expect(qr.data.result[0].values.length).toBeGreaterThan(250);
  }, 120_000);
});
