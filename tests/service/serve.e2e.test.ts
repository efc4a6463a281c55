/**
 * End to end: `vigil serve` as a real process with the file source over NAB data (rds_cpu_utilization_cc0c53,
 * its values laid on a 1-minute grid ending a few minutes after now). Creates a job, lets the scheduler run
 * (first run: fit + score the training window; a minute later: an incremental run), reads results through the
 * Prometheus-compatible API and /metrics, restarts the process on the same data directory and finds everything
 * kept. Also: a bad config stops the process with a message naming the key.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { NAB_DIR, REPO_ROOT } from '../helpers/shared';
import { waitFor } from '../helpers/waitFor';
import { freePort } from '../servers/common';

const MIN = 60_000;
const TOKEN = 'e2e-token-0123456789';
const NAB_FILE = path.join(NAB_DIR, 'data', 'realAWSCloudwatch', 'rds_cpu_utilization_cc0c53.csv');

interface Engine {
  proc: ChildProcess;
  url: string;
  output: () => string;
  stop(): Promise<number | null>;
}

async function start(args: string[], env: Record<string, string>, wait = true): Promise<Engine> {
  let out = '';
  const proc = spawn(process.execPath, [path.join(REPO_ROOT, 'bin', 'vigil.js'), 'serve', ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  proc.stdout!.on('data', (d) => (out += d));
  proc.stderr!.on('data', (d) => (out += d));
  const port = args[args.indexOf('--port') + 1];
  const url = `http://127.0.0.1:${port}`;
  const engine: Engine = {
    proc,
    url,
    output: () => out,
    stop: async () => {
      if (proc.exitCode !== null) return proc.exitCode;
      const exited = new Promise<number | null>((r) => proc.once('exit', (code) => r(code)));
      proc.kill('SIGTERM');
      return exited;
    },
  };
  if (wait) {
    await waitFor(
      `health (output: ${out.slice(-500)})`,
      async () => ((await fetch(`${url}/api/health`)).ok ? true : undefined),
      60_000,
      proc
    );
  }
  return engine;
}

const api = async (e: Engine, method: string, url: string, body?: unknown) => {
  const res = await fetch(`${e.url}${url}`, {
    method,
    headers: { authorization: `Bearer ${TOKEN}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  const json = (res.headers.get('content-type') ?? '').includes('json');
  return { status: res.status, body: json && text ? JSON.parse(text) : undefined, text };
};

describe('vigil serve end to end (file source, NAB data)', () => {
  let dir: string;
  let engine: Engine | undefined;
  const cleanup = async () => {
    if (engine) await engine.stop();
    engine = undefined;
  };
  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'vigil-e2e-'));
  });
  afterAll(async () => {
    await cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  it('stops on a bad config with a message naming the key', async () => {
    const cfg = path.join(dir, 'bad.yaml');
    writeFileSync(cfg, 'scheduler:\n  maxBackoff: forever\n');
    const port = String(await freePort());
    const bad = await start(['--port', port, '--config', cfg], { VIGIL_API_TOKEN: TOKEN }, false);
    const code = await new Promise<number | null>((r) => bad.proc.once('exit', (c) => r(c)));
    expect(code).toBe(1);
    expect(bad.output()).toMatch(/scheduler\.maxBackoff: must be a duration/);
  });

  it('runs a job on schedule, serves its results, and keeps everything across a restart', async () => {
    const files = path.join(dir, 'files');
    mkdirSync(files, { recursive: true });
    const rows = readFileSync(NAB_FILE, 'utf8').trim().split('\n').slice(1);
    // NAB values on a 1-minute grid whose last point is 3 minutes in the future (scored when its time comes)
    const last = Math.floor(Date.now() / MIN) * MIN + 3 * MIN;
    const csv = rows.map((r, i) => `${new Date(last - (rows.length - 1 - i) * MIN).toISOString()},${r.split(',')[1]}`);
    writeFileSync(path.join(files, 'cpu.csv'), `timestamp,value\n${csv.join('\n')}\n`);
    const cfg = path.join(dir, 'vigil.yaml');
    writeFileSync(
      cfg,
      [
        'host: 127.0.0.1',
        'logLevel: warn',
        'sources:',
        '  - type: file',
        `    root: ${JSON.stringify(files)}`,
        '',
      ].join('\n')
    );
    const dataDir = path.join(dir, 'data');
    const port = String(await freePort());
    const args = ['--port', port, '--data-dir', dataDir, '--config', cfg];
    engine = await start(args, { VIGIL_API_TOKEN: TOKEN });

    const health = await (await fetch(`${engine.url}/api/health`)).json();
    expect(health).toMatchObject({ status: 'ok', store: { ok: true }, sources: { file: { ok: true } } });

    const created = await api(engine, 'POST', '/api/jobs', {
      name: 'nab-cpu',
      source: { type: 'file', path: 'cpu.csv' },
      interval: '1m',
      trainingWindow: '2d',
      labels: { host: 'rds-cc0c53' },
    });
    expect(created.status).toBe(201);
    const id: string = created.body.id;
    const e = engine;

    // first run (fit + score 2 days), then the scheduler's next run one interval later
    const firstRun = await waitFor(
      'first run',
      async () => {
        const j = (await api(e, 'GET', `/api/jobs/${id}`)).body;
        return j.lastRun ? j.lastRun : undefined;
      },
      120_000,
      e.proc
    );
    expect(firstRun).toMatchObject({ ok: true, points: 2 * 1440 });
    const secondRun = await waitFor(
      'second run',
      async () => {
        const j = (await api(e, 'GET', `/api/jobs/${id}`)).body;
        return j.lastRun.at > firstRun.at ? j.lastRun : undefined;
      },
      150_000,
      e.proc
    );
    expect(secondRun.ok).toBe(true);
    expect(secondRun.points).toBeGreaterThanOrEqual(1);
    expect(secondRun.points).toBeLessThanOrEqual(3);
    expect(secondRun.at - firstRun.at).toBeGreaterThanOrEqual(MIN - 1000);

    const now = Date.now();
    const range = `query=${encodeURIComponent('vigil_anomaly_score{job="nab-cpu"}')}&start=${(now - 3 * 3600_000) / 1000}&end=${now / 1000}&step=60`;
    const qr = (await api(engine, 'GET', `/api/v1/query_range?${range}`)).body;
    expect(qr.status).toBe('success');
    expect(qr.data.resultType).toBe('matrix');
    expect(qr.data.result).toHaveLength(1);
    expect(qr.data.result[0].metric).toMatchObject({
      __name__: 'vigil_anomaly_score',
      job: 'nab-cpu',
      host: 'rds-cc0c53',
    });
    expect(qr.data.result[0].values.length).toBeGreaterThanOrEqual(170);
    const expectedBands = (
      await api(engine, 'GET', `/api/v1/query?query=${encodeURIComponent('vigil_expected{job="nab-cpu"}')}`)
    ).body;
    expect(expectedBands.data.result.map((r: { metric: { bound: string } }) => r.metric.bound).sort()).toEqual([
      'lower',
      'mean',
      'upper',
    ]);

    const metrics = (await api(engine, 'GET', '/metrics')).text;
    expect(metrics).toMatch(/vigil_job_runs_total\{job="nab-cpu",outcome="ok"\} [2-9]/);
    expect(metrics).toMatch(/vigil_anomaly_score\{job="nab-cpu",[^}]*host="rds-cc0c53"\} [0-9.]+/);
    expect(metrics).toMatch(/vigil_detection_duration_seconds_count\{kind="job"\} [2-9]/);

    const results = (await api(engine, 'GET', `/api/jobs/${id}/results?from=${now - 3 * 86_400_000}&to=${now}`)).body;
    const anomalies = (await api(engine, 'GET', `/api/jobs/${id}/anomalies?from=${now - 3 * 86_400_000}&to=${now}`))
      .body.anomalies;
    expect(results.series[0].points.length).toBeGreaterThanOrEqual(2 * 1440);
    expect(anomalies.length).toBeGreaterThan(0);
    const fb = await api(engine, 'POST', `/api/anomalies/${anomalies[0].id}/feedback`, {
      verdict: 'expected',
      comment: 'e2e',
    });
    expect(fb.status).toBe(200);

    // restart on the same data directory: everything is kept
    expect(await engine.stop()).toBe(0);
    engine = await start(args, { VIGIL_API_TOKEN: TOKEN });
    const jobs = (await api(engine, 'GET', '/api/jobs')).body.jobs;
    expect(jobs.map((j: { id: string; name: string }) => [j.id, j.name])).toEqual([[id, 'nab-cpu']]);
    const again = (await api(engine, 'GET', `/api/jobs/${id}/results?from=${now - 3 * 86_400_000}&to=${now}`)).body;
    // the restarted scheduler may already have scored a newer minute: everything from before is kept as it was
    expect(again.series[0].points.slice(0, results.series[0].points.length)).toEqual(results.series[0].points);
    const anomaliesAgain = (
      await api(engine, 'GET', `/api/jobs/${id}/anomalies?from=${now - 3 * 86_400_000}&to=${now}`)
    ).body.anomalies;
    expect(anomaliesAgain.map((a: { id: string }) => a.id)).toEqual(anomalies.map((a: { id: string }) => a.id));
    expect(anomaliesAgain[0].feedback).toMatchObject({ verdict: 'expected', comment: 'e2e' });
    expect((await api(engine, 'GET', '/api/feedback')).body.feedback).toHaveLength(1);
    const qrAgain = (await api(engine, 'GET', `/api/v1/query_range?${range}`)).body;
    expect(qrAgain.data.result[0].values.slice(0, 170)).toEqual(qr.data.result[0].values.slice(0, 170));
    expect(await engine.stop()).toBe(0);
    engine = undefined;
  }, 400_000);
});
