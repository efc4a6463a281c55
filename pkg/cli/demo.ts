import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { Command } from 'commander';
import { detect } from '../pipeline/detect';
import { generateAccessLogs } from '../demo/accessLogGenerator';
import { formatTable } from './format';
import { loadInput } from './input';

/**
 * `vigil demo`: the quick start. Generates three weeks of access logs with four injected incidents, writes them as
 * gzipped NDJSON, runs the main job (hourly access-log detection) on them and prints what it found beside
 * what was injected.
 */
export function demoCommand(): Command {
  return new Command('demo')
    .description('generate three weeks of access logs with incidents, run detection on them and print the result')
    .option('--dir <dir>', 'where to write the generated logs', path.join('.vigil', 'demo'))
    .option('--seed <n>', 'random seed of the generated traffic', (v) => Number(v), 7)
    .action(async (flags: { dir: string; seed: number }) => {
      const started = Date.now();
      const { records, incidents } = generateAccessLogs(undefined, flags.seed);
      await mkdir(flags.dir, { recursive: true });
      const file = path.join(flags.dir, 'access-logs.ndjson.gz');
      await writeFile(file, gzipSync(records.map((r) => JSON.stringify(r)).join('\n') + '\n'));
      const input = await loadInput(file, { intervalMs: 3_600_000, quiet: true });
      const report = detect(input.series, {});
      process.stdout.write(
        formatTable(report, { file, description: input.description, seconds: (Date.now() - started) / 1000 })
      );
      process.stdout.write('\nInjected incidents (the truth to compare with):\n');
      for (const i of incidents) {
        process.stdout.write(`  ${new Date(i.start).toISOString().slice(0, 16)}Z  ${i.description}\n`);
      }
      process.stdout.write(`\nTry it on your own file: npx vigil detect ${file} --format json\n`);
    });
}
