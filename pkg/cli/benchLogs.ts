import * as path from 'node:path';
import { Command } from 'commander';
import { benchLogAnomalies, formatLogBenchTable, logBenchSummary } from '../bench/loghub/logAnomalyBench';
import { benchLogParse, formatLogParseTable, logParseSummary } from '../bench/loghub/logparse';

/**
 * `vigil bench logparse --data DIR`: grouping and parsing accuracy of the template miner (default configuration)
 * on each system of a loghub-style corpus; a table, then one JSON line as the last line of stdout.
 */
export function benchLogParseCommand(): Command {
  return new Command('logparse')
    .exitOverride()
    .description(
      'template mining accuracy (grouping and parsing accuracy) on a loghub-style corpus: <S>/<S>_2k.log_structured.csv'
    )
    .requiredOption('--data <dir>', 'corpus folder, one sub-folder per system')
    .action((o: { data: string }) => {
      const started = performance.now();
      const result = benchLogParse(path.resolve(o.data), {}, (name, r) =>
        process.stderr.write(`${name}: ${r.lines} lines, GA ${r.ga.toFixed(3)}, ${r.seconds.toFixed(2)} s\n`)
      );
      process.stdout.write(`${formatLogParseTable(result)}\n`);
      process.stdout.write(
        `${Object.keys(result.systems).length} systems in ${((performance.now() - started) / 1000).toFixed(1)} s\n`
      );
      process.stdout.write(`${logParseSummary(result)}\n`);
    });
}

/**
 * `vigil bench logs --data DIR`: line-level precision, recall and F1 of the log anomaly detection (default
 * configuration) on the labelled systems of a loghub-style corpus; a table, then one JSON line.
 */
export function benchLogAnomaliesCommand(): Command {
  return new Command('logs')
    .exitOverride()
    .description('log anomaly detection: line-level precision/recall/F1 on labelled systems (a Label column, as BGL)')
    .requiredOption('--data <dir>', 'corpus folder, one sub-folder per system')
    .action((o: { data: string }) => {
      const result = benchLogAnomalies(path.resolve(o.data), {}, (name, r) =>
        process.stderr.write(`${name}: ${r.lines} lines, ${r.events} events, ${r.seconds.toFixed(2)} s\n`)
      );
      process.stdout.write(`${formatLogBenchTable(result)}\n`);
      process.stdout.write(`${logBenchSummary(result)}\n`);
    });
}
