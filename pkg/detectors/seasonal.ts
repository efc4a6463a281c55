import { probit } from 'simple-statistics';
import { ParameterError } from '../core/errors';
import { loadAugurs } from '../core/augurs';
import { detectPeriods, interpolateGaps } from '../features/seasonality';
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
export const seasonalDetector: Detector<SeasonalParams, SeasonalModel> = {
  name: 'seasonal',
  family: 'seasonal',
  description: 'MSTL seasonal baseline (augurs), periods detected or given',
  defaults: { periods: [], level: 0.99, maxPeriods: 2 },
  causal: false,
  fit(train: DetectorInput, params: Partial<SeasonalParams> = {}): SeasonalModel {
    const p = { ...seasonalDetector.defaults, ...params };
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
