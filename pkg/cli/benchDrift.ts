import * as path from 'node:path';
import { Command } from 'commander';
import { ParameterError } from '../core/errors';
import { driftBench, type DriftMethod, type DriftRow } from '../bench/drift/drift';

const MINUTES_PER_POINT = 5;

function median(a: number[]): number {
  const m = a.length >> 1;
  return a.length % 2 ? a[m] : (a[m - 1] + a[m]) / 2;
}

/** One printed line of a row: false drift rate, and for rows with a change, detections and delays in minutes. */
export function formatDriftRow(r: DriftRow): string {
  const rate = `${(100 * r.falseRate).toFixed(2)}% of ${r.windows} windows`;
  let out = `${r.name.padEnd(34)}${String(r.series).padStart(3)}  false drift ${rate.padEnd(24)}`;
  if (r.delays !== undefined) {
    const d = r.delays;
    out += `detected ${r.detected}/${r.series}`;
    if (d.length) {
      const min = (p: number) => `${p * MINUTES_PER_POINT} min`;
      out += `, delay median ${min(median(d))} (${min(d[0])}-${min(d[d.length - 1])})`;
    }
  }
  return out;
}

/**
 * `vigil bench drift`: the false drift rate of a job's drift check on series that do not drift (NAB's
 * artificialNoAnomaly series, seeded sine+noise, AR(1) and count series) and how soon it sees level shifts (NAB's
 * jumpsup/jumpsdown, generated shifts of 1-3 sd), judged as a job judges them. `--method raw` gives the plain KS
 * test on raw values for comparison. Prints a line per row and, last, the rows as one JSON array.
 */
export function benchDriftCommand(): Command {
  return new Command('drift')
    .description("false drift rate and level-shift detection delay of a job's drift check")
    .requiredOption('--data <dir>', "NAB's data directory (holding artificialNoAnomaly/ and artificialWithAnomaly/)")
    .option('--method <method>', 'adjusted (the job default) or raw (plain KS on raw values)', 'adjusted')
    .option('--seeds <n>', 'generated series of each kind', '20')
    .action((o: { data: string; method: string; seeds: string }) => {
      if (o.method !== 'adjusted' && o.method !== 'raw')
        throw new ParameterError(`--method must be adjusted or raw, got "${o.method}"`);
      const seeds = Number(o.seeds);
      if (!Number.isInteger(seeds) || seeds < 1 || seeds > 1000)
        throw new ParameterError(`--seeds must be an integer in [1, 1000], got "${o.seeds}"`);
      const started = performance.now();
      const rows = driftBench(path.resolve(o.data), o.method as DriftMethod, seeds, (r) =>
        process.stdout.write(`${formatDriftRow(r)}\n`)
      );
      const seconds = (performance.now() - started) / 1000;
      process.stdout.write(`method ${o.method}, ${seconds.toFixed(1)} s\n`);
      process.stdout.write(`${JSON.stringify(rows.map(({ delays: _d, ...r }) => r))}\n`);
    });
}
