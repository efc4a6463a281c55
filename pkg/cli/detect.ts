import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import { parseNameList } from '../contract/rules';
import { detect, type DetectReport } from '../pipeline/detect';
import { parseInterval } from '../core/interval';
import { DETECTORS } from '../detectors/registry';
import { ACCESS_LOG_METRICS, type AccessLogMetric } from '../sources/accessLogs';
import { formatCsv, formatJson, formatTable } from './format';
import { InputError } from '../core/errors';
import { isIndexUrl, loadIndex } from './indexInput';
import { loadInput, parseTimeFlag, type InputOptions, type LoadedInput } from './input';
import { Progress } from './progress';

/** The input and detection flags `vigil detect` and `vigil report` share. */
export interface DetectionFlags {
  timeField?: string;
  valueField?: string[];
  labelFields?: string[];
  interval?: string;
  statusField?: string;
  clientField?: string;
  agentField?: string;
  bytesField?: string;
  splitBy?: string;
  sessionGap?: string;
  metrics?: string[];
  kind: 'auto' | 'logs' | 'metrics';
  detectors?: string[];
  mode?: 'majority' | 'any';
  threshold?: number;
  train?: string;
  maxPoints?: number;
  since?: string;
  until?: string;
  quiet?: boolean;
}

interface DetectFlags extends DetectionFlags {
  format: 'table' | 'json' | 'csv';
  out?: string;
}

/** Add the input and detection options (`--interval`, `--status-field`, `--detectors`, ...) to a command. */
export function addDetectionOptions(command: Command): Command {
  return command
    .option('--time-field <name>', 'time field (default: timestamp, @timestamp, time, ts or date)')
    .option(
      '--value-field <names>',
      'value field(s), comma-separated (default: value, or every numeric field)',
      parseNameList
    )
    .option('--label-fields <names>', 'fields that split rows into separate series (metrics files)', parseNameList)
    .option('--interval <duration>', 'grid interval, e.g. 5m, 1h (default: inferred; 1h for access logs)')
    .option('--status-field <name>', 'access logs: HTTP status field (default: status or response)')
    .option('--client-field <name>', 'access logs: client field (default: clientip, ip, ...)')
    .option('--agent-field <name>', 'access logs: user-agent field (default: agent, user_agent, ...)')
    .option('--bytes-field <name>', 'access logs: response size field (default: bytes)')
    .option('--split-by <name>', 'access logs: one set of series per value of this field (e.g. host)')
    .option('--session-gap <duration>', 'access logs: inactivity that ends a session', '30m')
    .option(
      '--metrics <names>',
      `access logs: metrics to detect on (${ACCESS_LOG_METRICS.join(', ')}; default: requests, errors, unique_clients, requests_per_session, bytes)`,
      parseNameList
    )
    .addOption(new Option('--kind <kind>', 'what the file holds').choices(['auto', 'logs', 'metrics']).default('auto'))
    .option('--detectors <names>', `detectors to run (${Object.keys(DETECTORS).join(', ')})`, parseNameList)
    .addOption(new Option('--mode <mode>', 'vote rule: majority of detectors, or any one').choices(['majority', 'any']))
    .option('--threshold <score>', 'minimum anomaly score (0-100) of an anomalous point', parseScore)
    .option('--since <time>', 'index URL: read documents from this time (ISO 8601 or epoch ms; required)')
    .option('--until <time>', 'index URL: read documents before this time (required)')
    .option(
      '--train <duration>',
      'warm-up at the start of each series: learned from, no events or band (default: a day, 24-288 points)'
    )
    .option(
      '--max-points <n>',
      'most points read from a metrics file over all its series (default 1000000); the row past it stops the read',
      parseCount
    );
}

/** A file read and judged: what was read and the detection result. */
export interface FileDetection {
  input: LoadedInput;
  report: DetectReport;
}

/**
 * Read a file, or the access logs of an Elasticsearch/OpenSearch index (`http(s)://host:port/<index>` with
 * `--since`/`--until`), and run detection on it with the shared flags (the path `vigil detect` and `vigil report`
 * take).
 * @throws InputError for an unreadable file, a bad field or range; SourceError from the index's server;
 *   InvalidArgumentError for a bad flag value
 */
export async function detectFile(file: string, flags: DetectionFlags): Promise<FileDetection> {
  const intervalMs = flags.interval ? parseInterval(flags.interval, '--interval') : undefined;
  const metrics = flags.metrics?.map((m) => {
    if (!(ACCESS_LOG_METRICS as readonly string[]).includes(m)) {
      throw new InvalidArgumentError(`--metrics: unknown metric "${m}"; known: ${ACCESS_LOG_METRICS.join(', ')}`);
    }
    return m as AccessLogMetric;
  });
  const inputOptions: InputOptions = {
    kind: flags.kind,
    timeField: flags.timeField,
    valueFields: flags.valueField,
    labelFields: flags.labelFields,
    intervalMs,
    statusField: flags.statusField,
    clientField: flags.clientField,
    agentField: flags.agentField,
    bytesField: flags.bytesField,
    splitBy: flags.splitBy,
    sessionGapMs: flags.sessionGap ? parseInterval(flags.sessionGap, '--session-gap') : undefined,
    metrics,
    maxPoints: flags.maxPoints,
    from: flags.since !== undefined ? parseTimeFlag(flags.since, '--since') : undefined,
    to: flags.until !== undefined ? parseTimeFlag(flags.until, '--until') : undefined,
    quiet: flags.quiet,
  };
  if (!isIndexUrl(file) && (inputOptions.from !== undefined || inputOptions.to !== undefined))
    throw new InputError('--since and --until apply to an index URL; a file is read whole');
  const input = isIndexUrl(file) ? await loadIndex(file, inputOptions) : await loadInput(file, inputOptions);
  const progress = new Progress('detecting', process.stderr, !flags.quiet);
  const trainMs = flags.train ? parseInterval(flags.train, '--train') : undefined;
  const intervalForTrain = intervalMs ?? input.series[0]?.timestamps[1] - input.series[0]?.timestamps[0];
  const report = detect(input.series, {
    intervalMs,
    ensemble: { detectors: flags.detectors, mode: flags.mode, threshold: flags.threshold },
    warmup: trainMs && intervalForTrain > 0 ? Math.floor(trainMs / intervalForTrain) : undefined,
    onProgress: (done, total) => progress.update(`${done}/${total} series`),
  });
  progress.done(`${input.series.length} series`);
  report.warnings.unshift(...input.warnings);
  return { input, report };
}

/** `vigil detect <file>`: run detection on a file and print a summary, JSON or CSV. */
export function detectCommand(): Command {
  return addDetectionOptions(
    new Command('detect')
      .description(
        'run anomaly detection on a CSV or NDJSON file (optionally gzipped): metric series or access logs; or on the access logs of an Elasticsearch/OpenSearch index'
      )
      .argument(
        '<file>',
        'CSV (e.g. NAB timestamp,value) or NDJSON file, optionally .gz; or an index URL http(s)://host:9200/<index> (credentials from VIGIL_ELASTICSEARCH_API_KEY or _USERNAME/_PASSWORD)'
      )
  )
    .addOption(new Option('--format <format>', 'output format').choices(['table', 'json', 'csv']).default('table'))
    .option('--out <path>', 'write the output to a file instead of stdout')
    .option('-q, --quiet', 'no progress on stderr')
    .addHelpText(
      'after',
      `
Examples:
  vigil detect data/ec2_cpu_utilization.csv
  vigil detect logs.json.gz --interval 1h --status-field response --client-field clientip
  vigil detect logs.ndjson.gz --split-by host --metrics requests,error_rate --format json --out result.json
  vigil detect http://localhost:9200/weblogs --since 2018-08-01 --until 2018-09-01`
    )
    .action(async (file: string, flags: DetectFlags) => {
      const started = Date.now();
      const { input, report } = await detectFile(file, flags);
      const seconds = (Date.now() - started) / 1000;
      const text =
        flags.format === 'json'
          ? formatJson(report)
          : flags.format === 'csv'
            ? formatCsv(report)
            : formatTable(report, { file: path.basename(file), description: input.description, seconds });
      if (flags.out) {
        await writeFile(flags.out, text);
        if (!flags.quiet) process.stderr.write(`wrote ${flags.out} (${report.anomalies.length} anomalies)\n`);
      } else {
        process.stdout.write(text);
      }
    });
}

function parseCount(v: string): number {
  if (!/^\d+$/.test(v) || Number(v) < 1) throw new InvalidArgumentError('must be a whole number of points, 1 or more');
  return Number(v);
}

function parseScore(v: string): number {
  const x = Number(v);
  if (!Number.isFinite(x) || x < 0 || x > 100) throw new InvalidArgumentError('must be a number from 0 to 100');
  return x;
}
