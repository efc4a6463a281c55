import { checkParam, forEachTrailingWindow, scaleFloor } from './rolling';
import { withSeason } from './seasonalDifference';
import { emptyOutput, type Detector, type DetectorInput, type DetectorModel, type DetectorOutput } from './types';

export interface MadParams {
  /** trailing window in points */
  window: number;
  /** band half-width in robust standard deviations (1.4826 · MAD) */
  k: number;
  minPoints: number;
  /** season length in points: judge residuals against the same phase of past seasons (0 = none) */
  season: number;
}

export interface MadModel extends DetectorModel {
  kind: 'mad';
  params: MadParams;
  floor: number;
}

/** Consistency constant making the MAD estimate the standard deviation of normal data. */
const MAD_TO_SD = 1.4826;

/**
 * Robust rolling MAD: each point against the median and median absolute deviation of the `window` points
 * before it. Raw score |x - median| / (1.4826 · MAD); expected = median, band = median ± k · 1.4826 · MAD.
 *
 * Method: Hampel's identifier (Hampel 1974; Leys et al., "Detecting outliers: Do not use standard deviation
 * around the mean, use absolute deviation around the median", J. Exp. Soc. Psych. 2013). O(n · window).
 */
export const madDetector: Detector<MadParams, MadModel> = {
  name: 'mad',
  family: 'statistical',
  description: 'robust rolling median and median absolute deviation (Hampel identifier)',
  defaults: { window: 60, k: 3.5, minPoints: 10, season: 0 },
  causal: true,
  fit(train: DetectorInput, params: Partial<MadParams> = {}): MadModel {
    const p = { ...madDetector.defaults, ...params };
    checkParam('mad', 'window', p.window, 3, true);
    checkParam('mad', 'k', p.k, 0);
    checkParam('mad', 'season', p.season, 0, true);
    checkParam('mad', 'minPoints', p.minPoints, 2, true);
    return { kind: 'mad', version: 1, params: p, floor: scaleFloor(train.values) };
  },
  score(model: MadModel, input: DetectorInput): DetectorOutput {
    const { window, k, minPoints, season } = model.params;
    return withSeason(input.values, season, (values) => {
      const out = emptyOutput(values.length);
      const need = Math.min(minPoints, window);
      forEachTrailingWindow(values, window, (i, w) => {
        if (w.size < need) return;
        const med = w.quantile(0.5);
        const sd = Math.max(MAD_TO_SD * w.mad(med), model.floor);
        out.expected[i] = med;
        out.lower[i] = med - k * sd;
        out.upper[i] = med + k * sd;
        const x = values[i];
        if (!Number.isNaN(x)) out.score[i] = Math.abs(x - med) / sd;
      });
      return out;
    });
  },
};
