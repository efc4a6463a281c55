import { probit } from 'simple-statistics';
import { InputError, ParameterError } from '../core/errors';
import { loadProphetModule, loadProphetOptimizer } from './wasmstan';
import type { Band } from './types';

const DAY_MS = 86_400_000;

/** Options of a Prophet fit (`@bsull/augurs`' port of Facebook Prophet). */
export interface ProphetOptions {
  /** level of the prediction band, in (0, 1) */
  level: number;
  /** daily seasonality: `'auto'` = on when the training data spans >= 2 days at sub-daily spacing */
  daily: 'auto' | boolean;
  /** weekly seasonality: `'auto'` = on when the training data spans >= 2 weeks at sub-weekly spacing */
  weekly: 'auto' | boolean;
  /** yearly seasonality: `'auto'` = on when the training data spans >= 2 years */
  yearly: 'auto' | boolean;
  /** trend: piecewise `linear` with changepoints, or `flat` */
  growth: 'linear' | 'flat';
  /** number of potential trend changepoints, placed uniformly in the first `changepointRange` of the history */
  nChangepoints: number;
  /** share of the history in which changepoints may fall, in (0, 1] */
  changepointRange: number;
  /** Laplace prior scale of the trend changes: larger = more flexible trend */
  changepointPriorScale: number;
  /** prior scale of the Fourier seasonal terms */
  seasonalityPriorScale: number;
  /** how seasonality combines with the trend */
  seasonalityMode: 'additive' | 'multiplicative';
  /** seed of the Stan optimizer */
  seed: number;
}

export const DEFAULT_PROPHET_OPTIONS: ProphetOptions = {
  level: 0.95,
  daily: 'auto',
  weekly: 'auto',
  yearly: 'auto',
  growth: 'linear',
  nChangepoints: 25,
  changepointRange: 0.8,
  changepointPriorScale: 0.05,
  seasonalityPriorScale: 10,
  seasonalityMode: 'additive',
  seed: 42,
};

/**
 * A fitted Prophet model as plain JSON. It holds no training data: the trend's time scale (`start`, `end`),
 * the value scale, the changepoint times and the maximum-likelihood Stan parameters are enough to rebuild the
 * model exactly (augurs recomputes Prophet's features from them).
 */
export interface ProphetFit {
  options: ProphetOptions & { daily: boolean; weekly: boolean; yearly: boolean };
  /** first and last training timestamps, epoch seconds */
  start: number;
  end: number;
  /** signed value of largest magnitude in the training data: Prophet's `absmax` scale */
  yAbsMax: number;
  /** trend changepoints, epoch seconds */
  changepoints: number[];
  /** MLE parameters of Prophet's Stan model, in scaled units */
  params: { k: number; m: number; sigmaObs: number; delta: number[]; beta: number[] };
  /** number of training points used (present values) */
  n: number;
}

/** Minimum present training points for a Prophet fit. */
export const PROPHET_MIN_POINTS = 10;

/** Validate Prophet options. @throws ParameterError naming the bad option */
export function checkProphetOptions(o: ProphetOptions): void {
  const bad = (name: string, v: unknown, why: string) =>
    new ParameterError(`prophet: ${name} ${why}, got ${JSON.stringify(v)}`);
  if (!(o.level > 0 && o.level < 1)) throw bad('level', o.level, 'must be in (0, 1)');
  for (const k of ['daily', 'weekly', 'yearly'] as const) {
    if (o[k] !== 'auto' && typeof o[k] !== 'boolean') throw bad(k, o[k], "must be 'auto', true or false");
  }
  if (o.growth !== 'linear' && o.growth !== 'flat') throw bad('growth', o.growth, "must be 'linear' or 'flat'");
  if (!Number.isInteger(o.nChangepoints) || o.nChangepoints < 0)
    throw bad('nChangepoints', o.nChangepoints, 'must be an integer >= 0');
  if (!(o.changepointRange > 0 && o.changepointRange <= 1))
    throw bad('changepointRange', o.changepointRange, 'must be in (0, 1]');
  if (!(o.changepointPriorScale > 0)) throw bad('changepointPriorScale', o.changepointPriorScale, 'must be > 0');
  if (!(o.seasonalityPriorScale > 0)) throw bad('seasonalityPriorScale', o.seasonalityPriorScale, 'must be > 0');
  if (o.seasonalityMode !== 'additive' && o.seasonalityMode !== 'multiplicative') {
    throw bad('seasonalityMode', o.seasonalityMode, "must be 'additive' or 'multiplicative'");
  }
  if (!Number.isInteger(o.seed) || o.seed < 0) throw bad('seed', o.seed, 'must be an integer >= 0');
}

/**
 * Which calendar seasonalities the data supports, Prophet's own rule: a seasonality is fitted when the history
 * spans at least two of its periods and the spacing is finer than the period.
 *
 * @param spanMs last minus first timestamp, ms
 * @param intervalMs spacing of the points, ms
 */
export function calendarSeasonalities(
  spanMs: number,
  intervalMs: number
): { daily: boolean; weekly: boolean; yearly: boolean } {
  return {
    daily: spanMs >= 2 * DAY_MS && intervalMs < DAY_MS,
    weekly: spanMs >= 14 * DAY_MS && intervalMs < 7 * DAY_MS,
    yearly: spanMs >= 730 * DAY_MS,
  };
}

function augursOptions(o: ProphetFit['options']) {
  const season = (on: boolean) => ({ type: 'manual' as const, enabled: on });
  return {
    intervalWidth: o.level,
    uncertaintySamples: 0,
    growth: o.growth,
    nChangepoints: o.nChangepoints,
    changepointRange: o.changepointRange,
    changepointPriorScale: o.changepointPriorScale,
    seasonalityPriorScale: o.seasonalityPriorScale,
    seasonalityMode: o.seasonalityMode,
    dailySeasonality: season(o.daily),
    weeklySeasonality: season(o.weekly),
    yearlySeasonality: season(o.yearly),
  };
}

/**
 * Fit Prophet (Taylor & Letham 2018, "Forecasting at scale"; `@bsull/augurs` port with Prophet's Stan model
 * compiled to WASM by `@bsull/augurs-prophet-wasmstan`) by maximum likelihood.
 *
 * @param timestamps epoch ms, strictly increasing
 * @param values same length, NaN = missing (dropped, as Prophet does)
 * @param intervalMs spacing of the points (ms), used to decide the calendar seasonalities
 * @param options merged over `DEFAULT_PROPHET_OPTIONS`
 * @returns a JSON model for `predictProphet`
 * @throws ParameterError for invalid options; InputError when fewer than 10 values are present or the
 *   optimizer fails on the data
 */
export function fitProphet(
  timestamps: Float64Array,
  values: Float64Array,
  intervalMs: number,
  options: Partial<ProphetOptions> = {}
): ProphetFit {
  const o = { ...DEFAULT_PROPHET_OPTIONS, ...options };
  checkProphetOptions(o);
  if (timestamps.length !== values.length) {
    throw new InputError(`prophet: ${timestamps.length} timestamps but ${values.length} values`);
  }
  const ds: number[] = [];
  const y: number[] = [];
  for (let i = 0; i < values.length; i++) {
    if (Number.isFinite(values[i])) {
      ds.push(Math.round(timestamps[i] / 1000));
      y.push(values[i]);
    }
  }
  if (y.length < PROPHET_MIN_POINTS) {
    throw new InputError(`prophet: needs at least ${PROPHET_MIN_POINTS} present training values, got ${y.length}`);
  }
  const auto = calendarSeasonalities((ds[ds.length - 1] - ds[0]) * 1000, intervalMs);
  const resolved: ProphetFit['options'] = {
    ...o,
    daily: o.daily === 'auto' ? auto.daily : o.daily,
    weekly: o.weekly === 'auto' ? auto.weekly : o.weekly,
    yearly: o.yearly === 'auto' ? auto.yearly : o.yearly,
  };
  const { Prophet } = loadProphetModule();
  const stan = loadProphetOptimizer();
  let captured: { params: ProphetFit['params']; tChange: number[] } | undefined;
  const optimizer = {
    optimize: (init: Parameters<typeof stan.optimize>[0], data: string, opts: Parameters<typeof stan.optimize>[2]) => {
      const out = stan.optimize(init, data, opts);
      const parsed = JSON.parse(data) as { t_change: number[] };
      captured = {
        params: {
          k: out.params.k,
          m: out.params.m,
          sigmaObs: out.params.sigmaObs,
          delta: Array.from(out.params.delta),
          beta: Array.from(out.params.beta),
        },
        tChange: parsed.t_change,
      };
      return out;
    },
  };
  const model = new Prophet({ optimizer, ...augursOptions(resolved) });
  try {
    model.fit({ ds, y }, { seed: o.seed });
  } catch (e) {
    throw new InputError(`prophet: fit failed: ${e instanceof Error ? e.message : String(e)}`);
  } finally {
    model.free();
  }
  if (!captured) throw new InputError('prophet: the optimizer was not called');
  const start = ds[0];
  const end = ds[ds.length - 1];
  let yAbsMax = 0;
  for (const v of y) if (Math.abs(v) > Math.abs(yAbsMax)) yAbsMax = v;
  return {
    options: resolved,
    start,
    end,
    yAbsMax,
    changepoints: captured.tChange.map((t) => Math.round(start + t * (end - start))),
    params: captured.params,
    n: y.length,
  };
}

/**
 * Predict a fitted Prophet model at any timestamps (history or future).
 *
 * The band is Prophet's predictive interval at `fit.options.level`, computed in closed form instead of by
 * Prophet's Monte Carlo (whose draws augurs does not seed): observation noise sigma plus, past the end of the
 * history, the variance of future trend changes Prophet simulates (changepoints as a Poisson process of rate
 * S per unit of scaled time, Laplace(0, mean|delta|) magnitudes: Var = S·(t-1)^3/3 · 2·lambda^2), combined as
 * a normal. Deterministic; matches augurs' sampled interval within a few percent.
 *
 * @param fit model from `fitProphet`
 * @param timestamps epoch ms, any order
 * @returns `mean`, `lower`, `upper` per timestamp (value units)
 * @throws InputError when augurs rejects the model or the timestamps
 */
export function predictProphet(fit: ProphetFit, timestamps: Float64Array): Band {
  const n = timestamps.length;
  const band: Band = { mean: new Float64Array(n), lower: new Float64Array(n), upper: new Float64Array(n) };
  if (n === 0) return band;
  const { Prophet } = loadProphetModule();
  const replay = {
    optimize: () => ({
      logs: { debug: '', info: '', warn: '', error: '', fatal: '' },
      params: {
        k: fit.params.k,
        m: fit.params.m,
        sigmaObs: fit.params.sigmaObs,
        delta: Float64Array.from(fit.params.delta),
        beta: Float64Array.from(fit.params.beta),
        trend: new Float64Array(3),
      },
    }),
  };
  const model = new Prophet({ optimizer: replay, ...augursOptions(fit.options), changepoints: fit.changepoints });
  let point: number[];
  let multiplicative: number[];
  try {
    // Three points reproduce the time scale (first/last timestamp) and the absmax value scale.
    const mid = Math.round((fit.start + fit.end) / 2);
    const ds = mid > fit.start && mid < fit.end ? [fit.start, mid, fit.end] : [fit.start, fit.end];
    model.fit({ ds, y: ds.map((_, i) => (i === 0 ? fit.yAbsMax : 0)) });
    const pred = model.predict({ ds: Array.from(timestamps, (t) => Math.round(t / 1000)) });
    point = pred.yhat.point;
    multiplicative = pred.multiplicative.point;
  } catch (e) {
    throw new InputError(`prophet: predict failed: ${e instanceof Error ? e.message : String(e)}`);
  } finally {
    model.free();
  }
  const yScale = Math.abs(fit.yAbsMax) > 0 ? Math.abs(fit.yAbsMax) : 1;
  const z = probit(0.5 + fit.options.level / 2);
  const sigma = fit.params.sigmaObs;
  const S = fit.params.delta.length;
  let lambda = 1e-8;
  for (const d of fit.params.delta) lambda += Math.abs(d) / Math.max(1, S);
  const span = fit.end - fit.start;
  for (let i = 0; i < n; i++) {
    const t = span > 0 ? (timestamps[i] / 1000 - fit.start) / span : 0;
    let trendVar = 0;
    if (fit.options.growth === 'linear' && t > 1 && S > 0) {
      trendVar = ((S * (t - 1) ** 3) / 3) * 2 * lambda * lambda;
      if (fit.options.seasonalityMode === 'multiplicative') trendVar *= (1 + (multiplicative[i] ?? 0)) ** 2;
    }
    const half = z * yScale * Math.sqrt(sigma * sigma + trendVar);
    band.mean[i] = point[i];
    band.lower[i] = point[i] - half;
    band.upper[i] = point[i] + half;
  }
  return band;
}
