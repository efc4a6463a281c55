import { checkParam, scaleFloor } from './rolling';
import { withSeason } from './seasonalDifference';
import { emptyOutput, type Detector, type DetectorInput, type DetectorModel, type DetectorOutput } from './types';

export interface ZScoreParams {
  /** trailing window in points */
  window: number;
  /** band half-width in standard deviations */
  k: number;
  /** points the window must hold before a point is judged */
  minPoints: number;
  /** season length in points: judge residuals against the same phase of past seasons (0 = none) */
  season: number;
}

export interface ZScoreModel extends DetectorModel {
  kind: 'zscore';
  params: ZScoreParams;
  /** smallest standard deviation used, from the training series (value units) */
  floor: number;
}

/**
 * Rolling z-score: each point against the mean and standard deviation of the `window` points before it.
 * Raw score |x - mean| / sd; expected = mean, band = mean ± k·sd.
 *
 * Method: the classic Shewhart-style control limit on a moving window (NIST/SEMATECH e-Handbook of
 * Statistical Methods, 6.3.2). O(n) with running sums over the window.
 */
export const zscoreDetector: Detector<ZScoreParams, ZScoreModel> = {
  name: 'zscore',
  family: 'statistical',
  description: 'rolling z-score against the trailing window mean and standard deviation',
  defaults: { window: 60, k: 3, minPoints: 10, season: 0 },
  causal: true,
  fit(train: DetectorInput, params: Partial<ZScoreParams> = {}): ZScoreModel {
    const p = { ...zscoreDetector.defaults, ...params };
    checkParam('zscore', 'window', p.window, 3, true);
    checkParam('zscore', 'k', p.k, 0);
    checkParam('zscore', 'season', p.season, 0, true);
    checkParam('zscore', 'minPoints', p.minPoints, 2, true);
    return { kind: 'zscore', version: 1, params: p, floor: scaleFloor(train.values) };
  },
  score(model: ZScoreModel, input: DetectorInput): DetectorOutput {
    const { window, k, minPoints, season } = model.params;
    return withSeason(input.values, season, (values) => {
      const out = emptyOutput(values.length);
      // running sums over the trailing window of present values
      let sum = 0;
      let sumSq = 0;
      let count = 0;
      const need = Math.min(minPoints, window);
      for (let i = 0; i < values.length; i++) {
        if (i - window - 1 >= 0 && !Number.isNaN(values[i - window - 1])) {
          const o = values[i - window - 1];
          sum -= o;
          sumSq -= o * o;
          count--;
        }
        if (i >= 1 && !Number.isNaN(values[i - 1])) {
          const pv = values[i - 1];
          sum += pv;
          sumSq += pv * pv;
          count++;
        }
        if (count < need) continue;
        const mean = sum / count;
        const variance = Math.max(0, (sumSq - count * mean * mean) / Math.max(1, count - 1));
        const sd = Math.max(Math.sqrt(variance), model.floor);
        out.expected[i] = mean;
        out.lower[i] = mean - k * sd;
        out.upper[i] = mean + k * sd;
        const x = values[i];
        if (!Number.isNaN(x)) out.score[i] = Math.abs(x - mean) / sd;
      }
      return out;
    });
  },
};
