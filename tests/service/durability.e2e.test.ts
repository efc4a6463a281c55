/**
 * Durability: `vigil serve` as a real process is killed with SIGKILL right after it acknowledged writes (jobs
 * created, feedback given, a job's run recorded) and restarted on the same data directory; everything it
 * acknowledged must be there. Twice: once with no pause after the last acknowledgement, once while the
 * scheduler is busy with the runs of the new jobs.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { NAB_DIR, REPO_ROOT } from '../helpers/shared';
import { waitFor } from '../helpers/waitFor';
import { freePort } from '../servers/common';

const MIN = 60_000;
const TOKEN = 'durability-token-0123456789';
const NAB_FILE = path.join(NAB_DIR, 'data', 'realAWSCloudwatch', 'rds_cpu_utilization_cc0c53.csv');

interface Engine {
  proc: ChildProcess;
  url: string;
}

async function start(args: string[]): Promise<Engine> {
  let out = '';
  const proc = spawn(process.execPath, [path.join(REPO_ROOT, 'bin', 'vigil.js'), 'serve', ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, VIGIL_API_TOKEN: TOKEN },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  proc.stdout!.on('data', (d) => (out += d));
  proc.stderr!.on('data', (d) => (out += d));
  const url = `http://127.0.0.1:${args[args.indexOf('--port') + 1]}`;
  await waitFor(
    `health (output: ${out.slice(-500)})`,
    async () => ((await fetch(`${url}/api/health`)).status < 500 ? true : undefined),
    60_000,
    proc,
    100
  );
  return { proc, url };
}

/** SIGKILL: no shutdown hook runs, nothing is flushed. Resolves once the process is gone. */
function kill9(e: Engine): Promise<void> {
  if (e.proc.exitCode !== null || e.proc.signalCode !== null) return Promise.resolve();
  const gone = new Promise<void>((r) => e.proc.once('exit', () => r()));
  e.proc.kill('SIGKILL');
  return gone;
}

async function api(e: Engine, method: string, url: string, body?: unknown) {
  const res = await fetch(`${e.url}${url}`, {
    method,
    headers: { authorization: `Bearer ${TOKEN}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

describe('vigil serve loses nothing it acknowledged when killed with SIGKILL', () => {
  let dir: string;
  let engine: Engine | undefined;
  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'vigil-kill9-'));
  });
  afterAll(async () => {
    if (engine) await kill9(engine);
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps acknowledged jobs, feedback and run results across kill -9', async () => {
    const files = path.join(dir, 'files');
    mkdirSync(files, { recursive: true });
    const rows = readFileSync(NAB_FILE, 'utf8').trim().split('\n').slice(1);
    const last = Math.floor(Date.now() / MIN) * MIN + 3 * MIN;
    const csv = rows.map((r, i) => `${new Date(last - (rows.length - 1 - i) * MIN).toISOString()},${r.split(',')[1]}`);
    writeFileSync(path.join(files, 'cpu.csv'), `timestamp,value\n${csv.join('\n')}\n`);
    const cfg = path.join(dir, 'vigil.yaml');
    writeFileSync(
      cfg,
      `host: 127.0.0.1\nlogLevel: warn\nsources:\n  - type: file\n    root: ${JSON.stringify(files)}\n`
    );
    const args = ['--port', String(await freePort()), '--data-dir', path.join(dir, 'data'), '--config', cfg];
    const spec = (name: string) => ({
      name,
      source: { type: 'file', path: 'cpu.csv' },
      interval: '1m',
      trainingWindow: '2d',
      labels: { run: name },
    });

    // a job's first run: results and anomaly events, acknowledged once lastRun shows it
    engine = await start(args);
    const first = (await api(engine, 'POST', '/api/jobs', spec('first'))).body;
    const e0 = engine;
    await waitFor(
      'first run',
      async () => ((await api(e0, 'GET', `/api/jobs/${first.id}`)).body.lastRun?.ok ? true : undefined),
      120_000,
      e0.proc
    );
    const to = Date.now() + 10 * MIN;
    const from = to - 4 * 86_400_000;
    const results = (await api(engine, 'GET', `/api/jobs/${first.id}/results?from=${from}&to=${to}`)).body;
    const anomalies = (await api(engine, 'GET', `/api/jobs/${first.id}/anomalies?from=${from}&to=${to}`)).body
      .anomalies as { id: string }[];
    const resultPoints = results.series[0].points.length;
    expect(resultPoints).toBeGreaterThanOrEqual(2 * 1440);
    expect(anomalies.length).toBeGreaterThan(0);

    // five jobs and a feedback, then SIGKILL with no pause after the last acknowledgement
    const created: string[] = [];
    for (let i = 0; i < 5; i++) {
      const r = await api(engine, 'POST', '/api/jobs', spec(`job-${i}`));
      expect(r.status).toBe(201);
      created.push(r.body.id);
    }
    const fb = await api(engine, 'POST', `/api/anomalies/${anomalies[0].id}/feedback`, {
      verdict: 'false_positive',
      comment: 'acknowledged just before the kill',
    });
    expect(fb.status).toBe(200);
    await kill9(engine);

    engine = await start(args);
    const jobs = (await api(engine, 'GET', '/api/jobs')).body.jobs as { id: string; name: string }[];
    expect(jobs.map((j) => j.id)).toEqual(expect.arrayContaining([first.id, ...created]));
    expect(jobs.map((j) => j.name).sort()).toEqual(['first', 'job-0', 'job-1', 'job-2', 'job-3', 'job-4']);
    const feedback = (await api(engine, 'GET', '/api/feedback')).body.feedback;
    expect(feedback).toEqual([
      expect.objectContaining({
        anomalyId: anomalies[0].id,
        verdict: 'false_positive',
        comment: 'acknowledged just before the kill',
      }),
    ]);
    const again = (await api(engine, 'GET', `/api/jobs/${first.id}/results?from=${from}&to=${to}`)).body;
    expect(again.series[0].points.slice(0, resultPoints)).toEqual(results.series[0].points);
    const anomaliesAgain = (await api(engine, 'GET', `/api/jobs/${first.id}/anomalies?from=${from}&to=${to}`)).body
      .anomalies as { id: string }[];
    expect(anomaliesAgain.map((a) => a.id)).toEqual(expect.arrayContaining(anomalies.map((a) => a.id)));

    // the five new jobs now run (fits and writes in progress): kill again mid-way, right after a delete and an
    // update were acknowledged; a run acknowledged as finished keeps its results
    const e1 = engine;
    const done = await waitFor(
      'a run of a new job',
      async () => {
        const all = (await api(e1, 'GET', '/api/jobs')).body.jobs as { id: string; lastRun?: { ok: boolean } }[];
        return all.find((j) => created.includes(j.id) && j.lastRun?.ok)?.id;
      },
      120_000,
      e1.proc,
      50
    );
    const doneResults = (await api(engine, 'GET', `/api/jobs/${done}/results?from=${from}&to=${to}`)).body;
    const victim = created.find((id) => id !== done)!;
    expect((await api(engine, 'DELETE', `/api/jobs/${victim}`)).status).toBe(204);
    const keep = created.find((id) => id !== done && id !== victim)!;
    expect((await api(engine, 'PUT', `/api/jobs/${keep}`, { ...spec('renamed'), threshold: 40 })).status).toBe(200);
    await kill9(engine);

    engine = await start(args);
    const after = (await api(engine, 'GET', '/api/jobs')).body.jobs as { id: string; name: string }[];
    expect(after.map((j) => j.id)).not.toContain(victim);
    expect(after.find((j) => j.id === keep)).toMatchObject({ name: 'renamed', threshold: 40 });
    const doneAgain = (await api(engine, 'GET', `/api/jobs/${done}/results?from=${from}&to=${to}`)).body;
    expect(doneAgain.series[0].points.slice(0, doneResults.series[0].points.length)).toEqual(
      doneResults.series[0].points
    );
    expect((await api(engine, 'GET', '/api/feedback')).body.feedback).toHaveLength(1);
    await kill9(engine);
    engine = undefined;
  }, 400_000);
});
