/** The seasonal detector on a labelled NAB file (the corpus is read with the NAB benchmark's reader). */
import * as path from 'node:path';
import { readNabCsv, readWindows } from '../../pkg/bench/nab/corpus';
import { nabDir } from '../../pkg/bench/nab/paths';
import { seasonalDetector } from '../../pkg/detectors/seasonal';
import { score } from '../helpers/streams';

test('seasonal: puts its highest score inside the labelled window of NAB art_daily_jumpsup', () => {
  const file = 'artificialWithAnomaly/art_daily_jumpsup.csv';
  const table = readNabCsv(path.join(nabDir(), 'data', file));
  const windows = readWindows(path.join(nabDir(), 'labels', 'combined_windows.json')).get(file) ?? [];
  const out = score(
    seasonalDetector,
    {},
    { timestamps: table.timestamps, values: table.columns.value, intervalMs: 300_000 }
  );
  const p = Math.floor(0.15 * table.timestamps.length);
  let best = -1;
  for (let i = p; i < out.score.length; i++)
    if (Number.isFinite(out.score[i]) && (best < 0 || out.score[i] > out.score[best])) best = i;
  expect(best).toBeGreaterThanOrEqual(0);
  expect(windows.some(([a, b]) => table.timestamps[best] >= a && table.timestamps[best] <= b)).toBe(true);
});
