import * as path from 'node:path';
import { readNabCsv } from './corpus';
import { nabDir } from './paths';
import { detectStreaming } from './runner';

/**
 * Honest streaming: the benchmark scores each row from the rows before it only. With input of unchanged length whose
 * later values differ, every earlier row keeps its score, its detectors' scores and its alert.
 */
test.each([
  'realAWSCloudwatch/ec2_cpu_utilization_5f5533.csv',
  'artificialWithAnomaly/art_daily_nojump.csv',
  'realAdExchange/exchange-3_cpc_results.csv',
  'realTraffic/occupancy_6005.csv',
])('%s: no score uses the future', (file) => {
  const table = readNabCsv(path.join(nabDir(), 'data', file));
  const values = table.columns.value;
  const cut = Math.floor(values.length * 0.6);
  const changed = Float64Array.from(values, (v, i) => (i < cut ? v : i % 3 === 0 ? NaN : v * 3.7 - 100));
  const a = detectStreaming(file, table.timestamps, values);
  const b = detectStreaming(file, table.timestamps, changed);
  expect(b.score.length).toBe(a.score.length);
  expect(Array.from(b.score.subarray(0, cut))).toEqual(Array.from(a.score.subarray(0, cut)));
  expect(Array.from(b.onset.subarray(0, cut))).toEqual(Array.from(a.onset.subarray(0, cut)));
  for (const name of Object.keys(a.contributions)) {
    expect(Array.from(b.contributions[name].subarray(0, cut))).toEqual(
      Array.from(a.contributions[name].subarray(0, cut))
    );
  }
  // and the later change does show: scores after the cut differ
  expect(Array.from(b.score.subarray(cut))).not.toEqual(Array.from(a.score.subarray(cut)));
});
