import { ParameterError } from '../../core/errors';
import { bandScore } from '../../forecast/band';
import { batchScaleFloor, checkParam } from '../rolling';
import type {
  CalibrationMethod,
  Detector,
  DetectorFamily,
  DetectorInput,
  DetectorModel,
  DetectorOutput,
  DetectorState,
  PointScore,
  StreamContext,
} from '../types';
import { createRing, pushRing, type Ring } from './ring';

/**
 * A detector with a heavy fit, in batch form: `fit` learns a model from a stretch of history, and either `forecast`
 * predicts the band of the next points from it, or `score` scores every point of an input (a point's score may use
 * the points before it in that input, e.g. its feature window). `refitting` turns it into a streaming detector.
 */
export interface BatchDetector<P extends object, M extends DetectorModel> {
  readonly name: string;
  readonly family: DetectorFamily;
  readonly description: string;
  readonly defaults: P;
  readonly calibration?: CalibrationMethod;
  /** merge over the defaults and validate; @throws ParameterError */
  params(params: Partial<P>): P;
  /** learn from past points only; a model that abstains (scores NaN) when the history cannot be fitted */
  fit(history: DetectorInput, params: P): M;
  /** expected value and band of the points at `timestamps`, which follow `history` (forecasting detectors) */
  forecast?(
    model: M,
    history: DetectorInput,
    timestamps: Float64Array
  ): { mean: ArrayLike<number>; lower: ArrayLike<number>; upper: ArrayLike<number> } | null;
  /** score every point of `input` (detectors that judge a point by its recent window) */
  score?(model: M, input: DetectorInput): DetectorOutput;
}

/** When a batch detector refits, and on how much history. */
export interface RefitSchedule {
  /** points of history kept and fitted on */
  history: number;
  /** points scored between refits */
  refitEvery: number;
  /** present points needed before the first fit */
  minHistory: number;
  /** trailing points passed to `score` to judge the newest point (window detectors) */
  context: number;
}

/** Parameters every refitting detector accepts on top of its own (the schedule, overriding its defaults). */
export interface RefitParams {
  refitHistory?: number;
  refitEvery?: number;
}

export interface RefitState<P, M> extends DetectorState {
  params: P;
  schedule: RefitSchedule;
  intervalMs: number;
  /** the last `schedule.history` values */
  history: Ring;
  present: number;
  /** timestamp of the newest point, epoch ms */
  last: number;
  model: M | null;
  /** points scored since the last fit */
  sinceFit: number;
  /** forecast band of the points after the last fit (forecasting detectors) */
  band: { mean: Float64Array; lower: Float64Array; upper: Float64Array } | null;
  /** smallest band half-width used in scores (value units) */
  floor: number;
}

/**
 * Make a streaming detector of a batch detector: the stream keeps the last `history` points; the first fit happens
 * once `minHistory` are present and then every `refitEvery` points, always on past points only. Forecasting
 * detectors forecast the band of the next `refitEvery` points at each fit and score each arriving point against it
 * (raw score = distance beyond the band in band half-widths, 1 = on the edge); window detectors score the newest
 * point from the trailing `context` points with the current model. Per point: O(1) for forecasts, O(context) for
 * windows, plus the fit's cost once every `refitEvery` points. Method: rolling-origin evaluation (Tashman,
 * "Out-of-sample tests of forecasting accuracy", IJF 2000) turned into online scoring.
 *
 * @param batch the batch form
 * @param schedule the default schedule for the given parameters (user parameters `refitHistory` and `refitEvery`
 *   override it)
 */
export function refitting<P extends object, M extends DetectorModel>(
  batch: BatchDetector<P, M>,
  schedule: (p: P) => RefitSchedule
): Detector<P & RefitParams, RefitState<P, M>> {
  if (!batch.forecast && !batch.score) throw new ParameterError(`${batch.name}: needs forecast or score`);
  return {
    name: batch.name,
    family: batch.family,
    description: batch.description,
    defaults: batch.defaults as P & RefitParams,
    calibration: batch.calibration,
    init(params: Partial<P & RefitParams>, context: StreamContext): RefitState<P, M> {
      const { refitHistory, refitEvery, ...own } = params as Partial<P> & RefitParams;
      const p = batch.params(own as Partial<P>);
      const s = { ...schedule(p) };
      if (refitHistory !== undefined) s.history = checkParam(batch.name, 'refitHistory', refitHistory, 2, true);
      if (refitEvery !== undefined) s.refitEvery = checkParam(batch.name, 'refitEvery', refitEvery, 1, true);
      s.minHistory = Math.min(s.minHistory, s.history);
      s.context = Math.min(s.context, s.history);
      return {
        kind: batch.name,
        version: 1,
        params: p,
        schedule: s,
        intervalMs: context.intervalMs,
        history: createRing(s.history),
        present: 0,
        last: NaN,
        model: null,
        sinceFit: 0,
        band: null,
        floor: 1e-9,
      };
    },
    update(state: RefitState<P, M>, t: number, x: number, out: PointScore): void {
      const s = state.schedule;
      // score the point with the model fitted on the points before it
      if (state.model && batch.forecast && state.band && state.sinceFit < state.band.mean.length) {
        const k = state.sinceFit;
        const e = state.band.mean[k];
        out.expected = e;
        out.lower = state.band.lower[k];
        out.upper = state.band.upper[k];
        if (!Number.isNaN(x)) out.score = bandScore(x, e, out.lower, out.upper, state.floor);
      }
      const old = pushRing(state.history, x);
      if (!Number.isNaN(old)) state.present--;
      if (!Number.isNaN(x)) state.present++;
      state.last = t;
      if (state.model && !batch.forecast && batch.score && !Number.isNaN(x)) {
        const recent = trailing(state, s.context);
        const o = batch.score(state.model, recent);
        const i = recent.values.length - 1;
        out.score = o.score[i];
        out.expected = o.expected[i];
        out.lower = o.lower[i];
        out.upper = o.upper[i];
      }
      state.sinceFit++;
      const due = state.model ? state.sinceFit >= s.refitEvery : state.present >= s.minHistory;
      if (!due) return;
      const history = trailing(state, s.history);
      state.model = batch.fit(history, state.params);
      state.sinceFit = 0;
      state.floor = batchScaleFloor(history.values);
      if (batch.forecast) {
        const timestamps = new Float64Array(s.refitEvery);
        for (let k = 0; k < s.refitEvery; k++) timestamps[k] = t + (k + 1) * state.intervalMs;
        let band: ReturnType<NonNullable<typeof batch.forecast>>;
        try {
          band = batch.forecast(state.model, history, timestamps);
        } catch {
          band = null; // a history the method cannot forecast: abstain until the next fit
        }
        state.band = band
          ? {
              mean: Float64Array.from(band.mean),
              lower: Float64Array.from(band.lower),
              upper: Float64Array.from(band.upper),
            }
          : null;
      }
    },
  };
}

/** The last `length` points of the stream as a regular input (timestamps back from the newest). */
function trailing<P, M>(state: RefitState<P, M>, length: number): DetectorInput {
  const ring = state.history;
  const n = Math.min(length, ring.filled);
  const values = new Float64Array(n);
  const timestamps = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const back = n - 1 - i;
    values[i] = ring.values[(ring.head - 1 - back + 2 * ring.values.length) % ring.values.length];
    timestamps[i] = state.last - back * state.intervalMs;
  }
  return { timestamps, values, intervalMs: state.intervalMs };
}
