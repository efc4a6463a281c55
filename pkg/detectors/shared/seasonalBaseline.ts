import { createRing, pushRing, ringAt, type Ring } from './ring';

/**
 * Causal seasonal-naive baseline for the rolling detectors: the expected value of point t is the median of the
 * values at the same phase of the previous `cycles` seasons (t - P, t - 2P, ...). Subtracting it leaves residuals
 * that rolling detectors judge without confusing the daily rhythm with anomalies: the idea of Twitter's Seasonal
 * Hybrid ESD (Hochenbaum, Vallis & Kejariwal, "Automatic Anomaly Detection in the Cloud Via Statistical
 * Learning", 2017), with a causal seasonal-naive median instead of STL. State: the last P · cycles values.
 */
export interface SeasonalBaseline {
  period: number;
  cycles: number;
  history: Ring;
}

export function createSeasonalBaseline(period: number, cycles = 3): SeasonalBaseline {
  return { period, cycles, history: createRing(period * cycles) };
}

/** The baseline for the next point (NaN during the first season or when every same-phase value is missing). */
export function seasonalExpected(b: SeasonalBaseline): number {
  let a = NaN;
  let c = NaN;
  let e = NaN;
  let count = 0;
  for (let k = 1; k <= b.cycles; k++) {
    const v = ringAt(b.history, k * b.period - 1);
    if (Number.isNaN(v)) continue;
    if (count === 0) a = v;
    else if (count === 1) c = v;
    else e = v;
    count++;
    if (count === 3) break;
  }
  if (count === 0) return NaN;
  if (count === 1) return a;
  if (count === 2) return (a + c) / 2;
  // median of three
  return Math.max(Math.min(a, c), Math.min(Math.max(a, c), e));
}

/** Record the point's value. */
export function pushSeasonal(b: SeasonalBaseline, x: number): void {
  pushRing(b.history, x);
}
