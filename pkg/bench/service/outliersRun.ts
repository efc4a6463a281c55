/**
 * Health during a large peer-group outliers run (`npm run bench:service -- --only outliers`): `vigil serve` as a
 * child process with the file source holding one file of `hosts` series on a one-minute grid over
 * the last day (the file source reads at most a million points: 500 hosts by default), a shared daily wave with noise
 * per host, one host 30 above its peers for the last two hours. An
 * `outliers` job (DBSCAN, training window 1d) is created and its first run judges the whole group (500 x 1,440
 * points); meanwhile `/api/health` is asked every 20 ms, one request at a time. The row gives the run's duration
 * (the job's `lastRun.durationMs`), the probes answered during it, their median and slowest answer, and whether the
 * run found the host that left its group.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnEngine } from './engine';

const MIN = 60_000;

export interface OutliersRunBenchOptions {
  repo: string;
  port: number;
  token: string;
  hosts: number;
}

/** The group as one CSV (`timestamp,host,cpu`), a day of minutes ending at `end`; `host-7` runs hot at the end. */
function groupCsv(hosts: number, end: number): string {
  const lines = ['timestamp,host,cpu'];
  let s = 12345;
  for (let t = end - 1439 * MIN; t <= end; t += MIN) {
    const wave = 50 + 15 * Math.sin((2 * Math.PI * t) / 86_400_000);
    for (let h = 0; h < hosts; h++) {
      s = (s * 1103515245 + 12345) % 2147483648;
      const hot = h === 7 && t > end - 120 * MIN ? 30 : 0;
      lines.push(`${new Date(t).toISOString()},host-${h},${(wave + hot + (s / 2147483648) * 6).toFixed(2)}`);
    }
  }
  return lines.join('\n') + '\n';
}

const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];

/**
 * Run the benchmark and print its row.
 * @throws Error when the engine does not start or the run does not end in 5 min
 */
export async function benchOutliersRun(o: OutliersRunBenchOptions): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'vigil-bench-outliers-'));
  const files = path.join(dir, 'files');
  mkdirSync(files);
  const end = Math.floor(Date.now() / MIN) * MIN;
  writeFileSync(path.join(files, 'group.csv'), groupCsv(o.hosts, end));
  const config = ['logLevel: warn', 'sources:', '  - type: file', '    name: files', `    root: ${files}`, ''].join(
    '\n'
  );
  const engine = await spawnEngine({ repo: o.repo, port: o.port, token: o.token, dir, config });
  try {
    const created = await fetch(`${engine.url}/api/jobs`, {
      method: 'POST',
      headers: engine.headers,
      body: JSON.stringify({
        name: 'group',
        kind: 'outliers',
        source: { type: 'file', path: 'group.csv', valueField: 'cpu', labelFields: ['host'] },
        interval: '1m',
        trainingWindow: '1d',
      }),
    });
    if (created.status !== 201) throw new Error(`creating the job: HTTP ${created.status} ${await created.text()}`);
    const id = ((await created.json()) as { id: string }).id;
    const probes: number[] = [];
    const deadline = Date.now() + 5 * MIN;
    let run: { durationMs: number; ok: boolean; error?: string } | undefined;
    while (!run && Date.now() < deadline) {
      const t = performance.now();
      await fetch(`${engine.url}/api/health`);
      probes.push(performance.now() - t);
      const job = (await (await fetch(`${engine.url}/api/jobs/${id}`, { headers: engine.headers })).json()) as {
        lastRun?: { durationMs: number; ok: boolean; error?: string };
      };
      run = job.lastRun;
      await new Promise((r) => setTimeout(r, 20));
    }
    if (!run) throw new Error('the outliers job did not run within 5 minutes');
    if (!run.ok) throw new Error(`the outliers run failed: ${run.error}`);
    // the stored day read back (what a panel over the job asks), with health probed meanwhile
    const readProbes: number[] = [];
    let reading = true;
    const probing = (async () => {
      while (reading) {
        const t = performance.now();
        await fetch(`${engine.url}/api/health`);
        readProbes.push(performance.now() - t);
        await new Promise((r) => setTimeout(r, 20));
      }
    })();
    const r0 = performance.now();
    const found = (await (
      await fetch(`${engine.url}/api/jobs/${id}/outliers?from=${end - 1439 * MIN}&to=${end}`, {
        headers: engine.headers,
      })
    ).json()) as { series: Array<{ labels: Record<string, string>; outlier: boolean }> };
    const readSeconds = (performance.now() - r0) / 1000;
    reading = false;
    await probing;
    const readSorted = [...readProbes].sort((a, b) => a - b);
    const outliers = found.series.filter((x) => x.outlier).map((x) => x.labels.host);
    const sorted = [...probes].sort((a, b) => a - b);
    console.log(
      `outliers run: ${o.hosts} series x 1,440 points judged in ${(run.durationMs / 1000).toFixed(1)} s; ` +
        `/api/health meanwhile: ${probes.length} probes, median ${quantile(sorted, 0.5).toFixed(0)} ms, ` +
        `p99 ${quantile(sorted, 0.99).toFixed(0)} ms, slowest ${sorted[sorted.length - 1].toFixed(0)} ms; ` +
        `outliers found: ${outliers.join(', ') || 'none'}; the stored day read back in ${readSeconds.toFixed(1)} s, ` +
        `health meanwhile slowest ${readSorted[readSorted.length - 1].toFixed(0)} ms`
    );
  } finally {
    await engine.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
