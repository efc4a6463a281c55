/**
 * Row: ensemble throughput — points per second of the detection pipeline with the default ensemble (a stream
 * started and advanced over each series, as `vigil detect` does) over 1,000 series x 1,440 points (5 days at 5-minute
 * steps), the online form (one stream updated point by point), and the peak memory of that process (maxRSS from
 * process.resourceUsage, and the peak V8 heap). Runs in a child process (workers/ensembleThroughput.ts). Throughputs
 * are per second of the worker's CPU time (one core's work, whatever else the machine runs) and of wall time.
 */

import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import type { BenchContext, BenchRow, Measurement } from '../types';

async function run(ctx: BenchContext): Promise<Measurement[]> {
  const series = ctx.quick ? 50 : 1000;
  const points = 1440;
  const worker = path.join(__dirname, '..', 'workers', 'ensembleThroughput.ts');
  const r = spawnSync(process.execPath, ['--import', 'tsx', worker, String(series), String(points)], {
    encoding: 'utf8',
    timeout: 60 * 60 * 1000,
    maxBuffer: 16 * 1024 * 1024,
  });
  if (r.error || r.status !== 0)
    throw new Error(`ensemble worker failed: ${(r.stderr || String(r.error)).slice(-500)}`);
  const lines = r.stdout.trim().split('\n');
  const out = JSON.parse(lines[lines.length - 1]) as {
    seconds: number;
    pointsPerSecond: number;
    pointsPerCpuSecond: number;
    onlinePointsPerSecond: number;
    onlinePointsPerCpuSecond: number;
    maxRssMiB: number;
    peakHeapMiB: number;
    detectors: string[];
  };
  ctx.log(
    `  ${series} series: ${out.seconds.toFixed(1)} s, ${out.pointsPerCpuSecond.toFixed(0)} points per CPU-second ` +
      `(${out.pointsPerSecond.toFixed(0)}/s wall); online ${out.onlinePointsPerCpuSecond.toFixed(0)} points per ` +
      `CPU-second (${out.onlinePointsPerSecond.toFixed(0)}/s wall); maxRSS ${out.maxRssMiB.toFixed(0)} MiB`
  );
  const title = `Default ensemble (${series.toLocaleString('en')} series x ${points.toLocaleString('en')})`;
  const note = `detectors ${out.detectors.join('+')}; a stream per series, 1 thread`;
  return [
    {
      row: title,
      metric: 'throughput per CPU-second',
      unit: 'points/s',
      better: 'higher',
      vigil: out.pointsPerCpuSecond,
      peers: [],
      note: `${note}; ${out.pointsPerSecond.toFixed(0)} points/s of wall time`,
    },
    {
      row: 'Default ensemble, online update (1 stream, 1,000,000 points)',
      metric: 'throughput per CPU-second',
      unit: 'points/s',
      better: 'higher',
      vigil: out.onlinePointsPerCpuSecond,
      peers: [],
      note: `updateStream point by point; ${out.onlinePointsPerSecond.toFixed(0)} points/s of wall time`,
    },
    { row: title, metric: 'wall time', unit: 's', better: 'lower', vigil: out.seconds, peers: [] },
    {
      row: title,
      metric: 'peak RSS',
      unit: 'MiB',
      better: 'lower',
      vigil: out.maxRssMiB,
      peers: [],
      note: `peak V8 heap ${out.peakHeapMiB.toFixed(0)} MiB`,
    },
  ];
}

export const row: BenchRow = { name: 'ensembleThroughput', run };
