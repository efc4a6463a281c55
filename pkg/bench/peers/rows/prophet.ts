/**
 * Row: Prophet — Vigil's Prophet (`pkg/forecast/prophet.ts`: `@bsull/augurs` + the WASM Stan optimizer, closed-form
 * band) against Python `prophet` (cmdstanpy) on the same NAB series.
 * Each series is split 90/10: fit on the first 90%, forecast the held-out 10% timestamps. Both use the same
 * seasonalities (daily/weekly by Vigil's span rule, yearly off) and a 95% band. Measured: total fit time, total
 * fit + predict time, mean sMAPE of the point forecast and how far the band's held-out coverage is from 95%.
 */

import * as fs from 'node:fs';
import * as path from 'node:path';
import { inferInterval } from '../../../core/regularize';
import { calendarSeasonalities, fitProphet, predictProphet } from '../../../forecast/prophet';
import type { Band } from '../../../forecast/types';
import { listDataFiles, readNabCsv } from '../../nab/corpus';
import { nabDir } from '../../nab/paths';
import { runPythonScript } from '../python';
import type { BenchContext, BenchRow, Measurement } from '../types';

const LEVEL = 0.95;
const DAY_MS = 86_400_000;

/** A NAB series split for forecasting. */
export interface HeldOutSeries {
  name: string;
  timestamps: Float64Array;
  values: Float64Array;
  /** points in the training part; the rest is held out */
  train: number;
  intervalMs: number;
}

/** NAB series spanning at least four days, split 90/10 (at most `limit` series, in file-name order). */
export function nabHeldOut(limit = Infinity): HeldOutSeries[] {
  const dir = nabDir();
  const out: HeldOutSeries[] = [];
  for (const name of listDataFiles(path.join(dir, 'data'))) {
    if (out.length >= limit) break;
    const t = readNabCsv(path.join(dir, 'data', name));
    const n = t.timestamps.length;
    if (n < 100 || t.timestamps[n - 1] - t.timestamps[0] < 4 * DAY_MS) continue;
    out.push({
      name,
      timestamps: t.timestamps,
      values: t.columns.value,
      train: Math.floor(0.9 * n),
      intervalMs: inferInterval(t.timestamps),
    });
  }
  return out;
}

/**
 * Forecast errors on held-out points: sMAPE in percent (mean of 2|f - a| / (|a| + |f|), points where both are 0
 * count 0), MAE, and the share of points inside the band.
 */
export function forecastErrors(
  actual: ArrayLike<number>,
  band: Band
): { smape: number; mae: number; coverage: number } {
  let s = 0;
  let mae = 0;
  let inside = 0;
  const n = actual.length;
  for (let i = 0; i < n; i++) {
    const a = actual[i];
    const f = band.mean[i];
    const d = Math.abs(a) + Math.abs(f);
    s += d > 0 ? (2 * Math.abs(f - a)) / d : 0;
    mae += Math.abs(f - a);
    if (a >= band.lower[i] && a <= band.upper[i]) inside++;
  }
  return { smape: (100 * s) / n, mae: mae / n, coverage: inside / n };
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

async function run(ctx: BenchContext): Promise<Measurement[]> {
  const series = nabHeldOut(ctx.quick ? 4 : Infinity);
  if (series.length === 0) throw new Error('no NAB series found (is the shared data directory there?)');
  const seasons = series.map((s) => calendarSeasonalities(s.timestamps[s.train - 1] - s.timestamps[0], s.intervalMs));

  // Vigil: warm up (WASM compile), then one pass
  const warm = series[0];
  predictProphet(
    fitProphet(warm.timestamps.subarray(0, 200), warm.values.subarray(0, 200), warm.intervalMs),
    warm.timestamps.subarray(200, 210)
  );
  const ours = series.map((s, k) => {
    const t0 = performance.now();
    const fit = fitProphet(s.timestamps.subarray(0, s.train), s.values.subarray(0, s.train), s.intervalMs, {
      level: LEVEL,
      daily: seasons[k].daily,
      weekly: seasons[k].weekly,
      yearly: false,
    });
    const t1 = performance.now();
    const band = predictProphet(fit, s.timestamps.subarray(s.train));
    const t2 = performance.now();
    return { fit: (t1 - t0) / 1000, predict: (t2 - t1) / 1000, ...forecastErrors(s.values.subarray(s.train), band) };
  });
  ctx.log(
    `  vigil: fit ${sum(ours.map((o) => o.fit)).toFixed(2)} s over ${series.length} series, sMAPE ${mean(ours.map((o) => o.smape)).toFixed(2)}%`
  );

  ctx.python();
  const file = path.join(ctx.workDir, 'prophet-series.json');
  fs.writeFileSync(
    file,
    JSON.stringify(
      series.map((s, k) => ({
        name: s.name,
        ds: Array.from(s.timestamps, (t) => Math.round(t / 1000)),
        y: Array.from(s.values),
        train: s.train,
        daily: seasons[k].daily,
        weekly: seasons[k].weekly,
        level: LEVEL,
      }))
    )
  );
  const py = runPythonScript('prophet_peer.py', [file]);
  const pySeries = py.series as {
    name: string;
    fit: number;
    predict: number;
    mean: number[];
    lower: number[];
    upper: number[];
  }[];
  const theirs = pySeries.map((p, k) => ({
    fit: p.fit,
    predict: p.predict,
    ...forecastErrors(series[k].values.subarray(series[k].train), {
      mean: Float64Array.from(p.mean),
      lower: Float64Array.from(p.lower),
      upper: Float64Array.from(p.upper),
    }),
  }));
  const peer = `Python prophet ${String(py.version)}`;
  ctx.log(
    `  ${peer}: fit ${sum(theirs.map((o) => o.fit)).toFixed(2)} s, sMAPE ${mean(theirs.map((o) => o.smape)).toFixed(2)}%`
  );
  const title = `Prophet, NAB (${series.length} series, 90/10 split)`;
  const coverageGap = (xs: { coverage: number }[]) => 100 * Math.abs(mean(xs.map((x) => x.coverage)) - LEVEL);
  return [
    {
      row: title,
      metric: 'fit time, all series',
      unit: 's',
      better: 'lower',
      vigil: sum(ours.map((o) => o.fit)),
      peers: [{ name: peer, value: sum(theirs.map((o) => o.fit)), note: 'cmdstan L-BFGS' }],
      note: 'augurs + WASM Stan, 1 thread',
    },
    {
      row: title,
      metric: 'fit+predict time, all series',
      unit: 's',
      better: 'lower',
      vigil: sum(ours.map((o) => o.fit + o.predict)),
      peers: [
        { name: peer, value: sum(theirs.map((o) => o.fit + o.predict)), note: 'band from 1000 samples (default)' },
      ],
      note: 'closed-form band',
    },
    {
      row: title,
      metric: 'mean sMAPE on held-out 10%',
      unit: '%',
      better: 'lower',
      vigil: mean(ours.map((o) => o.smape)),
      peers: [{ name: peer, value: mean(theirs.map((o) => o.smape)) }],
    },
    {
      row: title,
      metric: '|95% band coverage - 95%| on held-out',
      unit: 'pp',
      better: 'lower',
      vigil: coverageGap(ours),
      peers: [{ name: peer, value: coverageGap(theirs) }],
      note: `coverage ${(100 * mean(ours.map((o) => o.coverage))).toFixed(1)}% vs ${(100 * mean(theirs.map((o) => o.coverage))).toFixed(1)}%`,
    },
  ];
}

export const row: BenchRow = { name: 'prophet', run };
