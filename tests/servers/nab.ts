/**
 * NAB (Numenta Anomaly Benchmark) CSVs -> OpenMetrics text for `promtool tsdb create-blocks-from openmetrics`.
 *
 * Each CSV (`timestamp,value`, timestamps `YYYY-MM-DD HH:MM:SS` in UTC, 2013-2015) becomes the series
 * `nab_value{corpus="<folder>", series="<file stem>"}`.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'csv-parse/sync';
import { sharedDir } from './common';

/** The NAB files backfilled into the test Prometheus (relative to `<shared>/data/nab/data`). */
export const NAB_BACKFILL = [
  'realAWSCloudwatch/ec2_cpu_utilization_24ae8d.csv', // 5-min, aligned, no gaps
  'realAWSCloudwatch/ec2_cpu_utilization_5f5533.csv', // 5-min, offset by 3 min from the 5-min grid
  'realAWSCloudwatch/rds_cpu_utilization_cc0c53.csv', // one 10-min gap
  'realAWSCloudwatch/ec2_cpu_utilization_ac20cd.csv', // 15- and 20-min gaps
];

/** Metric name of the backfilled series. */
export const NAB_METRIC = 'nab_value';

/** One NAB series as read from its CSV. */
export interface NabSeries {
  corpus: string;
  name: string;
  timestamps: number[];
  /** The value texts as written in the CSV. */
  valueTexts: string[];
  values: number[];
}

/** Path of a NAB data file. */
export function nabFile(rel: string): string {
  return path.join(sharedDir(), 'data', 'nab', 'data', rel);
}

/**
 * Read one NAB CSV.
 * @throws Error naming the file and line for a bad timestamp or value
 */
export function readNabCsv(rel: string): NabSeries {
  const file = nabFile(rel);
  const rows = parse(fs.readFileSync(file, 'utf8'), { columns: true, skip_empty_lines: true }) as Record<
    string,
    string
  >[];
  const timestamps: number[] = [];
  const valueTexts: string[] = [];
  const values: number[] = [];
  rows.forEach((r, i) => {
    const t = Date.parse(r.timestamp.replace(' ', 'T') + 'Z');
    const v = Number(r.value);
    if (!Number.isFinite(t) || !Number.isFinite(v) || r.value.trim() === '') {
      throw new Error(`${file} line ${i + 2}: bad row ${JSON.stringify(r)}`);
    }
    timestamps.push(t);
    valueTexts.push(r.value.trim());
    values.push(v);
  });
  return { corpus: path.dirname(rel), name: path.basename(rel, '.csv'), timestamps, valueTexts, values };
}

/** OpenMetrics exposition of the given NAB series (one gauge family, timestamps in seconds, `# EOF` last). */
export function nabToOpenMetrics(series: NabSeries[]): string {
  const lines: string[] = [`# HELP ${NAB_METRIC} NAB benchmark value`, `# TYPE ${NAB_METRIC} gauge`];
  for (const s of series) {
    const labels = `{corpus="${s.corpus}",series="${s.name}"}`;
    for (let i = 0; i < s.timestamps.length; i++) {
      lines.push(`${NAB_METRIC}${labels} ${s.valueTexts[i]} ${s.timestamps[i] / 1000}`);
    }
  }
  lines.push('# EOF');
  return lines.join('\n') + '\n';
}
