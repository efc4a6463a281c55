/**
 * Service benchmark (`npm run bench:service`):
 *
 * 1. `/api/detect` latency on 10,080 points (7 days at 1 minute) read from a real Prometheus: the engine runs
 *    in-process and listening; each request goes over HTTP, the engine queries Prometheus (`query_range`, step 1m),
 *    regularises, fits the default ensemble and scores. The Prometheus fetch alone is timed too.
 *    Prometheus: `$VIGIL_PROMETHEUS_URL`, else the NAB test server of tests/servers/ is started (and stopped).
 *    The series is NAB `ec2_cpu_utilization_24ae8d` (5-minute samples; at a 1-minute step Prometheus' lookback
 *    repeats each sample over the following minutes, as it would for any 5-minute scrape).
 * 2. Engine memory with N jobs (default 1,000): `vigil serve` as a child process with the file source over 10 NAB
 *    series laid on a 1-minute grid ending now; N jobs (interval 1m, training window 1d, default detectors) are
 *    created; resident memory (`process_resident_memory_bytes` from the engine's /metrics) is read idle, after the
 *    jobs are created, after every job's first run (model fitted, 1,440 results stored) and after two further
 *    minutes of scheduled runs, with the run throughput achieved in that window.
 *
 * 3. A source answering 400 MiB (`bigAnswer.ts`): refused, and the engine's memory meanwhile.
 * 4. Dashboard load (`load.ts`): 100 concurrent clients for 30 s, detect and query_range, with health probes.
 * 5. Scheduler (`scheduler.ts`): how many one-minute jobs (`--jobs`, default 1,000) stay on time for `--minutes`.
 * 6. Outliers run (`outliersRun.ts`): `/api/health` while an outliers job judges `--hosts` series (default 500).
 *
 * Usage: node --import tsx pkg/bench/service/run.ts [--runs 10] [--jobs 1000] [--only detect|memory|answer|load|scheduler|outliers]
 *   [--clients 100] [--seconds 30] [--same] [--minutes 3] [--hosts 500]
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { startServer } from '../../api/server';
import { PrometheusHttpClient } from '../../sources/prometheus';
import { benchBigAnswer } from './bigAnswer';
import { benchLoad } from './load';
import { benchOutliersRun } from './outliersRun';
import { benchScheduler } from './scheduler';

const MIN = 60_000;
const REPO = path.resolve(__dirname, '..', '..', '..');
const SHARED = process.env.VIGIL_SHARED_DIR ?? path.resolve(REPO, '..', 'shared');
const TOKEN = 'bench-token-0123456789';
const NAB_SERIES = 'ec2_cpu_utilization_24ae8d';

function args(): {
  runs: number;
  jobs: number;
  only: string | null;
  clients: number;
  seconds: number;
  same: boolean;
  minutes: number;
  hosts: number;
} {
  const a = process.argv.slice(2);
  const get = (name: string) => {
    const i = a.indexOf(`--${name}`);
    return i >= 0 ? a[i + 1] : undefined;
  };
  return {
    runs: Number(get('runs') ?? 10),
    jobs: Number(get('jobs') ?? 1000),
    only: get('only') ?? null,
    clients: Number(get('clients') ?? 100),
    seconds: Number(get('seconds') ?? 30),
    same: a.includes('--same'),
    minutes: Number(get('minutes') ?? 3),
    hosts: Number(get('hosts') ?? 500),
  };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

function quantile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  const h = (s.length - 1) * q;
  const lo = Math.floor(h);
  return s[lo] + (h - lo) * ((s[Math.min(lo + 1, s.length - 1)] ?? s[lo]) - s[lo]);
}

const fmt = (ms: number) => `${ms.toFixed(0)} ms`;

async function benchDetect(runs: number): Promise<void> {
  let url = process.env.VIGIL_PROMETHEUS_URL;
  let stop: (() => Promise<void>) | undefined;
  if (!url) {
    // the repository's test server (Debian's prometheus with NAB backfilled by promtool)
    const servers = (await import(path.join(REPO, 'tests', 'servers', 'prometheus'))) as {
      startPrometheus(): Promise<{ url: string }>;
      stopPrometheus(): Promise<void>;
    };
    url = (await servers.startPrometheus()).url;
    stop = servers.stopPrometheus;
  }
  const dir = mkdtempSync(path.join(os.tmpdir(), 'vigil-bench-detect-'));
  const server = await startServer({
    port: await freePort(),
    host: '127.0.0.1',
    dataDir: dir,
    apiToken: TOKEN,
    logLevel: 'error',
    sources: [{ type: 'prometheus', name: 'prometheus', url, timeout: '60s' }],
    scheduler: { maxBackoff: '15m', retention: '30d' },
  });
  try {
    const query = `nab_value{series="${NAB_SERIES}"}`;
    const probe = await new PrometheusHttpClient({ url }).queryRange(
      query,
      Date.UTC(2014, 1, 1),
      Date.UTC(2014, 2, 15),
      3600_000
    );
    if (!probe.length) throw new Error(`Prometheus at ${url} has no ${query}`);
    let from = Number.NaN;
    for (let i = 0; i < probe[0].values.length; i++) {
      if (!Number.isNaN(probe[0].values[i])) {
        from = probe[0].timestamps[i];
        break;
      }
    }
    const to = from + 10_079 * MIN;
    // each run asks a range one minute later: the engine caches identical requests, and a dashboard refresh moves on
    const bodyOf = (i: number) =>
      JSON.stringify({ source: { type: 'prometheus', query }, from: from + i * MIN, to: to + i * MIN, interval: '1m' });
    const fetchTimes: number[] = [];
    const prom = new PrometheusHttpClient({ url });
    const totals: number[] = [];
    let points = 0;
    let anomalies = 0;
    for (let i = 0; i <= runs; i++) {
      const t0 = performance.now();
      const res = await fetch(`${server.url}/api/detect`, {
        method: 'POST',
        headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
        body: bodyOf(i),
      });
      const json = (await res.json()) as { series: { points: unknown[] }[]; anomalies: unknown[]; error?: unknown };
      const dt = performance.now() - t0;
      if (!res.ok) throw new Error(`/api/detect: HTTP ${res.status} ${JSON.stringify(json)}`);
      points = json.series[0].points.length;
      anomalies = json.anomalies.length;
      const f0 = performance.now();
      await prom.queryRange(query, from + i * MIN, to + i * MIN, MIN);
      const df = performance.now() - f0;
      if (i > 0) {
        totals.push(dt);
        fetchTimes.push(df);
      }
    }
    process.stdout.write(
      `\n/api/detect on ${points} points from Prometheus (${query}, step 1m, default detectors), ${runs} runs after 1 warm-up:\n` +
        `  end to end (HTTP request -> Prometheus query_range -> detect -> JSON answer): median ${fmt(quantile(totals, 0.5))}, ` +
        `p95 ${fmt(quantile(totals, 0.95))}, min ${fmt(Math.min(...totals))}, max ${fmt(Math.max(...totals))}\n` +
        `  of which the Prometheus query_range alone: median ${fmt(quantile(fetchTimes, 0.5))}\n` +
        `  anomaly events found: ${anomalies}\n`
    );
  } finally {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
    if (stop) await stop();
  }
}

/** NAB values of `file` on a 1-minute grid whose last point is the current minute. */
function nabCsv(file: string, endMs: number): string {
  const rows = readFileSync(file, 'utf8').trim().split('\n').slice(1);
  const n = Math.min(rows.length, 2 * 1440 + 60);
  const take = rows.slice(rows.length - n);
  const lines = take.map((r, i) => `${new Date(endMs - (n - 1 - i) * MIN).toISOString()},${r.split(',')[1]}`);
  return `timestamp,value\n${lines.join('\n')}\n`;
}

async function rss(url: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } })).text();
  const m = /^process_resident_memory_bytes (\d+(\.\d+)?(e\+\d+)?)$/m.exec(text);
  if (!m) throw new Error('process_resident_memory_bytes missing from /metrics');
  return Number(m[1]);
}

const mib = (b: number) => `${(b / 1024 / 1024).toFixed(0)} MiB`;

async function benchMemory(jobs: number): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'vigil-bench-mem-'));
  const files = path.join(dir, 'files');
  mkdirSync(files);
  const nabDir = path.join(SHARED, 'data', 'nab', 'data', 'realAWSCloudwatch');
  const names = [
    'ec2_cpu_utilization_24ae8d',
    'ec2_cpu_utilization_53ea38',
    'ec2_cpu_utilization_5f5533',
    'ec2_cpu_utilization_77c1ca',
    'ec2_cpu_utilization_825cc2',
    'ec2_cpu_utilization_ac20cd',
    'ec2_cpu_utilization_c6585a',
    'ec2_cpu_utilization_fe7f93',
    'ec2_disk_write_bytes_1ef3de',
    'ec2_disk_write_bytes_c0d644',
  ];
  const end = Math.floor(Date.now() / MIN) * MIN + 30 * MIN;
  for (const n of names) writeFileSync(path.join(files, `${n}.csv`), nabCsv(path.join(nabDir, `${n}.csv`), end));
  const port = await freePort();
  const cfg = path.join(dir, 'vigil.yaml');
  writeFileSync(
    cfg,
    `host: 127.0.0.1\nlogLevel: error\nsources:\n  - type: file\n    root: ${JSON.stringify(files)}\n`
  );
  const proc = spawn(
    process.execPath,
    [
      path.join(REPO, 'bin', 'vigil.js'),
      'serve',
      '--port',
      String(port),
      '--data-dir',
      path.join(dir, 'data'),
      '--config',
      cfg,
    ],
    { env: { ...process.env, VIGIL_API_TOKEN: TOKEN }, stdio: ['ignore', 'inherit', 'inherit'] }
  );
  const url = `http://127.0.0.1:${port}`;
  const call = async (method: string, p: string, body?: unknown) => {
    const res = await fetch(`${url}${p}`, {
      method,
      headers: { authorization: `Bearer ${TOKEN}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    return res.json() as Promise<Record<string, unknown>>;
  };
  try {
    for (let i = 0; ; i++) {
      try {
        if ((await fetch(`${url}/api/health`)).ok) break;
      } catch {
        /* not up yet */
      }
      if (i > 240) throw new Error('vigil serve did not start');
      await new Promise((r) => setTimeout(r, 250));
    }
    const idle = await rss(url);
    const t0 = Date.now();
    for (let i = 0; i < jobs; i++) {
      await call('POST', '/api/jobs', {
        name: `job-${i}`,
        source: { type: 'file', path: `${names[i % names.length]}.csv` },
        interval: '1m',
        trainingWindow: '1d',
        labels: { shard: String(i) },
      });
    }
    const created = await rss(url);
    const createMs = Date.now() - t0;
    let done = 0;
    let peak = created;
    while (done < jobs) {
      const list = (await call('GET', '/api/jobs')).jobs as { lastRun?: { ok: boolean } }[];
      done = list.filter((j) => j.lastRun).length;
      const failed = list.filter((j) => j.lastRun && !j.lastRun.ok).length;
      peak = Math.max(peak, await rss(url));
      process.stderr.write(`  first runs: ${done}/${jobs} (${failed} failed), rss ${mib(peak)}\r`);
      if (done < jobs) await new Promise((r) => setTimeout(r, 2000));
    }
    const firstRunsMs = Date.now() - t0;
    const afterFirst = await rss(url);
    const scrape = async () => {
      const text = await (await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } })).text();
      const num = (re: RegExp) => Number(re.exec(text)?.[1] ?? NaN);
      const runs = [...text.matchAll(/^vigil_job_runs_total\{job="[^"]+",outcome="ok"\} (\d+)/gm)].reduce(
        (a, m) => a + Number(m[1]),
        0
      );
      return {
        runs,
        series: num(/^vigil_result_series (\d+)/m),
        storeBytes: num(/^vigil_store_bytes (\d+)/m),
        jobSeconds: num(/^vigil_detection_duration_seconds_sum\{kind="job"\} ([0-9.e+-]+)/m),
        jobCount: num(/^vigil_detection_duration_seconds_count\{kind="job"\} (\d+)/m),
      };
    };
    const m0 = await scrape();
    const w0 = Date.now();
    const windowMs = 120_000;
    while (Date.now() - w0 < windowMs) {
      await new Promise((r) => setTimeout(r, 10_000));
      peak = Math.max(peak, await rss(url));
    }
    const m1 = await scrape();
    const steady = await rss(url);
    const perMin = ((m1.runs - m0.runs) / (Date.now() - w0)) * 60_000;
    const meanRunMs = ((m1.jobSeconds - m0.jobSeconds) / Math.max(1, m1.jobCount - m0.jobCount)) * 1000;
    process.stdout.write(
      `\nEngine with ${jobs} jobs (vigil serve, file source, interval 1m, training window 1d, default detectors, concurrency 4):\n` +
        `  RSS idle: ${mib(idle)}\n` +
        `  RSS after creating ${jobs} jobs (${(createMs / 1000).toFixed(0)} s, first runs under way): ${mib(created)}\n` +
        `  RSS when every job had run once (${(firstRunsMs / 1000).toFixed(0)} s after the first create; ${m0.series} result series, store ${mib(m0.storeBytes)}): ${mib(afterFirst)}\n` +
        `  RSS after ${windowMs / 1000} s more of scheduled incremental runs (store ${mib(m1.storeBytes)}): ${mib(steady)}; peak seen ${mib(peak)}\n` +
        `  scheduled runs in that window: ${perMin.toFixed(0)} per minute (due: ${jobs} per minute), mean run ${meanRunMs.toFixed(0)} ms\n`
    );
  } finally {
    proc.kill('SIGTERM');
    await new Promise((r) => proc.once('exit', r));
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const a = args();
  if (!a.only || a.only === 'detect') await benchDetect(a.runs);
  if (!a.only || a.only === 'memory') await benchMemory(a.jobs);
  if (!a.only || a.only === 'answer') await benchBigAnswer({ repo: REPO, port: await freePort(), token: TOKEN });
  if (!a.only || a.only === 'outliers') {
    await benchOutliersRun({ repo: REPO, port: await freePort(), token: TOKEN, hosts: a.hosts });
  }
  if (!a.only || a.only === 'scheduler') {
    await benchScheduler({ repo: REPO, port: await freePort(), token: TOKEN, jobs: a.jobs, minutes: a.minutes });
  }
  if (!a.only || a.only === 'load') {
    await benchLoad({
      repo: REPO,
      shared: SHARED,
      port: await freePort(),
      token: TOKEN,
      clients: a.clients,
      seconds: a.seconds,
      same: a.same,
    });
  }
}

main().catch((err: Error) => {
  process.stderr.write(`bench:service: ${err.stack ?? err.message}\n`);
  process.exitCode = 1;
});
