import { InputError, ParameterError } from '../core/errors';
import { loadAugurs } from '../core/augurs';
import { interpolateGaps } from '../features/seasonality';
import type { Band } from './types';

/** Minimum present values an ETS or MSTL fit needs. */
export const ETS_MIN_POINTS = 10;

function prepare(values: Float64Array, what: string): Float64Array {
  let present = 0;
  for (let i = 0; i < values.length; i++) if (Number.isFinite(values[i])) present++;
  if (present < ETS_MIN_POINTS) {
    throw new InputError(`${what}: needs at least ${ETS_MIN_POINTS} present values, got ${present}`);
  }
  // interpolateGaps keeps non-finite values other than NaN; treat them as missing too
  const clean = Float64Array.from(values, (v) => (Number.isFinite(v) ? v : NaN));
  return interpolateGaps(clean) as Float64Array;
}

function checkHorizonLevel(what: string, horizon: number, level: number): void {
  if (!Number.isInteger(horizon) || horizon < 1)
    throw new ParameterError(`${what}: horizon must be an integer >= 1, got ${horizon}`);
  if (!(level > 0 && level < 1)) throw new ParameterError(`${what}: level must be in (0, 1), got ${level}`);
}

function toBand(point: number[], lower: number[] | undefined, upper: number[] | undefined): Band {
  return {
    mean: Float64Array.from(point),
    lower: lower ? Float64Array.from(lower) : new Float64Array(point.length).fill(NaN),
    upper: upper ? Float64Array.from(upper) : new Float64Array(point.length).fill(NaN),
  };
}

/**
 * Forecast the next `horizon` points with AutoETS: automatic selection among non-seasonal exponential
 * smoothing state-space models (error/trend additive, multiplicative or none, damped or not) by AICc, as in
 * Hyndman et al. 2002/2008 and R's `forecast::ets`; implementation `@bsull/augurs` (`AutoETS`, spec `ZZN`).
 * Gaps (NaN) are linearly interpolated first.
 *
 * @param values history, one value per grid point, NaN = missing
 * @param horizon points to forecast (integer >= 1)
 * @param level prediction-interval level in (0, 1)
 * @returns band of length `horizon`
 * @throws ParameterError for a bad horizon or level; InputError when fewer than 10 values are present or no
 *   ETS model fits the data
 */
export function etsForecast(values: Float64Array, horizon: number, level: number): Band {
  checkHorizonLevel('ets', horizon, level);
  const y = prepare(values, 'ets');
  const { AutoETS } = loadAugurs('ets');
  const model = new AutoETS(1, 'ZZN');
  try {
    model.fit(y);
    const f = model.predict(horizon, level);
    return toBand(f.point, f.intervals?.lower, f.intervals?.upper);
  } catch (e) {
    throw new InputError(`ets: ${e instanceof Error ? e.message : String(e)}`);
  } finally {
    model.free();
  }
}

/**
 * Forecast the next `horizon` points with MSTL (multiple seasonal-trend decomposition by Loess; Bandara,
 * Hyndman & Bergmeir 2021): the seasonal components repeat and the deseasonalised trend is forecast with
 * AutoETS; implementation `@bsull/augurs` (`MSTL.ets`). Gaps are linearly interpolated first.
 *
 * @param values history, NaN = missing; must span every period at least twice
 * @param periods seasonal periods in points (integers >= 2)
 * @param horizon points to forecast (integer >= 1)
 * @param level prediction-interval level in (0, 1)
 * @returns band of length `horizon`
 * @throws ParameterError for bad periods, horizon or level; InputError for too little data or a failed fit
 */
export function mstlForecast(values: Float64Array, periods: number[], horizon: number, level: number): Band {
  checkHorizonLevel('mstl', horizon, level);
  if (periods.length === 0 || periods.some((p) => !Number.isInteger(p) || p < 2)) {
    throw new ParameterError(
      `mstl: periods must be a non-empty list of integers >= 2 (points), got ${JSON.stringify(periods)}`
    );
  }
  const y = prepare(values, 'mstl');
  const longest = Math.max(...periods);
  if (y.length < 2 * longest) {
    throw new InputError(`mstl: period ${longest} needs at least ${2 * longest} points of history, got ${y.length}`);
  }
  const { MSTL } = loadAugurs('mstl');
  const model = MSTL.ets(periods);
  try {
    model.fit(y);
    const f = model.predict(horizon, level);
    return toBand(f.point, f.intervals?.lower, f.intervals?.upper);
  } catch (e) {
    throw new InputError(`mstl: ${e instanceof Error ? e.message : String(e)}`);
  } finally {
    model.free();
  }
}
