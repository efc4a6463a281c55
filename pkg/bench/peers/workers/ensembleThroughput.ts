/**
 * Benchmark worker: the detection pipeline with the default ensemble (pkg/pipeline, DEFAULT_ENSEMBLE) run over
 * `series` synthetic series of `points` points each (start a stream, advance it over the series: what `vigil detect`
 * does), in its own process so peak memory (maxRSS) is this workload's. Prints one JSON line: seconds, points/s,
 * peak RSS and heap. Also the online form: one stream updated point by point (`updateStream`, no allocation per point)
 * over a million points. Throughputs are given per second of wall time and per second of this process's CPU time
 * (the latter is what one core does, whatever else the machine is doing).
 *
 * Usage: node --import tsx ensembleThroughput.ts <series> <points>
 */

import { createRng } from '../../../core/random';
import { DEFAULT_ENSEMBLE } from '../../../ensemble/ensemble';
import type { DetectorInput } from '../../../detectors/types';
import { advanceStream, startStream, streamPoint, updateStream } from '../../../pipeline/stream';

const [seriesArg, pointsArg] = process.argv.slice(2);
const nSeries = Number(seriesArg);
const n = Number(pointsArg);
const intervalMs = 5 * 60 * 1000;
const rng = createRng(2024);

/** A day-seasonal metric at 5-minute steps with noise, a slow drift, and a few spikes and a level shift. */
function makeSeries(k: number): DetectorInput {
  const timestamps = new Float64Array(n);
  const values = new Float64Array(n);
  const level = 50 + 50 * rng.next();
  const amp = level * (0.1 + 0.4 * rng.next());
  const noise = level * 0.03;
  let walk = 0;
  for (let i = 0; i < n; i++) {
    timestamps[i] = 1_700_000_000_000 + i * intervalMs;
    walk += rng.normal() * noise * 0.05;
    values[i] = level + amp * Math.sin((2 * Math.PI * i) / 288) + walk + rng.normal() * noise;
  }
  for (let s = 0; s < 3; s++) values[rng.int(n)] += (rng.next() < 0.5 ? -1 : 1) * 8 * noise;
  if (k % 10 === 0) for (let i = Math.floor(n * 0.8); i < n; i++) values[i] += 5 * noise;
  if (k % 7 === 0) values[rng.int(n)] = NaN;
  return { timestamps, values, intervalMs };
}

const inputs: DetectorInput[] = [];
for (let k = 0; k < nSeries; k++) inputs.push(makeSeries(k));
const run = (input: DetectorInput) =>
  advanceStream(startStream({}, input.intervalMs, input.values), {}, input.timestamps, input.values);
// warm-up on one series (JIT), not timed
run(inputs[0]);
let peakHeap = process.memoryUsage().heapUsed;
let anomalies = 0;
const cpu0 = process.cpuUsage();
const t0 = performance.now();
for (const input of inputs) {
  const out = run(input);
  anomalies += out.closed.length + (out.open ? 1 : 0);
  const h = process.memoryUsage().heapUsed;
  if (h > peakHeap) peakHeap = h;
}
const seconds = (performance.now() - t0) / 1000;
const cpuSeconds = cpuSince(cpu0);

// the online form: one long stream, a point at a time
const onlinePoints = 1_000_000;
const stream = startStream({}, intervalMs, inputs[0].values);
const point = streamPoint(stream);
const wave = (i: number) => 50 + 10 * Math.sin((2 * Math.PI * i) / 288) + ((i * 7919) % 13) / 3;
for (let i = 0; i < 20_000; i++) updateStream(stream, i * intervalMs, wave(i), point); // warm the JIT
const cpu1 = process.cpuUsage();
const t1 = performance.now();
for (let i = 20_000; i < 20_000 + onlinePoints; i++) updateStream(stream, i * intervalMs, wave(i), point);
const onlineSeconds = (performance.now() - t1) / 1000;
const onlineCpuSeconds = cpuSince(cpu1);

function cpuSince(start: NodeJS.CpuUsage): number {
  const c = process.cpuUsage(start);
  return (c.user + c.system) / 1e6;
}

process.stdout.write(
  JSON.stringify({
    seconds,
    cpuSeconds,
    pointsPerSecond: (nSeries * n) / seconds,
    pointsPerCpuSecond: (nSeries * n) / cpuSeconds,
    onlinePointsPerSecond: onlinePoints / onlineSeconds,
    onlinePointsPerCpuSecond: onlinePoints / onlineCpuSeconds,
    maxRssMiB: process.resourceUsage().maxRSS / 1024,
    peakHeapMiB: peakHeap / (1024 * 1024),
    detectors: DEFAULT_ENSEMBLE.detectors,
    anomalies,
  }) + '\n'
);
