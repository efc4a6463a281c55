import { readdirSync } from 'node:fs';
import path from 'node:path';
import { alertBudget } from '../../pkg/bench/alerts/budget';
import { detect } from '../../pkg/pipeline/detect';
import { readSeriesFile } from '../../pkg/sources/file';
import { NAB_DIR } from '../helpers/shared';

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

/**
 * The alert budget of `vigil detect`'s defaults on the 41 files (what `vigil bench alerts` prints): at most 0.3 false
 * events per series-week while at least 55 of the 64 labelled windows are hit (measured: 0.27 and 56).
 */
test('alert budget: few false events per series-week, most labelled windows hit', () => {
  const b = alertBudget(path.join(NAB_DIR, 'data'), path.join(NAB_DIR, 'labels', 'combined_windows.json'));
  expect(b.files).toBe(41);
  expect(b.falsePerSeriesWeek).toBeLessThanOrEqual(0.3);
  expect(b.windowsHit).toBeGreaterThanOrEqual(55);
});

/** Series without anomalies stay quiet. */
test.each([
  'artificialNoAnomaly/art_daily_no_noise.csv',
  'artificialNoAnomaly/art_flatline.csv',
  'artificialNoAnomaly/art_noisy.csv',
])('%s: no anomaly reported', async (key) => {
  expect((await run(key)).anomalies).toEqual([]);
});
