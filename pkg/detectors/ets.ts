import { InputError } from '../core/errors';
import { bandScore } from '../forecast/band';
import { etsForecast } from '../forecast/ets';
import { checkParam, scaleFloor } from './rolling';
import { emptyOutput, type Detector, type DetectorInput, type DetectorModel, type DetectorOutput } from './types';
import { ParameterError } from '../core/errors';

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
  /** smallest band half-width used in scoring (value units), from the training series */
  floor: number;
  /** the last `window` training values (null = missing) and the last training timestamp (epoch ms), so scoring
   * a series that starts right after training needs no warm-up */
  context: { end: number; intervalMs: number; values: (number | null)[] } | null;
}

/**
 * ETS forecast baseline by rolling-origin forecasting: every `refitEvery` points, AutoETS (automatic
 * exponential smoothing state-space model selection by AICc; Hyndman, Koehler, Snyder & Grose 2002; via
 * `@bsull/augurs`, non-seasonal models) is fitted on the trailing `window` points and forecasts the next
 * `refitEvery` points with a prediction band at `level`. Raw score = |x - expected| in band half-widths on the
 * side x falls (1 = on the band edge). Causal: a point's forecast uses only earlier points. The model keeps
 * the tail of the training series as context, so an input that continues the training series is scored from
 * its first point; otherwise the first `minHistory` present points are warm-up (NaN).
 *
 * Cost: one AutoETS fit (O(window) per candidate model) per `refitEvery` points.
 */
export const etsDetector: Detector<EtsParams, EtsModel> = {
  name: 'ets',
  family: 'forecast',
  description: 'AutoETS rolling-origin forecast band (augurs)',
  defaults: { level: 0.99, window: 480, refitEvery: 24, minHistory: 30 },
  causal: true,
  fit(train: DetectorInput, params: Partial<EtsParams> = {}): EtsModel {
    const p = { ...etsDetector.defaults, ...params };
    if (!(p.level > 0 && p.level < 1))
      throw new ParameterError(`ets: level must be in (0, 1), got ${JSON.stringify(p.level)}`);
    checkParam('ets', 'minHistory', p.minHistory, 10, true);
    checkParam('ets', 'window', p.window, p.minHistory, true);
    checkParam('ets', 'refitEvery', p.refitEvery, 1, true);
    const n = train.values.length;
    const tail = train.values.subarray(Math.max(0, n - p.window));
    const context =
      n > 0
        ? {
            end: train.timestamps[n - 1],
            intervalMs: train.intervalMs,
            values: Array.from(tail, (v) => (Number.isFinite(v) ? v : null)),
          }
        : null;
    return { kind: 'ets', version: 1, params: p, floor: scaleFloor(train.values), context };
  },
  score(model: EtsModel, input: DetectorInput): DetectorOutput {
    const { level, window, refitEvery, minHistory } = model.params;
    const n = input.values.length;
    const out = emptyOutput(n);
    if (n === 0) return out;
    // history = training context (when the input continues it on the same grid) + the input
    let prefix: number[] = [];
    const ctx = model.context;
    if (ctx && ctx.intervalMs === input.intervalMs) {
      const gap = Math.round((input.timestamps[0] - ctx.end) / input.intervalMs) - 1;
      if (gap >= 0 && gap < window)
        prefix = [...ctx.values.map((v) => (v === null ? NaN : v)), ...new Array<number>(gap).fill(NaN)];
    }
    const offset = prefix.length;
    const all = new Float64Array(offset + n);
    all.set(prefix);
    all.set(input.values, offset);
    // first origin: where the trailing window first holds minHistory present points, and not before the input
    let present = 0;
    let b = 0;
    while (b < all.length && present < minHistory) {
      if (Number.isFinite(all[b])) present++;
      b++;
    }
    if (present < minHistory) return out;
    b = Math.max(b, offset);
    for (; b < all.length; b += refitEvery) {
      const history = all.subarray(Math.max(0, b - window), b);
      let count = 0;
      for (let i = 0; i < history.length; i++) if (Number.isFinite(history[i])) count++;
      if (count < minHistory) continue;
      const h = Math.min(refitEvery, all.length - b);
      let band;
      try {
        band = etsForecast(history, h, level);
      } catch (e) {
        if (e instanceof InputError) continue; // no ETS model fits this window: abstain on its block
        throw e;
      }
      for (let j = 0; j < h; j++) {
        const i = b + j - offset;
        out.expected[i] = band.mean[j];
        out.lower[i] = band.lower[j];
        out.upper[i] = band.upper[j];
        out.score[i] = bandScore(input.values[i], band.mean[j], band.lower[j], band.upper[j], model.floor);
      }
    }
    return out;
  },
};
