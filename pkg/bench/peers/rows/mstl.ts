/**
 * Row: seasonal decomposition — `@bsull/augurs` MSTL (what Vigil's `seasonal` detector and `forecast(..., {method:
 * 'mstl'})` run) against statsmodels MSTL and STL on the same NAB series.
 * Periods: one day in points, plus one week when the series spans two weeks. statsmodels STL gets the daily
 * period only (it takes one). Time is the median of 3 runs per series (1 with --quick), summed over series.
 * augurs' MSTL `fit` also fits the AutoETS trend model it forecasts with, which the statsmodels decompositions
 * do not: the comparison is what each library does to get a seasonal baseline.
 */

import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadAugurs } from '../../../core/augurs';
import { median } from '../data';
import { runPythonScript } from '../python';
import type { BenchContext, BenchRow, Measurement } from '../types';
import { nabHeldOut } from './prophet';

const DAY_MS = 86_400_000;

/** Daily (and weekly, when spanned more than twice) periods in points for a series of spacing `intervalMs`. */
export function calendarPeriods(n: number, intervalMs: number): number[] {
  const out: number[] = [];
  for (const p of [DAY_MS, 7 * DAY_MS]) {
    const points = Math.round(p / intervalMs);
    if (points >= 4 && n > 2 * points) out.push(points); // statsmodels drops periods >= n/2
  }
  return out;
}

async function run(ctx: BenchContext): Promise<Measurement[]> {
  const repeats = ctx.quick ? 1 : 3;
  const series = nabHeldOut(ctx.quick ? 4 : Infinity)
    .map((s) => ({ name: s.name, y: s.values, periods: calendarPeriods(s.values.length, s.intervalMs) }))
    .filter((s) => s.periods.length > 0);
  if (series.length === 0) throw new Error('no NAB series with a daily period found');
  const { MSTL } = loadAugurs('mstl');
  const decompose = (y: Float64Array, periods: number[]) => {
    const m = MSTL.ets(periods);
    try {
      m.fit(y);
    } finally {
      m.free();
    }
  };
  decompose(series[0].y, series[0].periods); // warm-up
  const ours = series.map((s) => {
    const times: number[] = [];
    for (let r = 0; r < repeats; r++) {
      const t0 = performance.now();
      decompose(s.y, s.periods);
      times.push((performance.now() - t0) / 1000);
    }
    return median(times);
  });
  const total = ours.reduce((a, b) => a + b, 0);
  ctx.log(`  augurs MSTL: ${total.toFixed(3)} s over ${series.length} series`);

  ctx.python();
  const file = path.join(ctx.workDir, 'mstl-series.json');
  fs.writeFileSync(file, JSON.stringify(series.map((s) => ({ name: s.name, y: Array.from(s.y), periods: s.periods }))));
  const py = runPythonScript('stl_peer.py', [file, String(repeats)]);
  const rows = py.series as { stl: number; mstl: number }[];
  const sm = `statsmodels ${String(py.version)}`;
  const weekly = series.filter((s) => s.periods.length > 1).length;
  return [
    {
      row: `Seasonal decomposition, NAB (${series.length} series; ${weekly} with a weekly period too)`,
      metric: 'decomposition time, all series',
      unit: 's',
      better: 'lower',
      vigil: total,
      peers: [
        { name: `${sm} MSTL`, value: rows.reduce((a, r) => a + r.mstl, 0), note: 'same periods' },
        { name: `${sm} STL`, value: rows.reduce((a, r) => a + r.stl, 0), note: 'daily period only' },
      ],
      note: `augurs MSTL incl. AutoETS trend fit; median of ${repeats}`,
    },
  ];
}

export const row: BenchRow = { name: 'mstl', run };
