/**
 * Starts a real `vigil serve` for the browser suite, with a file source over a temporary directory holding:
 * - `jumpsup.csv`: NAB's art_daily_jumpsup series (a labelled anomaly at 2014-04-11 09:00), for ad-hoc detection;
 * - `synthetic.csv`: five days of a daily sine plus seeded noise ending now, with a spike one hour ago, for a job
 *   whose stored anomalies carry ids (feedback) — deterministic given the start time;
 * - `multi.csv`: five request-count series (label `host`, very different levels) over five days ending now, with a
 *   spike on `b` and a drop on `d` in the last day, for multi-series panels;
 * - `peers.csv`: ten web servers' CPU (label `host`) over two days ending now, one of which leaves the group for four
 *   hours, for peer-group outliers;
 * - `shifted.csv`: four days of a daily sine with noise ending now whose level rises for the last ten hours, for a job
 *   that drifts.
 * Shared data is found at `<repo>/../shared` or `$VIGIL_SHARED_DIR`.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRng } from '../../pkg/core/random';
import { waitFor } from '../helpers/waitFor';
import { freePort } from '../servers/common';

export const REPO_ROOT = path.resolve(__dirname, '..', '..');
export const SHARED_DIR = process.env.VIGIL_SHARED_DIR ?? path.resolve(REPO_ROOT, '..', 'shared');
export const NAB_FILE = path.join(SHARED_DIR, 'data', 'nab', 'data', 'artificialWithAnomaly', 'art_daily_jumpsup.csv');

export interface RunningEngine {
  url: string;
  token: string;
  dir: string;
  logFile: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

const STEP = 300_000;

/** Two days of 5-minute points ending at `endMs` (aligned), a spike of +80 twelve points (one hour) before the end. */
export function syntheticCsv(endMs: number): { csv: string; spikeAt: number } {
  const rand = createRng(42).next; // seeded: the synthetic series is the same on every run
  const n = 1440;
  const end = Math.floor(endMs / STEP) * STEP;
  const lines = ['timestamp,value'];
  let spikeAt = 0;
  for (let i = 0; i < n; i++) {
    const t = end - (n - 1 - i) * STEP;
    // Box-Muller normal noise, sd 2
    const noise = Math.sqrt(-2 * Math.log(rand() || 1e-12)) * Math.cos(2 * Math.PI * rand()) * 2;
    let v = 100 + 20 * Math.sin((2 * Math.PI * i) / 288) + noise;
    if (i === n - 12) {
      v += 80;
      spikeAt = t;
    }
    lines.push(`${new Date(t).toISOString()},${v.toFixed(3)}`);
  }
  return { csv: lines.join('\n') + '\n', spikeAt };
}

export const MULTI_HOSTS = ['a', 'b', 'c', 'd', 'e'];

/**
 * Five hosts' request counts per 5 minutes over five days ending at `endMs` (aligned): daily rhythms of different
 * levels (a ~ 400, b ~ 120, c ~ 60, d ~ 900, e ~ 15), seeded Poisson-like noise; host b spikes to 3x six hours before
 * the end, host d drops to a quarter for an hour twelve hours before the end.
 */
export function multiCsv(endMs: number): { csv: string; spikeAt: number; dropAt: number } {
  const rand = createRng(7).next;
  const n = 1440;
  const end = Math.floor(endMs / STEP) * STEP;
  const levels: Record<string, number> = { a: 400, b: 120, c: 60, d: 900, e: 15 };
  const lines = ['timestamp,host,requests'];
  const spikeAt = end - 72 * STEP;
  const dropAt = end - 144 * STEP;
  for (let i = 0; i < n; i++) {
    const t = end - (n - 1 - i) * STEP;
    for (const h of MULTI_HOSTS) {
      const base = levels[h] * (1 + 0.5 * Math.sin((2 * Math.PI * i) / 288));
      let v = base + Math.sqrt(base) * (rand() + rand() + rand() - 1.5) * 2;
      if (h === 'b' && t >= spikeAt && t < spikeAt + 3 * STEP) v *= 3;
      if (h === 'd' && t >= dropAt && t < dropAt + 12 * STEP) v /= 4;
      lines.push(`${new Date(t).toISOString()},${h},${Math.max(0, Math.round(v))}`);
    }
  }
  return { csv: lines.join('\n') + '\n', spikeAt, dropAt };
}

export const PEER_HOSTS = Array.from({ length: 10 }, (_, i) => `web-${i}`);
/** The host of `peers.csv` that leaves its group. */
export const PEER_OUTLIER = 'web-6';

/**
 * Ten web servers' CPU % per 5 minutes over two days ending at `endMs` (aligned): one shared daily rhythm (35 to 65)
 * with seeded noise (sd 2) per host; web-6 runs 25 points hotter for the four hours from ten hours before the end.
 */
export function peersCsv(endMs: number): { csv: string; from: number; to: number } {
  const rand = createRng(21).next;
  const n = 576;
  const end = Math.floor(endMs / STEP) * STEP;
  const from = end - 130 * STEP;
  const to = from + 48 * STEP;
  const lines = ['timestamp,host,cpu'];
  for (let i = 0; i < n; i++) {
    const t = end - (n - 1 - i) * STEP;
    for (const h of PEER_HOSTS) {
      const noise = Math.sqrt(-2 * Math.log(rand() || 1e-12)) * Math.cos(2 * Math.PI * rand()) * 2;
      let v = 50 + 15 * Math.sin((2 * Math.PI * i) / 288) + noise;
      if (h === PEER_OUTLIER && t >= from && t < to) v += 25;
      lines.push(`${new Date(t).toISOString()},${h},${v.toFixed(2)}`);
    }
  }
  return { csv: lines.join('\n') + '\n', from, to };
}

/**
 * Four days of 5-minute points ending at `endMs` (aligned): a daily sine (100 +- 20) with seeded noise (sd 2), 12
 * higher for the last ten hours (120 points): a level shift a job's drift check sees.
 */
export function shiftedCsv(endMs: number): { csv: string; shiftAt: number } {
  const rand = createRng(11).next;
  const n = 1152;
  const end = Math.floor(endMs / STEP) * STEP;
  const shiftAt = end - 119 * STEP;
  const lines = ['timestamp,value'];
  for (let i = 0; i < n; i++) {
    const t = end - (n - 1 - i) * STEP;
    const noise = Math.sqrt(-2 * Math.log(rand() || 1e-12)) * Math.cos(2 * Math.PI * rand()) * 2;
    const v = 100 + 20 * Math.sin((2 * Math.PI * t) / 86_400_000) + noise + (t >= shiftAt ? 12 : 0);
    lines.push(`${new Date(t).toISOString()},${v.toFixed(3)}`);
  }
  return { csv: lines.join('\n') + '\n', shiftAt };
}

/**
 * Start `node bin/vigil.js serve` on a free port and wait for /api/health.
 * @throws Error when the engine does not come up within 60 s (the log file is named in the message)
 */
export async function startEngine(): Promise<RunningEngine> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'vigil-browser-'));
  const files = path.join(dir, 'files');
  mkdirSync(files);
  copyFileSync(NAB_FILE, path.join(files, 'jumpsup.csv'));
  writeFileSync(path.join(files, 'synthetic.csv'), syntheticCsv(Date.now()).csv);
  writeFileSync(path.join(files, 'multi.csv'), multiCsv(Date.now()).csv);
  writeFileSync(path.join(files, 'peers.csv'), peersCsv(Date.now()).csv);
  writeFileSync(path.join(files, 'shifted.csv'), shiftedCsv(Date.now()).csv);
  const port = await freePort();
  const token = 'browser-suite-token';
  const cfg = path.join(dir, 'vigil.yaml');
  writeFileSync(
    cfg,
    [
      `port: ${port}`,
      'host: 127.0.0.1',
      `dataDir: ${JSON.stringify(path.join(dir, 'data'))}`,
      'logLevel: warn',
      'sources:',
      '  - type: file',
      '    name: files',
      `    root: ${JSON.stringify(files)}`,
      '',
    ].join('\n')
  );
  const logFile = path.join(dir, 'serve.log');
  const out = openSync(logFile, 'a');
  const proc = spawn(process.execPath, [path.join(REPO_ROOT, 'bin', 'vigil.js'), 'serve', '--config', cfg], {
    cwd: REPO_ROOT,
    env: { ...process.env, VIGIL_API_TOKEN: token },
    stdio: ['ignore', out, out],
  });
  const url = `http://127.0.0.1:${port}`;
  await waitFor(
    `vigil serve (log: ${logFile})`,
    async () => ((await fetch(`${url}/api/health`)).ok ? true : undefined),
    60_000,
    proc,
    300
  );
  return {
    url,
    token,
    dir,
    logFile,
    process: proc,
    stop: async () => {
      if (proc.exitCode === null) {
        proc.kill('SIGTERM');
        await Promise.race([new Promise((r) => proc.once('exit', r)), new Promise((r) => setTimeout(r, 5000))]);
        if (proc.exitCode === null) proc.kill('SIGKILL');
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Call the engine directly (tests use it to check what reached the engine). */
export async function engineApi<T>(method: string, pathName: string, body?: unknown): Promise<T> {
  const url = process.env.VIGIL_ENGINE_URL!;
  const res = await fetch(`${url}${pathName}`, {
    method,
    headers: {
      Authorization: `Bearer ${process.env.VIGIL_ENGINE_TOKEN}`,
      ...(body ? { 'Content-Type': 'application/json' } : {}),
    },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${pathName}: HTTP ${res.status} ${text}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

/**
 * Create a job over `synthetic.csv` (with `extra` spec fields, e.g. its dashboard) and wait until its first run stored
 * an anomaly.
 */
export async function createSyntheticJob(
  name = 'synthetic',
  extra: Record<string, unknown> = {}
): Promise<{ id: string; anomalyId: string }> {
  const job = await engineApi<{ id: string }>('POST', '/api/jobs', {
    name,
    source: { type: 'file', path: 'synthetic.csv' },
    interval: '5m',
    trainingWindow: '2d',
    ...extra,
  });
  const anomalyId = await waitFor(
    'first run of the synthetic job',
    async () => {
      const r = await engineApi<{ anomalies: Array<{ id: string }> }>('GET', `/api/jobs/${job.id}/anomalies`);
      return r.anomalies[0]?.id;
    },
    60_000,
    undefined,
    300
  );
  return { id: job.id, anomalyId };
}
