import { checkParam, forEachTrailingWindow, medianOf } from './rolling';
import { emptyOutput, type Detector, type DetectorInput, type DetectorModel, type DetectorOutput } from './types';

export interface SpikeParams {
  /** points forming the recent level (short: a spike is sudden against it) */
  window: number;
  /** relative change to the level that the band allows (1 = the value may double or halve to zero) */
  ratio: number;
  minPoints: number;
}

export interface SpikeModel extends DetectorModel {
  kind: 'spike';
  params: SpikeParams;
  /** smallest level used as denominator: 10% of the median absolute training value (value units) */
  floor: number;
}

/**
 * Spike detector: the ratio of a point's change to its recent level. Recent level = median of the `window`
 * points before it; raw score = |x - level| / max(|level|, floor). Expected = level, band = level ± ratio·|level|.
 * Catches sudden jumps and drops relative to the current level, which scale-based detectors miss on busy
 * series and over-flag on quiet ones.
 *
 * Method: relative-change (percent-change) thresholding as used by spike rules in monitoring systems, e.g.
 * Etsy Skyline's `median_absolute_deviation`/`first_hour_average` family and Grafana's spike alerts. O(n · window).
 */
export const spikeDetector: Detector<SpikeParams, SpikeModel> = {
  name: 'spike',
  family: 'statistical',
  description: 'sudden change relative to the recent level (median of the last few points)',
  defaults: { window: 12, ratio: 1, minPoints: 3 },
  causal: true,
  fit(train: DetectorInput, params: Partial<SpikeParams> = {}): SpikeModel {
    const p = { ...spikeDetector.defaults, ...params };
    checkParam('spike', 'window', p.window, 1, true);
    checkParam('spike', 'ratio', p.ratio, 0);
    checkParam('spike', 'minPoints', p.minPoints, 1, true);
    const abs = Float64Array.from(train.values, Math.abs);
    const m = medianOf(abs);
    return { kind: 'spike', version: 1, params: p, floor: Math.max(1e-9, Number.isNaN(m) ? 0 : 0.1 * m) };
  },
  score(model: SpikeModel, input: DetectorInput): DetectorOutput {
    const { window, ratio, minPoints } = model.params;
    const { values } = input;
    const out = emptyOutput(values.length);
    const need = Math.min(minPoints, window);
    forEachTrailingWindow(values, window, (i, w) => {
      if (w.size < need) return;
      const level = w.quantile(0.5);
      const denom = Math.max(Math.abs(level), model.floor);
      out.expected[i] = level;
      out.lower[i] = level - ratio * denom;
      out.upper[i] = level + ratio * denom;
      const x = values[i];
      if (!Number.isNaN(x)) out.score[i] = Math.abs(x - level) / denom;
    });
    return out;
  },
};
