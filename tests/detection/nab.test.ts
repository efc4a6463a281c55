import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { detect } from '../../pkg/ensemble/detect';
import { readSeriesFile } from '../../pkg/sources/file';
import { NAB_DIR } from '../helpers/shared';

const windows: Record<string, [string, string][]> = JSON.parse(
  readFileSync(path.join(NAB_DIR, 'labels', 'combined_windows.json'), 'utf8')
);
const toMs = (s: string) => Date.parse(s.replace(' ', 'T') + 'Z');
const files = readdirSync(path.join(NAB_DIR, 'data')).flatMap((cat) =>
  readdirSync(path.join(NAB_DIR, 'data', cat))
    .filter((f) => f.endsWith('.csv'))
    .map((f) => `${cat}/${f}`)
);

async function run(key: string) {
  const { series } = await readSeriesFile(path.join(NAB_DIR, 'data', key));
  return detect(series);
}

test('the NAB subset has its 41 files', () => {
  expect(files).toHaveLength(41);
});

/** Every NAB file runs through detection without error and yields a well-formed result. */
test.each(files)('%s runs through detection', async (key) => {
  const r = await run(key);
  expect(r.series).toHaveLength(1);
  const pts = r.series[0].points;
  expect(pts.length).toBeGreaterThan(1000);
  const scores = pts.map((p) => p.score).filter((s): s is number => s !== null);
  const present = pts.filter((p) => p.value !== null).length;
  expect(scores.length).toBeGreaterThan(present / 2);
  expect(Math.min(...scores)).toBeGreaterThanOrEqual(0);
  expect(Math.max(...scores)).toBeLessThanOrEqual(100);
  for (const a of r.anomalies) expect(['critical', 'major', 'minor', 'warning']).toContain(a.severity);
});

/** Labelled windows are hit and nothing is flagged outside them. */
test.each([
  'artificialWithAnomaly/art_daily_jumpsup.csv',
  'artificialWithAnomaly/art_daily_jumpsdown.csv',
  'artificialWithAnomaly/art_daily_flatmiddle.csv',
  'realAWSCloudwatch/rds_cpu_utilization_cc0c53.csv',
  'realTraffic/occupancy_t4013.csv',
])('%s: every labelled window is hit, quiet stretches stay quiet', async (key) => {
  const r = await run(key);
  const w = windows[key].map(([a, b]) => [toMs(a), toMs(b)]);
  expect(w.length).toBeGreaterThan(0);
  for (const [a, b] of w) expect(r.anomalies.some((e) => e.end >= a && e.start <= b)).toBe(true);
  const outside = r.anomalies.filter((e) => !w.some(([a, b]) => e.end >= a && e.start <= b));
  expect(outside).toEqual([]);
});

/** Series without anomalies stay quiet. */
test.each([
  'artificialNoAnomaly/art_daily_no_noise.csv',
  'artificialNoAnomaly/art_flatline.csv',
  'artificialNoAnomaly/art_noisy.csv',
])('%s: no anomaly reported', async (key) => {
  expect((await run(key)).anomalies).toEqual([]);
});
