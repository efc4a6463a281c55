/**
 * Dashboard load on a running engine (`npm run bench:service -- --only load`): `vigil serve` as a child process
 * with its default configuration (worker pool, limits), the file source holding NAB `ec2_cpu_utilization_24ae8d`
 * (4,032 points, 5-minute samples, laid to end now) and one job on it that has run. For `seconds` (default 30),
 * `clients` concurrent clients (default 100) loop without pause: half `POST /api/detect` on the whole file series
 * (interval 5m, default detectors), half `GET /api/v1/query_range` of the job's anomaly score over its last day
 * (step 1m). With `distinct` (the default) every detect asks a range no other request asked (its `to` moves by one
 * interval each time), so the result cache shares nothing: every request is a full detection; `--same` sends one
 * body from every client (viewers of one dashboard). A probe asks `GET /api/health` once a second and counts the
 * answers within 1 s. Every request gives up after 15 s (counted as a timeout).
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnEngine } from './engine';

const MIN = 60_000;
const STEP = 5 * MIN;

export interface LoadOptions {
  repo: string;
  shared: string;
  port: number;
  token: string;
  clients: number;
  seconds: number;
  same: boolean;
}

interface Tally {
  ms: number[];
  ok: number;
  status: Record<string, number>;
  timeouts: number;
}

const tally = (): Tally => ({ ms: [], ok: 0, status: {}, timeouts: 0 });

function quantile(xs: number[], q: number): number {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)];
}

async function timed(t: Tally, url: string, init: RequestInit): Promise<void> {
  const t0 = performance.now();
  try {
    const res = await fetch(url, { ...init, signal: AbortSignal.timeout(15_000) });
    await res.arrayBuffer();
    t.ms.push(performance.now() - t0);
    if (res.ok) t.ok++;
    else t.status[res.status] = (t.status[res.status] ?? 0) + 1;
  } catch {
    t.timeouts++;
  }
}

/** Run the load and print its row. */
export async function benchLoad(o: LoadOptions): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'vigil-bench-load-'));
  const files = path.join(dir, 'files');
  mkdirSync(files);
  const rows = readFileSync(
    path.join(o.shared, 'data', 'nab', 'data', 'realAWSCloudwatch', 'ec2_cpu_utilization_24ae8d.csv'),
    'utf8'
  )
    .trim()
    .split('\n')
    .slice(1);
  const end = Math.floor(Date.now() / STEP) * STEP;
  const start = end - (rows.length - 1) * STEP;
  writeFileSync(
    path.join(files, 'cpu.csv'),
    `timestamp,value\n${rows.map((r, i) => `${new Date(start + i * STEP).toISOString()},${r.split(',')[1]}`).join('\n')}\n`
  );
  const engine = await spawnEngine({
    ...o,
    dir,
    config: `host: 127.0.0.1\nlogLevel: error\nsources:\n  - type: file\n    root: ${JSON.stringify(files)}\n`,
  }).catch((e: unknown) => {
    rmSync(dir, { recursive: true, force: true });
    throw e;
  });
  const { url, headers } = engine;
  try {
    const job = (await (
      await fetch(`${url}/api/jobs`, {
        method: 'POST',
        headers,
        body: JSON.stringify({
          name: 'cpu',
          source: { type: 'file', path: 'cpu.csv' },
          interval: '5m',
          trainingWindow: '3d',
        }),
      })
    ).json()) as { id: string };
    for (let i = 0; ; i++) {
      const j = (await (await fetch(`${url}/api/jobs/${job.id}`, { headers })).json()) as { lastRun?: { ok: boolean } };
      if (j.lastRun) break;
      if (i > 240) throw new Error('the job did not run');
      await new Promise((r) => setTimeout(r, 500));
    }
    const detect = tally();
    const range = tally();
    const health = { probes: 0, within1s: 0, worstMs: 0 };
    const stopAt = Date.now() + o.seconds * 1000;
    let k = 0;
    const detectBody = () => {
      const shift = o.same ? 0 : (k++ % 500) * STEP;
      return JSON.stringify({
        source: { type: 'file', path: 'cpu.csv' },
        from: start + 576 * STEP,
        to: end - shift,
        interval: '5m',
      });
    };
    const q = new URLSearchParams({
      query: 'vigil_anomaly_score{job="cpu"}',
      start: String((end - 86_400_000) / 1000),
      end: String(end / 1000),
      step: '60',
    });
    const client = async (kind: 'detect' | 'range') => {
      while (Date.now() < stopAt) {
        if (kind === 'detect')
          await timed(detect, `${url}/api/detect`, { method: 'POST', headers, body: detectBody() });
        else await timed(range, `${url}/api/v1/query_range?${q}`, { headers });
      }
    };
    const prober = async () => {
      while (Date.now() < stopAt) {
        const t0 = performance.now();
        health.probes++;
        try {
          const res = await fetch(`${url}/api/health`, { signal: AbortSignal.timeout(15_000) });
          await res.arrayBuffer();
          const ms = performance.now() - t0;
          health.worstMs = Math.max(health.worstMs, ms);
          if (res.ok && ms <= 1000) health.within1s++;
        } catch {
          health.worstMs = Math.max(health.worstMs, 15_000);
        }
        await new Promise((r) => setTimeout(r, Math.max(0, 1000 - (performance.now() - t0))));
      }
    };
    const t0 = Date.now();
    await Promise.all([
      ...Array.from({ length: o.clients }, (_, i) => client(i % 2 === 0 ? 'detect' : 'range')),
      prober(),
    ]);
    const secs = (Date.now() - t0) / 1000;
    const line = (name: string, t: Tally) =>
      `  ${name}: ${(t.ok / secs).toFixed(1)} answered/s (${t.ok} ok), p50 ${quantile(t.ms, 0.5).toFixed(0)} ms, ` +
      `p95 ${quantile(t.ms, 0.95).toFixed(0)} ms, p99 ${quantile(t.ms, 0.99).toFixed(0)} ms; ` +
      `errors ${JSON.stringify(t.status)}, timeouts ${t.timeouts}\n`;
    process.stdout.write(
      `\nDashboard load: ${o.clients} clients for ${o.seconds} s against vigil serve (default config, ${os.availableParallelism()} cores), ` +
        `${o.same ? 'every detect the same body' : 'every detect a different range (nothing shared)'}:\n` +
        line('POST /api/detect (4,032 points, file source)', detect) +
        line('GET /api/v1/query_range (1 day, step 1m)', range) +
        `  GET /api/health probes answered within 1 s: ${health.within1s} of ${health.probes} (slowest ${health.worstMs.toFixed(0)} ms)\n`
    );
  } finally {
    await engine.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
