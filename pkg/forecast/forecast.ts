import { InputError, ParameterError } from '../core/errors';
import { inferInterval, regularize } from '../core/regularize';
import { formatLabels, type Series } from '../core/series';
import { detectPeriods } from '../features/seasonality';
import { etsForecast, mstlForecast } from './ets';
import { fitProphet, predictProphet, type ProphetOptions } from './prophet';
import type { Band, ForecastMethod, ForecastResult } from './types';

export type { Band, ForecastMethod, ForecastResult } from './types';

/** Options of `forecast`. */
export interface ForecastOptions {
  /** points to forecast past the last timestamp (default 48) */
  horizon: number;
  /** prediction band level in (0, 1) (default 0.95) */
  level: number;
  /** forecasting method (default `prophet`) */
  method: ForecastMethod;
  /** grid spacing in ms; default: the series' median spacing */
  intervalMs?: number;
  /** `mstl` only: seasonal periods in points; default: detected by `detectPeriods` (periodogram and the daily/weekly
   * clock periods, kept when the autocorrelation confirms them), at most two */
  periods?: number[];
  /** `prophet` only: Prophet options (seasonalities, changepoints, priors, seed) */
  prophet?: Partial<Omit<ProphetOptions, 'level'>>;
  /** refuse forecasts longer than this many points (default 100,000) */
  maxHorizon?: number;
}

export const DEFAULT_FORECAST: Pick<ForecastOptions, 'horizon' | 'level' | 'method'> = {
  horizon: 48,
  level: 0.95,
  method: 'prophet',
};

const METHODS: readonly ForecastMethod[] = ['prophet', 'ets', 'mstl'];

/**
 * Forecast a series `horizon` points past its end, with a prediction band.
 *
 * The series is first put on a regular grid (`regularize`, mean per bucket; empty buckets are gaps).
 * Methods: `prophet` (Prophet, trend with changepoints plus daily/weekly/yearly seasonality when the data
 * spans them; `fitProphet`), `ets` (AutoETS, non-seasonal; `etsForecast`), `mstl` (MSTL seasonal
 * decomposition with an AutoETS trend; `mstlForecast`). `mstl` on a series without a detectable period falls
 * back to `ets`, and the result's `method` says so.
 *
 * @param series the history: timestamps epoch ms, NaN = missing
 * @param options merged over `DEFAULT_FORECAST`
 * @returns forecast points at last + k·interval (k = 1..horizon) with `mean`, `lower`, `upper` in value units
 * @throws ParameterError for an unknown method or a bad horizon, level, interval or period;
 *   InputError when the series has fewer than 10 present values or the method cannot fit it
 * @example forecast(series, { horizon: 24, method: 'ets' }).upper
 */
export function forecast(series: Series, options: Partial<ForecastOptions> = {}): ForecastResult {
  const o = { ...DEFAULT_FORECAST, ...options };
  if (!METHODS.includes(o.method)) {
    throw new ParameterError(`forecast: method must be one of ${METHODS.join(', ')}, got ${JSON.stringify(o.method)}`);
  }
  const maxHorizon = o.maxHorizon ?? 100_000;
  if (!Number.isInteger(o.horizon) || o.horizon < 1 || o.horizon > maxHorizon) {
    throw new ParameterError(`forecast: horizon must be an integer in [1, ${maxHorizon}] points, got ${o.horizon}`);
  }
  if (!(o.level > 0 && o.level < 1)) throw new ParameterError(`forecast: level must be in (0, 1), got ${o.level}`);
  const name = formatLabels(series.labels);
  const intervalMs = o.intervalMs ?? inferInterval(series.timestamps);
  if (!(intervalMs > 0)) {
    throw new InputError(`forecast: series ${name} needs at least two distinct timestamps to infer its interval`);
  }
  const grid = regularize(series, intervalMs);
  const n = grid.timestamps.length;
  const last = grid.timestamps[n - 1];
  const timestamps = new Float64Array(o.horizon);
  for (let k = 0; k < o.horizon; k++) timestamps[k] = last + (k + 1) * intervalMs;

  let method: ForecastMethod = o.method;
  let band: Band;
  try {
    if (method === 'prophet') {
      const fit = fitProphet(grid.timestamps, grid.values, intervalMs, { ...o.prophet, level: o.level });
      band = predictProphet(fit, timestamps);
    } else {
      let periods = o.periods;
      if (method === 'mstl' && !periods) periods = detectPeriods(grid.values, 2, intervalMs);
      if (method === 'mstl' && periods && periods.length > 0) {
        band = mstlForecast(grid.values, periods, o.horizon, o.level);
      } else {
        method = 'ets';
        band = etsForecast(grid.values, o.horizon, o.level);
      }
    }
  } catch (e) {
    if (e instanceof InputError) throw new InputError(`forecast for series ${name}: ${e.message}`);
    throw e;
  }
  return { labels: { ...series.labels }, method, level: o.level, intervalMs, timestamps, ...band };
}
