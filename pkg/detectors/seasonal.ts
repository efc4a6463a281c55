import { probit } from 'simple-statistics';
import { ParameterError } from '../core/errors';
import { loadAugurs } from './augurs';
import { checkParam } from './rolling';
import { emptyOutput, type Detector, type DetectorInput, type DetectorModel, type DetectorOutput } from './types';

export interface SeasonalParams {
  /** seasonal periods in points; empty = detect from the training series */
  periods: number[];
  /** prediction-interval level of the band (0-1) */
  level: number;
  /** at most this many periods are used (the strongest detected) */
  maxPeriods: number;
}

export interface SeasonalModel extends DetectorModel {
  kind: 'seasonal';
  params: SeasonalParams;
  /** periods in points used for decomposition; empty when the training series shows no seasonality */
  periods: number[];
}

/**
 * Seasonal baseline: MSTL decomposition (multiple seasonal-trend decomposition by Loess, Bandara, Hyndman &
 * Bergmeir 2021) with an AutoETS trend model, from `@bsull/augurs` (Grafana's time-series library). Seasonal
 * periods are given or detected from the training series with augurs' periodogram-based detector, keeping
 * those the series spans at least twice. Expected value and band come from MSTL's in-sample prediction
 * interval at `level`; raw score = |x - expected| in band standard deviations. Gaps are linearly
 * interpolated before decomposition (they are never scored). Without seasonality the detector abstains
 * (scores NaN).
 *
 * Not causal: the decomposition sees the whole input. O(n) per period in augurs.
 */
export const seasonal: Detector<SeasonalParams, SeasonalModel> = {
  name: 'seasonal',
  family: 'seasonal',
  description: 'MSTL seasonal baseline (augurs), periods detected or given',
  defaults: { periods: [], level: 0.99, maxPeriods: 2 },
  causal: false,
  fit(train: DetectorInput, params: Partial<SeasonalParams> = {}): SeasonalModel {
    const p = { ...seasonal.defaults, ...params };
    if (!Array.isArray(p.periods) || p.periods.some((x) => !Number.isInteger(x) || x < 2)) {
      throw new ParameterError(`seasonal: periods must be integers >= 2 (points), got ${JSON.stringify(p.periods)}`);
    }
    if (!(p.level > 0 && p.level < 1)) throw new ParameterError(`seasonal: level must be in (0, 1), got ${p.level}`);
    checkParam('seasonal', 'maxPeriods', p.maxPeriods, 1, true);
    const periods = p.periods.length ? [...p.periods] : detectPeriods(train.values, p.maxPeriods, train.intervalMs);
    return { kind: 'seasonal', version: 1, params: p, periods };
  },
  score(model: SeasonalModel, input: DetectorInput): DetectorOutput {
    const n = input.values.length;
    const out = emptyOutput(n);
    const periods = model.periods.filter((per) => n >= 2 * per);
    if (periods.length === 0) return out;
    const y = interpolateGaps(input.values);
    if (y === null) return out;
    const { MSTL } = loadAugurs('mstl');
    const mstl = MSTL.ets(periods);
    try {
      mstl.fit(y);
      const f = mstl.predictInSample(model.params.level);
      if (!f.intervals) return out;
      const z = probit(0.5 + model.params.level / 2);
      for (let i = 0; i < n; i++) {
        const e = f.point[i];
        const lo = f.intervals.lower[i];
        const hi = f.intervals.upper[i];
        out.expected[i] = e;
        out.lower[i] = lo;
        out.upper[i] = hi;
        const sd = (hi - lo) / (2 * z);
        const x = input.values[i];
        if (!Number.isNaN(x) && Number.isFinite(e) && sd > 0) out.score[i] = Math.abs(x - e) / sd;
      }
    } finally {
      mstl.free();
    }
    return out;
  },
};

/**
 * Detect seasonal periods (in points) with augurs' periodogram detector, plus the daily and weekly periods when
 * `intervalMs` is given; keep at most `max` periods (shortest first) that the series covers at least twice and
 * whose autocorrelation reaches 0.3. Gaps are interpolated first. Returns [] for short or flat series.
 */
export function detectPeriods(values: Float64Array, max: number, intervalMs?: number): number[] {
  const y = interpolateGaps(values);
  if (y === null || y.length < 16) return [];
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of y) {
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  if (hi - lo === 0) return [];
  const { seasonalities } = loadAugurs('seasons');
  const found = new Set(
    Array.from(seasonalities(y, { minPeriod: 4, maxPeriod: Math.floor(y.length / 2), threshold: undefined }))
  );
  // operational data follows the clock: always consider the daily and weekly periods as well
  if (intervalMs && intervalMs > 0) {
    for (const span of [86_400_000, 7 * 86_400_000]) {
      const per = span / intervalMs;
      if (Number.isInteger(per) && per >= 2) found.add(per);
    }
  }
  // the periodogram also finds periods in noise: keep a period only when the series repeats at that lag
  return [...found]
    .filter((per) => y.length >= 2 * per && autocorrelation(y, per) >= MIN_SEASONAL_ACF)
    .sort((a, b) => a - b)
    .slice(0, max);
}

/** Autocorrelation a period must reach for the series to count as seasonal at that period. */
export const MIN_SEASONAL_ACF = 0.3;

/** Sample autocorrelation of `y` at `lag` (Box & Jenkins' estimator). O(n). */
export function autocorrelation(y: Float64Array, lag: number): number {
  const n = y.length;
  if (lag <= 0 || lag >= n) return NaN;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += y[i];
  mean /= n;
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i++) {
    const d = y[i] - mean;
    den += d * d;
    if (i + lag < n) num += d * (y[i + lag] - mean);
  }
  return den === 0 ? 0 : num / den;
}

/**
 * Linear interpolation over NaN runs (edges take the nearest present value). Returns a new array, or null
 * when no value is present. O(n).
 */
export function interpolateGaps(values: Float64Array): Float64Array | null {
  const n = values.length;
  const y = Float64Array.from(values);
  let prev = -1;
  for (let i = 0; i < n; i++) {
    if (Number.isNaN(y[i])) continue;
    if (prev === -1) y.fill(y[i], 0, i);
    else if (i - prev > 1) {
      for (let j = prev + 1; j < i; j++) y[j] = y[prev] + ((y[i] - y[prev]) * (j - prev)) / (i - prev);
    }
    prev = i;
  }
  if (prev === -1) return null;
  y.fill(y[prev], prev + 1);
  return y;
}
