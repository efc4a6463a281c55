import { InputError, ParameterError } from '../core/errors';
import { etsForecast } from '../forecast/ets';
import { checkParam } from './rolling';
import { refitting, type BatchDetector } from './shared/refit';
import type { DetectorModel } from './types';

export interface EtsParams {
  /** prediction band level in (0, 1) */
  level: number;
  /** trailing points each refit sees */
  window: number;
  /** points forecast from one fit before refitting (the forecast horizon of the rolling origin) */
  refitEvery: number;
  /** present points the trailing window must hold before a forecast is made */
  minHistory: number;
}

export interface EtsModel extends DetectorModel {
  kind: 'ets';
  params: EtsParams;
}

/** The batch form: the forecast is made at each refit from the trailing window. */
export const etsBatch: BatchDetector<EtsParams, EtsModel> = {
  name: 'ets',
  family: 'forecast',
  description: 'AutoETS rolling-origin forecast band (augurs)',
  defaults: { level: 0.99, window: 480, refitEvery: 24, minHistory: 30 },
  params(params: Partial<EtsParams>): EtsParams {
    const p = { ...etsBatch.defaults, ...params };
    if (!(p.level > 0 && p.level < 1))
      throw new ParameterError(`ets: level must be in (0, 1), got ${JSON.stringify(p.level)}`);
    checkParam('ets', 'minHistory', p.minHistory, 10, true);
    checkParam('ets', 'window', p.window, p.minHistory, true);
    checkParam('ets', 'refitEvery', p.refitEvery, 1, true);
    return p;
  },
  fit(_history, params): EtsModel {
    return { kind: 'ets', version: 2, params };
  },
  forecast(model, history, timestamps) {
    try {
      return etsForecast(history.values, timestamps.length, model.params.level);
    } catch (e) {
      if (e instanceof InputError) return null; // no ETS model fits this window: abstain until the next refit
      throw e;
    }
  },
};

/**
 * ETS forecast baseline by rolling-origin forecasting: every `refitEvery` points, AutoETS (automatic exponential
 * smoothing state-space model selection by AICc; Hyndman, Koehler, Snyder & Grose 2002; via `@bsull/augurs`,
 * non-seasonal models) is fitted on the trailing `window` points and forecasts the next `refitEvery` points with a
 * prediction band at `level`. Raw score = |x - expected| in band half-widths on the side x falls (1 = on the band
 * edge). Causal. Cost: one AutoETS fit (O(window) per candidate model) per `refitEvery` points.
 */
export const etsDetector = refitting(etsBatch, (p) => ({
  history: p.window,
  refitEvery: p.refitEvery,
  minHistory: p.minHistory,
  context: 1,
}));
