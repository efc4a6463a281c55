import { writeFile } from 'node:fs/promises';
import { Command, InvalidArgumentError, Option } from 'commander';
import { parseNameList } from '../contract/rules';
import { parseInterval } from '../core/interval';
import { formatLabels } from '../core/series';
import { forecast, type ForecastMethod, type ForecastResult } from '../forecast/forecast';
import { loadInput } from './input';

interface ForecastFlags {
  timeField?: string;
  valueField?: string[];
  labelFields?: string[];
  interval?: string;
  method: ForecastMethod;
  horizon: number;
  level: number;
  format: 'table' | 'json' | 'csv';
  out?: string;
  quiet?: boolean;
}

function positiveInt(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('must be an integer >= 1');
  return n;
}

function level(v: string): number {
  const n = Number(v);
  if (!(n > 0 && n < 1)) throw new InvalidArgumentError('must be a number in (0, 1), e.g. 0.95');
  return n;
}

const iso = (t: number) => new Date(t).toISOString().replace('.000Z', 'Z');
const num = (x: number) => (Number.isFinite(x) ? Number(x.toPrecision(6)) : null);

/** Render forecasts as a table, CSV (series,time,mean,lower,upper) or JSON. */
export function formatForecasts(results: ForecastResult[], format: 'table' | 'json' | 'csv'): string {
  if (format === 'json') {
    return (
      JSON.stringify(
        results.map((r) => ({
          labels: r.labels,
          method: r.method,
          level: r.level,
          intervalMs: r.intervalMs,
          points: Array.from(r.timestamps, (t, k) => ({
            time: iso(t),
            mean: num(r.mean[k]),
            lower: num(r.lower[k]),
            upper: num(r.upper[k]),
          })),
        })),
        null,
        2
      ) + '\n'
    );
  }
  if (format === 'csv') {
    const quote = (s: string) => `"${s.replace(/"/g, '""')}"`;
    const lines = ['series,time,mean,lower,upper'];
    for (const r of results) {
      r.timestamps.forEach((t, k) =>
        lines.push([quote(formatLabels(r.labels)), iso(t), num(r.mean[k]), num(r.lower[k]), num(r.upper[k])].join(','))
      );
    }
    return lines.join('\n') + '\n';
  }
  const out: string[] = [];
  for (const r of results) {
    out.push(
      `${formatLabels(r.labels)}: ${r.method} forecast, ${r.timestamps.length} points, ${Math.round(r.level * 100)}% band`
    );
    out.push('  time (UTC)            mean        lower       upper');
    r.timestamps.forEach((t, k) =>
      out.push(
        `  ${iso(t).padEnd(20)}  ${String(num(r.mean[k])).padEnd(10)}  ${String(num(r.lower[k])).padEnd(10)}  ${String(num(r.upper[k]))}`
      )
    );
  }
  return out.join('\n') + '\n';
}

/** `vigil forecast <file>`: forecast every metric series of a CSV/NDJSON file past its end, with a band. */
export function forecastCommand(): Command {
  return new Command('forecast')
    .description('forecast the metric series of a CSV or NDJSON file past their end, with a prediction band')
    .argument('<file>', 'CSV (e.g. NAB timestamp,value) or NDJSON file, optionally .gz')
    .option('--time-field <name>', 'time field (default: timestamp, @timestamp, time, ts or date)')
    .option(
      '--value-field <names>',
      'value field(s), comma-separated (default: value, or every numeric field)',
      parseNameList
    )
    .option('--label-fields <names>', 'fields that split rows into separate series', parseNameList)
    .option('--interval <duration>', 'grid interval, e.g. 5m, 1h (default: inferred)')
    .addOption(
      new Option('--method <method>', 'forecasting method').choices(['prophet', 'ets', 'mstl']).default('prophet')
    )
    .option('--horizon <points>', 'points to forecast', positiveInt, 48)
    .option('--level <level>', 'prediction band level', level, 0.95)
    .addOption(new Option('--format <format>', 'output format').choices(['table', 'json', 'csv']).default('table'))
    .option('--out <path>', 'write the output to a file instead of stdout')
    .option('-q, --quiet', 'no progress on stderr')
    .addHelpText(
      'after',
      `
Examples:
  vigil forecast data/ec2_cpu_utilization.csv --horizon 288
  vigil forecast metrics.csv --method mstl --level 0.9 --format csv --out forecast.csv`
    )
    .action(async (file: string, flags: ForecastFlags) => {
      const intervalMs = flags.interval ? parseInterval(flags.interval, '--interval') : undefined;
      const input = await loadInput(file, {
        kind: 'metrics',
        timeField: flags.timeField,
        valueFields: flags.valueField,
        labelFields: flags.labelFields,
        quiet: flags.quiet,
      });
      const results = input.series.map((s) =>
        forecast(s, { method: flags.method, horizon: flags.horizon, level: flags.level, intervalMs })
      );
      const text = formatForecasts(results, flags.format);
      if (flags.out) await writeFile(flags.out, text);
      else process.stdout.write(text);
    });
}
