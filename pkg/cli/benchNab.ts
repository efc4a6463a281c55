import * as path from 'node:path';
import { Command, Option } from 'commander';
import { ParameterError } from '../core/errors';
import { loadProfiles, runNab } from '../bench/nab/runner';
import type { EnsembleOptions } from '../ensemble/types';
import type { VoteMode } from '../contract/rules';

/** Parse a JSON option value into an object, naming the option on failure. */
function jsonObject(option: string) {
  return (text: string): Record<string, unknown> => {
    let v: unknown;
    try {
      v = JSON.parse(text);
    } catch (err) {
      throw new ParameterError(`${option}: not valid JSON: ${(err as Error).message}`);
    }
    if (v === null || typeof v !== 'object' || Array.isArray(v))
      throw new ParameterError(`${option}: must be a JSON object`);
    return v as Record<string, unknown>;
  };
}

function nonNegativeInt(option: string) {
  return (text: string): number => {
    const v = Number(text);
    if (!Number.isInteger(v) || v < 0) throw new ParameterError(`${option}: must be an integer >= 0, got "${text}"`);
    return v;
  };
}

/**
 * `vigil bench nab`: run Vigil's default detection (the pipeline `vigil detect` runs: each row judged against the
 * rows before it) on a NAB-style corpus, write NAB results files and print the NAB v1.1 normalised scores (0-100)
 * of the three profiles as the last line of stdout, as JSON.
 */
export function benchNabCommand(): Command {
  const bench = new Command('bench').description('benchmarks');
  bench
    .command('nab')
    .exitOverride()
    .description(
      "run Vigil's default detection (or chosen detectors) on the Numenta Anomaly Benchmark and score it as NAB v1.1 does"
    )
    .requiredOption('--data <dir>', 'NAB-style data directory: <category>/<file>.csv with timestamp,value')
    .requiredOption('--labels <file>', 'NAB combined_windows.json')
    .requiredOption('--out <dir>', 'results directory: <category>/vigil_<file>.csv')
    .option('--profiles <file>', 'NAB profiles.json (default: NAB v1.1 profiles)')
    .option('--detectors <names>', 'comma-separated detectors (default: the default ensemble)', (s: string) =>
      s
        .split(',')
        .map((x) => x.trim())
        .filter(Boolean)
    )
    .addOption(new Option('--mode <mode>', 'ensemble vote rule').choices(['majority', 'any']))
    .option('--params <json>', 'per-detector parameters, e.g. {"spike":{"window":30}}', jsonObject('--params'))
    .option('--weights <json>', 'per-detector vote weights, e.g. {"spike":2}', jsonObject('--weights'))
    .option(
      '--onset <rows>',
      'alerts at onsets only: a row keeps its score when higher than every score of the previous <rows> rows ' +
        "(0 = every row; default: each series' event refractory window, six hours)",
      nonNegativeInt('--onset')
    )
    .action(
      (o: {
        data: string;
        labels: string;
        out: string;
        profiles?: string;
        detectors?: string[];
        mode?: VoteMode;
        params?: Record<string, Record<string, unknown>>;
        weights?: Record<string, number>;
        onset?: number;
      }) => {
        const ensemble: Partial<EnsembleOptions> = {};
        if (o.detectors) ensemble.detectors = o.detectors;
        if (o.mode) ensemble.mode = o.mode;
        if (o.params) ensemble.params = o.params;
        if (o.weights) ensemble.weights = o.weights;
        const started = performance.now();
        const run = runNab({
          dataDir: path.resolve(o.data),
          labelsFile: path.resolve(o.labels),
          outDir: path.resolve(o.out),
          profiles: loadProfiles(o.profiles),
          ensemble,
          onset: o.onset,
          onFile: (d, k, count) =>
            process.stderr.write(
              `[${k + 1}/${count}] ${d.file}: ${d.timestamps.length} rows, ${(d.elapsedMs / 1000).toFixed(2)} s\n`
            ),
        });
        const seconds = (performance.now() - started) / 1000;
        const summary: Record<string, number> = {};
        for (const [profile, s] of Object.entries(run.scores)) {
          summary[profile] = Math.round(s.normalized * 100) / 100;
          process.stdout.write(
            `${profile}: ${s.normalized.toFixed(2)} (threshold ${s.threshold.toFixed(4)}, raw ${s.corpus.score.toFixed(3)}, ` +
              `tp ${s.corpus.tp} fp ${s.corpus.fp})\n`
          );
        }
        process.stdout.write(`${run.detections.length} files in ${seconds.toFixed(1)} s\n`);
        process.stdout.write(`${JSON.stringify(summary)}\n`);
      }
    );
  return bench;
}
