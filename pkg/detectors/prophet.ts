import { InputError } from '../core/errors';
import { bandScore } from '../forecast/band';
import {
  DEFAULT_PROPHET_OPTIONS,
  fitProphet,
  predictProphet,
  type ProphetFit,
  type ProphetOptions,
} from '../forecast/prophet';
import { scaleFloor } from './rolling';
import { emptyOutput, type Detector, type DetectorInput, type DetectorModel, type DetectorOutput } from './types';

export type ProphetParams = ProphetOptions;

export interface ProphetModel extends DetectorModel {
  kind: 'prophet';
  params: ProphetParams;
  /** the fitted Prophet model; null when the training series was too short or Prophet could not fit it */
  fit: ProphetFit | null;
  /** why `fit` is null */
  reason?: string;
  /** smallest band half-width used in scoring (value units), from the training series */
  floor: number;
}

/**
 * Prophet forecast baseline: Prophet (Taylor & Letham 2018, "Forecasting at scale"; `@bsull/augurs` with
 * Prophet's Stan model compiled to WASM) fitted on the training series: piecewise-linear trend with
 * changepoints, plus daily, weekly and yearly Fourier seasonality when the training data spans two of
 * their periods. Each scored point is predicted from its timestamp alone (so the detector is causal), with
 * Prophet's predictive band at `level`; raw score = |x - expected| in band half-widths on the side x falls
 * (1 = on the band edge). Missing points are not scored.
 *
 * A training series with fewer than 10 present values gives a model that abstains (NaN scores) instead of
 * throwing, so one short series never stops a job. Fit O(n) per optimizer iteration (a few hundred ms
 * for thousands of points); score O(n).
 */
export const prophetDetector: Detector<ProphetParams, ProphetModel> = {
  name: 'prophet',
  family: 'forecast',
  description: 'Prophet forecast band (augurs, trend changepoints + daily/weekly seasonality)',
  defaults: { ...DEFAULT_PROPHET_OPTIONS, level: 0.99 },
  causal: true,
  fit(train: DetectorInput, params: Partial<ProphetParams> = {}): ProphetModel {
    const p = { ...prophetDetector.defaults, ...params };
    const floor = scaleFloor(train.values);
    try {
      const fit = fitProphet(train.timestamps, train.values, train.intervalMs, p);
      return { kind: 'prophet', version: 1, params: p, fit, floor };
    } catch (e) {
      // bad parameters still throw (ParameterError); unusable data makes an abstaining model
      if (!(e instanceof InputError)) throw e;
      return { kind: 'prophet', version: 1, params: p, fit: null, reason: e.message, floor };
    }
  },
  score(model: ProphetModel, input: DetectorInput): DetectorOutput {
    const n = input.values.length;
    const out = emptyOutput(n);
    if (!model.fit || n === 0) return out;
    const band = predictProphet(model.fit, input.timestamps);
    for (let i = 0; i < n; i++) {
      out.expected[i] = band.mean[i];
      out.lower[i] = band.lower[i];
      out.upper[i] = band.upper[i];
      out.score[i] = bandScore(input.values[i], band.mean[i], band.lower[i], band.upper[i], model.floor);
    }
    return out;
  },
};
