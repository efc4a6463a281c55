/**
 * How many one-minute jobs stay on time (`npm run bench:service -- --only scheduler --jobs 10000`): `vigil serve` as
 * a child process with its default configuration (embedded SQLite store, in-process scheduler, 4 runs in flight),
 * the file source holding 10 synthetic series on a one-minute grid (a daily wave and noise, two days and two hours
 * before now and an hour ahead). `jobs` jobs (interval 1m, training window 1h so that first runs store an hour of
 * results each, default detectors) are created over HTTP, 8 requests at a time; one minute after every job has run
 * once, the store is read (read-only, beside the engine) every 5 s for `minutes` minutes (default 3).
 *
 * A job is on time when, at every sample, its last run started at most 66 s before (the interval and 10%): its
 * results are never more than a run late. The row gives how many jobs stayed on time, the runs per minute achieved
 * against those due, the largest age of a last run seen, and the mean run (the engine's
 * `vigil_detection_duration_seconds{kind="job"}`).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { spawnEngine } from './engine';

const MIN = 60_000;
const SERIES = 10;
/** a job is late when its last run started longer ago than this */
const LATE_MS = 66_000;

export interface SchedulerBenchOptions {
  repo: string;
  port: number;
  token: string;
  jobs: number;
  minutes: number;
}

/** A synthetic series on the one-minute grid from `from` to `to` (epoch ms). */
function seriesCsv(from: number, to: number, seed: number): string {
  const lines = ['timestamp,value'];
  let s = seed;
  for (let t = from; t <= to; t += MIN) {
    s = (s * 1103515245 + 12345) % 2147483648;
    const v = 100 + 30 * Math.sin((2 * Math.PI * (t + seed * 3_600_000)) / 86_400_000) + (s / 2147483648) * 8;
    lines.push(`${new Date(t).toISOString()},${v.toFixed(2)}`);
  }
  return `${lines.join('\n')}\n`;
}

/** Run the benchmark and print its row. */
export async function benchScheduler(o: SchedulerBenchOptions): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'vigil-bench-sched-'));
  const files = path.join(dir, 'files');
  mkdirSync(files);
  const now = Math.floor(Date.now() / MIN) * MIN;
  const from = now - 2 * 86_400_000 - 2 * 3_600_000;
  for (let k = 0; k < SERIES; k++)
    writeFileSync(path.join(files, `s${k}.csv`), seriesCsv(from, now + 3_600_000, k + 1));
  const engine = await spawnEngine({
    repo: o.repo,
    port: o.port,
    token: o.token,
    dir,
    config: `host: 127.0.0.1\nlogLevel: error\nsources:\n  - type: file\n    root: ${JSON.stringify(files)}\n`,
  });
  try {
    const t0 = Date.now();
    let next = 0;
    const create = async () => {
      for (let i = next++; i < o.jobs; i = next++) {
        const res = await fetch(`${engine.url}/api/jobs`, {
          method: 'POST',
          headers: engine.headers,
          body: JSON.stringify({
            name: `job-${i}`,
            source: { type: 'file', path: `s${i % SERIES}.csv` },
            interval: '1m',
            trainingWindow: '1h',
          }),
        });
        if (res.status !== 201) throw new Error(`POST /api/jobs: HTTP ${res.status} ${await res.text()}`);
      }
    };
    await Promise.all(Array.from({ length: 8 }, create));
    const createdS = (Date.now() - t0) / 1000;
    const db = new Database(path.join(dir, 'data', 'vigil.db'), { readonly: true, fileMustExist: true });
    const read = () =>
      (db.prepare('SELECT id, last_run FROM jobs').all() as { id: string; last_run: string | null }[]).map((r) => ({
        id: r.id,
        run: r.last_run ? (JSON.parse(r.last_run) as { at: number; ok: boolean }) : undefined,
      }));
    for (;;) {
      const rows = read();
      const ran = rows.filter((r) => r.run).length;
      process.stderr.write(`  first runs: ${ran}/${o.jobs}\r`);
      if (ran === o.jobs) break;
      if (Date.now() - t0 > 60 * MIN) throw new Error(`only ${ran} of ${o.jobs} jobs ran within an hour`);
      await new Promise((r) => setTimeout(r, 2000));
    }
    const firstRunsS = (Date.now() - t0) / 1000;
    // one interval more, so that the runs the first ones held up are due again before the window opens
    await new Promise((r) => setTimeout(r, MIN));
    const late = new Set<string>();
    const failed = new Set<string>();
    const lastAt = new Map<string, number>();
    let runs = 0;
    let oldest = 0;
    // the engine's own measure of its job runs (seconds spent in runs, and how many)
    const runTime = async () => {
      const text = await (await fetch(`${engine.url}/metrics`, { headers: engine.headers })).text();
      const num = (re: RegExp) => Number(re.exec(text)?.[1] ?? NaN);
      return {
        s: num(/^vigil_detection_duration_seconds_sum\{kind="job"\} ([0-9.e+-]+)/m),
        n: num(/^vigil_detection_duration_seconds_count\{kind="job"\} (\d+)/m),
      };
    };
    const m0 = await runTime();
    const w0 = Date.now();
    while (Date.now() - w0 < o.minutes * MIN) {
      const at = Date.now();
      for (const r of read()) {
        const a = r.run!.at;
        if (!r.run!.ok) failed.add(r.id);
        const prev = lastAt.get(r.id);
        if (prev !== undefined && a !== prev) runs++;
        lastAt.set(r.id, a);
        oldest = Math.max(oldest, at - a);
        if (at - a > LATE_MS) late.add(r.id);
      }
      await new Promise((r) => setTimeout(r, 5000));
    }
    const perMin = (runs / (Date.now() - w0)) * MIN;
    const m1 = await runTime();
    const meanRunMs = ((m1.s - m0.s) / Math.max(1, m1.n - m0.n)) * 1000;
    db.close();
    const onTime = o.jobs - late.size;
    process.stdout.write(
      `\nScheduler with ${o.jobs} one-minute jobs (vigil serve, embedded store, file source, training window 1h, default detectors, ${os.availableParallelism()} cores):\n` +
        `  created in ${createdS.toFixed(0)} s; every job had run once ${firstRunsS.toFixed(0)} s after the first create; measured from one minute later\n` +
        `  over ${o.minutes} min: ${onTime} of ${o.jobs} jobs on time (${((100 * onTime) / o.jobs).toFixed(1)}%: last run never older than ${LATE_MS / 1000} s), ` +
        `${perMin.toFixed(0)} runs per minute (due: ${o.jobs}), oldest last run seen ${(oldest / 1000).toFixed(0)} s, mean run ${meanRunMs.toFixed(0)} ms, ${failed.size} jobs with a failed run\n`
    );
  } finally {
    await engine.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
