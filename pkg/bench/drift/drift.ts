import * as fs from 'node:fs';
import * as path from 'node:path';
import { InputError } from '../../core/errors';
import { createRng, type Rng } from '../../core/random';
import { driftStatus } from '../../detectors/ksDrift';
import {
  DRIFT_RECENT_POINTS,
  DRIFT_REFERENCE_POINTS,
  driftTest,
  learnDriftReference,
} from '../../detectors/seasonalDrift';
import { readNabCsv } from '../nab/corpus';

/**
 * The drift benchmark: how often a job's drift check says "drifting" on series that do not drift, and how soon it
 * sees a real level shift. Each series is judged as a job judges it: the reference is learnt from the first run's
 * history (a day of warm-up and the 7-day training window), then the recent window of `DRIFT_RECENT_POINTS` slides
 * over the rest one point at a time (a job that runs every interval).
 */

/** How a window is judged: the job's drift test, or the plain KS test on raw values it replaced (for comparison). */
export type DriftMethod = 'adjusted' | 'raw';

/** Grid step of the benchmark series (NAB's artificial series: 5 minutes). */
export const BENCH_INTERVAL_MS = 300_000;
const DAY_POINTS = 86_400_000 / BENCH_INTERVAL_MS;
/** Points of the first run's history: a warm-up day and the default 7-day training window. */
export const BENCH_REFERENCE_POINTS = 8 * DAY_POINTS;
/** Length of a generated series: 14 days, as NAB's artificial series. */
export const BENCH_SERIES_POINTS = 14 * DAY_POINTS;
/** Where a generated level shift starts: day 9 and a half. */
export const BENCH_SHIFT_AT = Math.round(9.5 * DAY_POINTS);
const T0 = Date.UTC(2014, 3, 1);

/** What sliding the recent window over one series gave. */
export interface SeriesDrift {
  /** windows judged before the change (all of them when there is none) */
  windows: number;
  /** of those, windows judged drifting */
  drifting: number;
  /** points from the change to the first window judged drifting at or after it; undefined when never */
  delay?: number;
}

/**
 * Slide the recent window over a series after its reference history and judge each window.
 * @param values series on a grid of `BENCH_INTERVAL_MS` from `timestamps[0]`
 * @param changeAt index of the first changed point (windows ending before it count towards the false drift rate,
 *   windows ending at or after it towards detection), or undefined for a series without change
 * @throws InputError when the series is shorter than the reference history and one window
 */
export function slideDrift(
  timestamps: Float64Array,
  values: Float64Array,
  method: DriftMethod,
  changeAt?: number
): SeriesDrift {
  const r = BENCH_REFERENCE_POINTS;
  if (values.length < r + DRIFT_RECENT_POINTS)
    throw new InputError(`drift bench: a series needs ${r + DRIFT_RECENT_POINTS} points, got ${values.length}`);
  const refT = timestamps.subarray(0, r);
  const refV = values.subarray(0, r);
  const judge =
    method === 'adjusted'
      ? (() => {
          const ref = learnDriftReference(refT, refV, BENCH_INTERVAL_MS);
          return (from: number, to: number) =>
            driftTest(ref, timestamps.subarray(from, to), values.subarray(from, to)).drifting;
        })()
      : (() => {
          const ref = refV.subarray(r - DRIFT_REFERENCE_POINTS);
          return (from: number, to: number) => driftStatus(ref, values.subarray(from, to)).drift;
        })();
  const out: SeriesDrift = { windows: 0, drifting: 0 };
  for (let end = r + DRIFT_RECENT_POINTS; end <= values.length; end++) {
    const d = judge(end - DRIFT_RECENT_POINTS, end);
    if (changeAt === undefined || end - 1 < changeAt) {
      out.windows++;
      if (d) out.drifting++;
    } else if (d) {
      out.delay = end - 1 - changeAt;
      break;
    }
  }
  return out;
}

/** A generated series kind. */
export type GeneratedKind = 'sine+noise' | 'ar1(0.5)' | 'ar1(0.9)' | 'counts';

function poisson(rng: Rng, mean: number): number {
  // Knuth's multiplication method: fine for the small means used here
  const l = Math.exp(-mean);
  let k = 0;
  let p = 1;
  do {
    k++;
    p *= rng.next();
  } while (p > l);
  return k - 1;
}

/**
 * A seeded stationary series of `BENCH_SERIES_POINTS` points on the 5-minute grid (sd of its noise: 1, or the
 * Poisson spread of counts), plus an optional level shift of `shiftSd` noise sds from `BENCH_SHIFT_AT` on.
 * - sine+noise: a daily sine of amplitude 10 plus white noise
 * - ar1(phi): a first-order autoregression with unit marginal sd
 * - counts: Poisson counts with a daily mean between 2 and 8
 */
export function generateSeries(
  kind: GeneratedKind,
  seed: number,
  shiftSd = 0
): { timestamps: Float64Array; values: Float64Array } {
  const rng = createRng(seed);
  const n = BENCH_SERIES_POINTS;
  const timestamps = Float64Array.from({ length: n }, (_, i) => T0 + i * BENCH_INTERVAL_MS);
  const values = new Float64Array(n);
  const day = (i: number) => Math.sin((2 * Math.PI * i) / DAY_POINTS);
  let x = 0;
  for (let i = 0; i < n; i++) {
    const shift = i >= BENCH_SHIFT_AT ? shiftSd : 0;
    if (kind === 'sine+noise') values[i] = 50 + 10 * day(i) + rng.normal() + shift;
    else if (kind === 'counts') values[i] = poisson(rng, 5 + 3 * day(i)) + shift * Math.sqrt(5);
    else {
      const phi = kind === 'ar1(0.5)' ? 0.5 : 0.9;
      x = i === 0 ? rng.normal() : phi * x + Math.sqrt(1 - phi * phi) * rng.normal();
      values[i] = x + shift;
    }
  }
  return { timestamps, values };
}

/** One row of the benchmark. */
export interface DriftRow {
  name: string;
  series: number;
  windows: number;
  drifting: number;
  /** share of windows judged drifting, before any change */
  falseRate: number;
  /** series with a change in which drift was seen after it, and the delays (points) */
  detected?: number;
  delays?: number[];
}

function row(name: string, results: SeriesDrift[], withChange: boolean): DriftRow {
  const windows = results.reduce((s, r) => s + r.windows, 0);
  const drifting = results.reduce((s, r) => s + r.drifting, 0);
  const out: DriftRow = {
    name,
    series: results.length,
    windows,
    drifting,
    falseRate: windows ? drifting / windows : 0,
  };
  if (withChange) {
    const delays = results.flatMap((r) => (r.delay === undefined ? [] : [r.delay]));
    out.detected = delays.length;
    out.delays = delays.sort((a, b) => a - b);
  }
  return out;
}

/** NAB series with a level change and the time it starts (combined_labels.json). */
const NAB_JUMPS: Record<string, string> = {
  'art_daily_jumpsup.csv': '2014-04-11T09:00:00Z',
  'art_daily_jumpsdown.csv': '2014-04-11T09:00:00Z',
};

/**
 * Run the benchmark: NAB's artificialNoAnomaly series (false drift rate), its jumpsup/jumpsdown series (detection
 * delay after the labelled jump), `seeds` generated series of each stationary kind, and level shifts of 1, 2 and 3
 * sds on sine+noise and ar1(0.5).
 *
 * @param nabData NAB's `data` directory (holding artificialNoAnomaly/ and artificialWithAnomaly/)
 * @throws InputError for a missing or unreadable corpus
 */
export function driftBench(
  nabData: string,
  method: DriftMethod,
  seeds = 20,
  onRow?: (row: DriftRow) => void
): DriftRow[] {
  const rows: DriftRow[] = [];
  const push = (r: DriftRow) => {
    rows.push(r);
    onRow?.(r);
  };
  const noAnomaly = path.join(nabData, 'artificialNoAnomaly');
  if (!fs.existsSync(noAnomaly)) throw new InputError('no artificialNoAnomaly directory', { file: nabData });
  for (const f of fs
    .readdirSync(noAnomaly)
    .filter((f) => f.endsWith('.csv'))
    .sort()) {
    const t = readNabCsv(path.join(noAnomaly, f));
    push(row(`nab ${f.replace(/\.csv$/, '')}`, [slideDrift(t.timestamps, t.columns.value, method)], false));
  }
  for (const [f, at] of Object.entries(NAB_JUMPS)) {
    const t = readNabCsv(path.join(nabData, 'artificialWithAnomaly', f));
    const changeAt = t.timestamps.findIndex((x) => x >= Date.parse(at));
    if (changeAt < 0) throw new InputError(`no point at or after ${at}`, { file: f });
    push(row(`nab ${f.replace(/\.csv$/, '')}`, [slideDrift(t.timestamps, t.columns.value, method, changeAt)], true));
  }
  const seedList = Array.from({ length: seeds }, (_, i) => i + 1);
  for (const kind of ['sine+noise', 'ar1(0.5)', 'ar1(0.9)', 'counts'] as const) {
    push(
      row(
        `generated ${kind}`,
        seedList.map((s) => {
          const g = generateSeries(kind, s);
          return slideDrift(g.timestamps, g.values, method);
        }),
        false
      )
    );
  }
  for (const kind of ['sine+noise', 'ar1(0.5)'] as const) {
    for (const sd of [1, 2, 3]) {
      push(
        row(
          `shift ${sd} sd on ${kind}`,
          seedList.map((s) => {
            const g = generateSeries(kind, 1000 + s, sd);
            return slideDrift(g.timestamps, g.values, method, BENCH_SHIFT_AT);
          }),
          true
        )
      );
    }
  }
  return rows;
}
