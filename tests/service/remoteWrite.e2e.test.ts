/**
 * Remote write of job results: a real `vigil serve` process runs a job on a CSV series (recent, with a spike) and
 * writes its results to a real Prometheus started with `--web.enable-remote-write-receiver`; Prometheus' own
 * `/api/v1/query` then serves the written series with the engine's labels and values (score, anomalous, expected
 * band, drift). With the receiver down, the run still succeeds, its results stay in the store, and the log says
 * clearly that the write failed and why.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { REPO_ROOT } from '../helpers/shared';
import { waitFor } from '../helpers/waitFor';
import { freePort } from '../servers/common';
import { startPrometheusReceiver, type OwnPrometheus } from '../servers/prometheus';

jest.setTimeout(180_000);

const TOKEN = 'remote-write-e2e-token';
const PASSWORD = 'rw-Passw0rd-never-logged';
const MIN = 60_000;

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

/** Four days of one-minute points up to now (two of warm-up, a one-day training window and more): a daily wave with a little seeded noise and a spike 20 minutes ago. */
function writeCsv(file: string, now: number): void {
  const end = Math.floor(now / MIN) * MIN;
  let seed = 7;
  const noise = () => ((seed = (seed * 16807) % 2147483647) / 2147483647 - 0.5) * 2;
  const lines = ['timestamp,value'];
  for (let t = end - 4 * 1440 * MIN; t <= end; t += MIN) {
    let v = 50 + 10 * Math.sin((2 * Math.PI * t) / 86_400_000) + noise();
    if (t >= end - 22 * MIN && t <= end - 18 * MIN) v += 60;
    lines.push(`${new Date(t).toISOString()},${v.toFixed(3)}`);
  }
  writeFileSync(file, lines.join('\n') + '\n');
}

describe('remote write of job results to a real Prometheus', () => {
  let dir: string;
  let prom: OwnPrometheus | undefined;
  const procs: ChildProcess[] = [];
  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'vigil-remote-write-'));
    prom = await startPrometheusReceiver();
  });
  afterAll(async () => {
    for (const p of procs) if (p.exitCode === null) p.kill('SIGKILL');
    await prom?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Start `vigil serve` writing results to `remoteWriteUrl`; returns its URL, API helper and log so far. */
  async function serve(name: string, remoteWriteUrl: string) {
    const data = path.join(dir, name);
    mkdirSync(path.join(data, 'files'), { recursive: true });
    writeCsv(path.join(data, 'files', 'cpu.csv'), Date.now());
    const cfg = path.join(dir, `${name}.yaml`);
    writeFileSync(
      cfg,
      [
        'host: 127.0.0.1',
        'logLevel: debug',
        'remoteWrite:',
        `  url: ${remoteWriteUrl}`,
        `  auth: { type: basic, username: vigil, password: ${PASSWORD} }`,
        '  headers: { X-Scope-OrgID: e2e }',
        '  timeout: 5s',
        '  retries: 2',
        '',
      ].join('\n')
    );
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const log = { text: '' };
    const proc = spawn(
      process.execPath,
      [path.join(REPO_ROOT, 'bin', 'vigil.js'), 'serve', '--port', String(port), '--data-dir', data, '--config', cfg],
      { cwd: REPO_ROOT, env: { ...process.env, VIGIL_API_TOKEN: TOKEN }, stdio: ['ignore', 'pipe', 'pipe'] }
    );
    procs.push(proc);
    proc.stdout!.on('data', (d) => (log.text += d));
    proc.stderr!.on('data', (d) => (log.text += d));
    await waitFor('health', async () => ((await fetch(`${url}/api/health/live`)).ok ? true : undefined), 60_000, proc);
    const api = async (method: string, route: string, body?: unknown): Promise<{ status: number; body: Json }> => {
      const res = await fetch(`${url}${route}`, {
        method,
        headers: { authorization: `Bearer ${TOKEN}`, ...(body ? { 'content-type': 'application/json' } : {}) },
        body: body ? JSON.stringify(body) : undefined,
      });
      return { status: res.status, body: await res.json() };
    };
    /** Create a job on the CSV and wait for its first run. */
    const runJob = async (job: string) => {
      const created = await api('POST', '/api/jobs', {
        name: job,
        source: { type: 'file', path: 'cpu.csv' },
        interval: '1m',
        trainingWindow: '1d',
      });
      expect(created.status).toBe(201);
      const id = created.body.id as string;
      const ran = await waitFor(
        `first run of ${job}`,
        async () => {
          const j = (await api('GET', `/api/jobs/${id}`)).body;
          return j.lastRun ? j : undefined;
        },
        120_000,
        proc,
        200
      );
      return { id, lastRun: ran.lastRun, lastProcessed: ran.lastProcessed as number | undefined };
    };
    return { url, api, runJob, log, proc };
  }

  it('writes the scores, flags, band and drift of a run, which Prometheus serves with the engine labels', async () => {
    const vigil = await serve('up', `${prom!.url}/api/v1/write`);
    const { id } = await vigil.runJob('rw-cpu');
    const jobs = (await vigil.api('GET', `/api/jobs/${id}`)).body;
    expect(jobs.lastRun.ok).toBe(true);
    const stored = (
      await vigil.api('GET', `/api/jobs/${id}/results?from=${Date.now() - 3 * 3_600_000}&to=${Date.now()}`)
    ).body.series[0].points as {
      t: number;
      value: number | null;
      expected: number | null;
      lower: number | null;
      upper: number | null;
      score: number | null;
      anomaly: boolean;
    }[];
    const newest = Math.max(...stored.map((p) => p.t));
    // the engine writes in the background after the run: wait until Prometheus has the newest point
    const promQuery = async (query: string, time: number): Promise<Json[]> => {
      const res = await fetch(
        `${prom!.url}/api/v1/query?query=${encodeURIComponent(query)}&time=${(time / 1000).toFixed(3)}`
      );
      const body = (await res.json()) as Json;
      expect(body.status).toBe('success');
      return body.data.result;
    };
    await waitFor(
      'results in Prometheus',
      async () => ((await promQuery('vigil_anomaly_score{job="rw-cpu"}', newest)).length > 0 ? true : undefined),
      30_000,
      vigil.proc,
      250
    ).catch((err: Error) => {
      throw new Error(
        `${err.message}\nengine log:\n${vigil.log.text
          .split('\n')
          .filter((l) => !/"reqId"/.test(l))
          .join('\n')}`
      );
    });

    // labels: the same series, with the same labels, as the engine's own Prometheus-compatible API
    const names = ['vigil_anomaly_score', 'vigil_anomalous', 'vigil_expected', 'vigil_drift', 'vigil_drift_p_value'];
    const engineSeries = await fetch(
      `${vigil.url}/api/v1/series?${names.map((n) => `match[]=${encodeURIComponent(`${n}{job="rw-cpu"}`)}`).join('&')}`,
      { headers: { authorization: `Bearer ${TOKEN}` } }
    ).then((r) => r.json() as Promise<Json>);
    const key = (l: Record<string, string>) => JSON.stringify(Object.entries(l).sort());
    const engineKeys = (engineSeries.data as Record<string, string>[]).map(key).sort();
    const written = await promQuery(`{__name__=~"vigil_.*",job="rw-cpu"}[3h]`, Date.now());
    expect(written.map((s: Json) => key(s.metric)).sort()).toEqual(engineKeys);
    expect(engineKeys.length).toBe(7); // score, anomalous, three bounds, drift, drift p-value

    // values: every stored point of the last hour before the newest, exactly
    const recent = stored.filter((p) => p.t > newest - 3_600_000);
    expect(recent.length).toBeGreaterThanOrEqual(55);
    const samples = (name: string, bound?: string): Map<number, number> => {
      const s = written.find((x: Json) => x.metric.__name__ === name && x.metric.bound === bound);
      return new Map((s?.values ?? []).map(([t, v]: [number, string]) => [Math.round(t * 1000), Number(v)]));
    };
    const score = samples('vigil_anomaly_score');
    const anomalous = samples('vigil_anomalous');
    const lower = samples('vigil_expected', 'lower');
    const mean = samples('vigil_expected', 'mean');
    const upper = samples('vigil_expected', 'upper');
    for (const p of recent) {
      expect(score.get(p.t)).toBe(p.score ?? undefined);
      expect(lower.get(p.t)).toBe(p.lower ?? undefined);
      expect(mean.get(p.t)).toBe(p.expected ?? undefined);
      expect(upper.get(p.t)).toBe(p.upper ?? undefined);
      if (p.value !== null) expect(Math.abs(anomalous.get(p.t)!)).toBe(p.anomaly ? 1 : 0);
    }
    // the spike 20 minutes ago is flagged in Prometheus as in the engine
    expect(recent.some((p) => p.anomaly)).toBe(true);
    expect([...anomalous.values()].some((v) => v !== 0)).toBe(true);
    // drift: one sample at the time of the check, as the engine's API dates it
    const d = (await vigil.api('GET', '/api/drift')).body.jobs.find((x: Json) => x.jobId === id);
    expect([...samples('vigil_drift').entries()]).toEqual([[d.checkedAt, d.drifting ? 1 : 0]]);
    expect([...samples('vigil_drift_p_value').entries()]).toEqual([[d.checkedAt, d.pValue]]);
    // an alert rule's expression on the user's Prometheus
    const alert = await promQuery('max_over_time(vigil_anomalous{job="rw-cpu"}[1h]) != 0', newest);
    expect(alert).toHaveLength(1);
    const metrics = await (
      await fetch(`${vigil.url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } })
    ).text();
    expect(Number(/vigil_remote_write_samples_total\{outcome="sent"\} (\d+)/.exec(metrics)?.[1])).toBeGreaterThan(0);
    expect(vigil.log.text).not.toContain(PASSWORD);
  });

  it('keeps the run and its stored results when the receiver is down, and logs why the write failed', async () => {
    const down = await freePort();
    const vigil = await serve('down', `http://127.0.0.1:${down}/api/v1/write`);
    const { id, lastRun } = await vigil.runJob('rw-down');
    expect(lastRun.ok).toBe(true);
    expect(lastRun.points).toBeGreaterThan(1000);
    const results = (await vigil.api('GET', `/api/jobs/${id}/results?from=${Date.now() - 3_600_000}&to=${Date.now()}`))
      .body;
    expect(results.series[0].points.length).toBeGreaterThanOrEqual(55);
    const line = await waitFor(
      'the remote write error in the log',
      async () => vigil.log.text.split('\n').find((l) => l.includes('remote write failed')),
      30_000,
      vigil.proc,
      200
    );
    expect(line).toMatch(
      new RegExp(
        `remote write to http://127\\.0\\.0\\.1:${down}/api/v1/write failed after 3 attempts: connection refused \\(is the receiver running\\?\\)`
      )
    );
    expect(line).toMatch(/sent again with its next run/);
    expect(vigil.log.text).not.toContain(PASSWORD);
    expect((await vigil.api('GET', `/api/jobs/${id}`)).body.lastRun.ok).toBe(true);
    // the samples kept for the next run are counted on /metrics, for an alert on the engine itself
    const metrics = await (
      await fetch(`${vigil.url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } })
    ).text();
    expect(Number(/vigil_remote_write_samples_total\{outcome="kept"\} (\d+)/.exec(metrics)?.[1])).toBeGreaterThan(0);
  });
});
