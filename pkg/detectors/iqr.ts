import { checkParam, forEachTrailingWindow, scaleFloor } from './rolling';
import { withSeason } from './seasonalDifference';
import { emptyOutput, type Detector, type DetectorInput, type DetectorModel, type DetectorOutput } from './types';

export interface IqrParams {
  /** trailing window in points */
  window: number;
  /** fence distance in interquartile ranges (Tukey: 1.5) */
  fence: number;
  minPoints: number;
  /** season length in points: judge residuals against the same phase of past seasons (0 = none) */
  season: number;
}

export interface IqrModel extends DetectorModel {
  kind: 'iqr';
  params: IqrParams;
  floor: number;
}

/**
 * Rolling interquartile range: each point against the quartiles of the `window` points before it.
 * Raw score = distance beyond the nearer quartile in IQRs (0 between the quartiles); expected = median,
 * band = Tukey's fences Q1 - fence·IQR .. Q3 + fence·IQR.
 *
 * Method: Tukey's fences (J. W. Tukey, Exploratory Data Analysis, 1977). O(n · window).
 */
export const iqrDetector: Detector<IqrParams, IqrModel> = {
  name: 'iqr',
  family: 'statistical',
  description: "rolling interquartile range with Tukey's fences",
  defaults: { window: 60, fence: 1.5, minPoints: 10, season: 0 },
  causal: true,
  fit(train: DetectorInput, params: Partial<IqrParams> = {}): IqrModel {
    const p = { ...iqrDetector.defaults, ...params };
    checkParam('iqr', 'window', p.window, 4, true);
    checkParam('iqr', 'fence', p.fence, 0);
    checkParam('iqr', 'season', p.season, 0, true);
    checkParam('iqr', 'minPoints', p.minPoints, 4, true);
    return { kind: 'iqr', version: 1, params: p, floor: scaleFloor(train.values) };
  },
  score(model: IqrModel, input: DetectorInput): DetectorOutput {
    const { window, fence, minPoints, season } = model.params;
    return withSeason(input.values, season, (values) => {
      const out = emptyOutput(values.length);
      const need = Math.min(minPoints, window);
      forEachTrailingWindow(values, window, (i, w) => {
        if (w.size < need) return;
        const q1 = w.quantile(0.25);
        const q3 = w.quantile(0.75);
        const range = Math.max(q3 - q1, model.floor);
        out.expected[i] = w.quantile(0.5);
        out.lower[i] = q1 - fence * range;
        out.upper[i] = q3 + fence * range;
        const x = values[i];
        if (!Number.isNaN(x)) out.score[i] = Math.max(0, (x - q3) / range, (q1 - x) / range);
      });
      return out;
    });
  },
};
