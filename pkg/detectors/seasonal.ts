import { ParameterError } from '../core/errors';
import { mstlForecast } from '../forecast/ets';
import { detectPeriods } from '../features/seasonality';
import { checkParam } from './rolling';
import { refitting, type BatchDetector } from './shared/refit';
import type { DetectorModel } from './types';

export interface SeasonalParams {
  /** seasonal periods in points; empty = detect from the history at each fit */
  periods: number[];
  /** prediction-interval level of the band (0-1) */
  level: number;
  /** at most this many periods are used (the strongest detected) */
  maxPeriods: number;
  /** points of history each fit sees (at least two of the longest period are kept) */
  window: number;
  /** points forecast from one fit */
  refitEvery: number;
}

export interface SeasonalModel extends DetectorModel {
  kind: 'seasonal';
  params: SeasonalParams;
  /** periods in points used for decomposition; empty when the history shows no seasonality */
  periods: number[];
}

/** The batch form: MSTL decomposition of the history, forecast forward. */
export const seasonalBatch: BatchDetector<SeasonalParams, SeasonalModel> = {
  name: 'seasonal',
  family: 'seasonal',
  description: 'MSTL seasonal baseline (augurs), periods detected or given',
  defaults: { periods: [], level: 0.99, maxPeriods: 2, window: 2016, refitEvery: 96 },
  params(params: Partial<SeasonalParams>): SeasonalParams {
    const p = { ...seasonalBatch.defaults, ...params };
    if (!Array.isArray(p.periods) || p.periods.some((x) => !Number.isInteger(x) || x < 2)) {
      throw new ParameterError(`seasonal: periods must be integers >= 2 (points), got ${JSON.stringify(p.periods)}`);
    }
    if (!(p.level > 0 && p.level < 1)) throw new ParameterError(`seasonal: level must be in (0, 1), got ${p.level}`);
    checkParam('seasonal', 'maxPeriods', p.maxPeriods, 1, true);
    checkParam('seasonal', 'window', p.window, 16, true);
    checkParam('seasonal', 'refitEvery', p.refitEvery, 1, true);
    return p;
  },
  fit(history, params): SeasonalModel {
    const periods = params.periods.length
      ? params.periods.filter((per) => history.values.length >= 2 * per)
      : detectPeriods(history.values, params.maxPeriods, history.intervalMs);
    return { kind: 'seasonal', version: 2, params, periods };
  },
  forecast(model, history, timestamps) {
    if (model.periods.length === 0) return null;
    return mstlForecast(history.values, model.periods, timestamps.length, model.params.level);
  },
};

/**
 * Seasonal baseline: every `refitEvery` points, MSTL (multiple seasonal-trend decomposition by Loess, Bandara,
 * Hyndman & Bergmeir 2021) with an AutoETS trend model, from `@bsull/augurs` (Grafana's time-series library), is fitted
 * on the last `window` points and forecasts the next `refitEvery` with a prediction band at `level`; each point is
 * scored against that band (raw score = |x - expected| in band half-widths). Seasonal periods are given or detected at
 * each fit with augurs' periodogram-based detector (see `detectPeriods`). Without seasonality the detector abstains.
 * Causal. Cost: one MSTL fit, O(window) per period, per `refitEvery` points.
 */
export const seasonalDetector = refitting(seasonalBatch, (p) => ({
  history: Math.max(p.window, 2 * Math.max(0, ...p.periods)),
  refitEvery: p.refitEvery,
  minHistory: Math.min(p.window, 96),
  context: 1,
}));
