import { InputError } from '../core/errors';
import {
  checkProphetOptions,
  DEFAULT_PROPHET_OPTIONS,
  fitProphet,
  predictProphet,
  type ProphetFit,
  type ProphetOptions,
} from '../forecast/prophet';
import { checkParam } from './rolling';
import { refitting, type BatchDetector } from './shared/refit';
import type { DetectorModel } from './types';

export type ProphetParams = ProphetOptions & {
  /** points of history each fit sees */
  window: number;
  /** points forecast from one fit */
  refitEvery: number;
};

export interface ProphetModel extends DetectorModel {
  kind: 'prophet';
  params: ProphetParams;
  /** the fitted Prophet model; null when the history was too short or Prophet could not fit it */
  fit: ProphetFit | null;
  /** why `fit` is null */
  reason?: string;
}

/** The batch form: Prophet fitted on a stretch of history, predicting the next points from their timestamps. */
export const prophetBatch: BatchDetector<ProphetParams, ProphetModel> = {
  name: 'prophet',
  family: 'forecast',
  description: 'Prophet forecast band (augurs, trend changepoints + daily/weekly seasonality)',
  defaults: { ...DEFAULT_PROPHET_OPTIONS, level: 0.99, window: 4032, refitEvery: 288 },
  params(params: Partial<ProphetParams>): ProphetParams {
    const p = { ...prophetBatch.defaults, ...params };
    checkProphetOptions(p);
    checkParam('prophet', 'window', p.window, 10, true);
    checkParam('prophet', 'refitEvery', p.refitEvery, 1, true);
    return p;
  },
  fit(history, params): ProphetModel {
    try {
      const fit = fitProphet(history.timestamps, history.values, history.intervalMs, params);
      return { kind: 'prophet', version: 2, params, fit };
    } catch (e) {
      // bad parameters still throw (ParameterError); unusable data makes an abstaining model
      if (!(e instanceof InputError)) throw e;
      return { kind: 'prophet', version: 2, params, fit: null, reason: e.message };
    }
  },
  forecast(model, _history, timestamps) {
    return model.fit ? predictProphet(model.fit, timestamps) : null;
  },
};

/**
 * Prophet forecast baseline: Prophet (Taylor & Letham 2018, "Forecasting at scale"; `@bsull/augurs` with Prophet's
 * Stan model compiled to WASM) fitted on the last `window` points every `refitEvery` points: piecewise-linear trend
 * with changepoints, plus daily, weekly and yearly Fourier seasonality when the history spans two of their
 * periods. Each point is scored against the band predicted for its timestamp at the last fit (causal); raw score
 * = |x - expected| in band half-widths on the side x falls. A history with fewer than 10 present values gives a
 * model that abstains. Fit O(window) per optimizer iteration (a few hundred ms for thousands of points).
 */
export const prophetDetector = refitting(prophetBatch, (p) => ({
  history: p.window,
  refitEvery: p.refitEvery,
  minHistory: Math.min(p.window, 96),
  context: 1,
}));
