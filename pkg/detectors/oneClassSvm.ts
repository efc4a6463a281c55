/**
 * One-Class SVM: Schölkopf, Platt, Shawe-Taylor, Smola & Williamson, "Estimating the support of a
 * high-dimensional distribution", Neural Computation 13(7), 2001. With an RBF kernel
 * K(x, y) = exp(-gamma ||x - y||^2) it solves
 *   min_a 1/2 a' Q a   s.t.  0 <= a_i <= 1, sum a_i = nu l   (Q_ij = K(x_i, x_j)),
 * the scaling libsvm and scikit-learn use, and decides f(x) = sum_i a_i K(x_i, x) - rho: f < 0 outside the
 * estimated support. nu (default 0.05) bounds the share of training outliers from above and of support
 * vectors from below.
 *
 * Solver: SMO with second-order working-set selection (Fan, Chen & Lin, "Working set selection using second
 * order information for training SVM", JMLR 6, 2005 — libsvm's solver), on at most `maxTrain` training rows
 * (default 1000, drawn with the seeded PRNG) with kernel columns computed on demand and cached, stopping when the maximal KKT
 * violation is below `tol` (1e-3, as libsvm). gamma 'scale' = 1 / (cols * Var(X)) as scikit-learn.
 *
 * Raw score of a row: 1 - sum_i a_i K(x_i, x) / (nu l), in [0, 1]: 0 at the densest region, 1 far away from
 * every support vector; it decreases monotonically with the decision function (f = (1 - score) nu l - rho).
 */

import { InputError, ParameterError } from '../core/errors';
import { createRng, sampleIndices } from '../core/random';
import {
  applyScaler,
  checkMatrix,
  completeRows,
  fitRobustScaler,
  intParam,
  numParam,
  selectRows,
  type Scaler,
} from '../features/multivariate';
import { windowFeatures } from '../features/windows';
import { refitting, type BatchDetector } from './shared/refit';
import { emptyOutput, type DetectorInput, type DetectorModel, type DetectorOutput } from './types';

/** Options of `fitOneClassSvm`. */
export interface OneClassSvmOptions {
  /** in (0, 1]: upper bound on the share of training outliers (default 0.05) */
  nu: number;
  /** RBF width: 'scale' (1 / (cols Var X)), 'auto' (1 / cols) or a positive number */
  gamma: 'scale' | 'auto' | number;
  /** training rows used at most (subsampled with the seed when more), default 1000 */
  maxTrain: number;
  /** KKT tolerance (default 1e-3) */
  tol: number;
  /** SMO iteration cap (default 100000) */
  maxIter: number;
  seed: number;
}

export const ONE_CLASS_SVM_DEFAULTS: OneClassSvmOptions = {
  nu: 0.05,
  gamma: 'scale',
  maxTrain: 1000,
  tol: 1e-3,
  maxIter: 100000,
  seed: 1,
};

/** A fitted One-Class SVM: support vectors (row-major), their coefficients and rho. Plain JSON. */
export interface OneClassSvmModel {
  kind: 'oneClassSvmModel';
  version: 1;
  cols: number;
  gamma: number;
  nu: number;
  /** number of training rows l (so nu l = sum of coefficients) */
  trainRows: number;
  rho: number;
  /** support vectors, row-major, coefficients.length x cols */
  supportVectors: number[];
  coefficients: number[];
  /** SMO iterations used and whether the KKT tolerance was reached */
  iterations: number;
  converged: boolean;
}

function checkSvmOptions(opts: Partial<OneClassSvmOptions>): OneClassSvmOptions {
  const o = { ...ONE_CLASS_SVM_DEFAULTS, ...opts };
  numParam('oneClassSvm', 'nu', o.nu, 0, 1);
  if (!(
    o.gamma === 'scale' ||
    o.gamma === 'auto' ||
    (typeof o.gamma === 'number' && o.gamma > 0 && Number.isFinite(o.gamma))
  )) {
    throw new ParameterError(
      `oneClassSvm: gamma must be 'scale', 'auto' or a positive number, got ${JSON.stringify(o.gamma)}`
    );
  }
  intParam('oneClassSvm', 'maxTrain', o.maxTrain, 2, 5000);
  numParam('oneClassSvm', 'tol', o.tol, 0, 1);
  intParam('oneClassSvm', 'maxIter', o.maxIter, 1);
  numParam('oneClassSvm', 'seed', o.seed, -Infinity, Infinity);
  return o;
}

/**
 * Fit a One-Class SVM on the complete rows of a row-major matrix (scale features first: the RBF kernel is not
 * scale invariant). O(columns used x l x cols) for the kernel plus O(l) per SMO iteration, l <= maxTrain (<= 5000).
 *
 * @param matrix rows x cols, row-major; not mutated
 * @throws InputError for a shape mismatch or fewer than 2 complete rows; ParameterError for bad options
 */
export function fitOneClassSvm(
  matrix: Float64Array,
  rows: number,
  cols: number,
  opts: Partial<OneClassSvmOptions> = {}
): OneClassSvmModel {
  checkMatrix(matrix, rows, cols, 'oneClassSvm');
  const o = checkSvmOptions(opts);
  const full = selectRows(matrix, rows, cols, completeRows(matrix, rows, cols));
  if (full.rows < 2) throw new InputError(`oneClassSvm: need at least 2 complete rows to fit, got ${full.rows}`);
  let X = full.data;
  let l = full.rows;
  if (l > o.maxTrain) {
    const pick = sampleIndices(createRng(o.seed), l, o.maxTrain);
    pick.sort();
    const sub = new Float64Array(o.maxTrain * cols);
    for (let i = 0; i < pick.length; i++) sub.set(X.subarray(pick[i] * cols, (pick[i] + 1) * cols), i * cols);
    X = sub;
    l = o.maxTrain;
  }
  let gamma: number;
  if (typeof o.gamma === 'number') gamma = o.gamma;
  else if (o.gamma === 'auto') gamma = 1 / cols;
  else {
    let s = 0;
    for (let i = 0; i < X.length; i++) s += X[i];
    const mean = s / X.length;
    let v = 0;
    for (let i = 0; i < X.length; i++) v += (X[i] - mean) ** 2;
    v /= X.length;
    gamma = v > 0 ? 1 / (cols * v) : 1;
  }
  // kernel columns, computed on first use and kept (libsvm-style caching without eviction): SMO touches only the
  // columns of its working pairs and of the initially non-zero alphas, usually a small share of the l x l matrix
  const columns: (Float64Array | null)[] = new Array<Float64Array | null>(l).fill(null);
  const column = (i: number): Float64Array => {
    let col = columns[i];
    if (col) return col;
    col = new Float64Array(l);
    const oi = i * cols;
    for (let t = 0; t < l; t++) {
      let d = 0;
      const ot = t * cols;
      for (let c = 0; c < cols; c++) {
        const v = X[oi + c] - X[ot + c];
        d += v * v;
      }
      col[t] = Math.exp(-gamma * d);
    }
    col[i] = 1;
    columns[i] = col;
    return col;
  };
  // initial feasible point (libsvm): the first floor(nu l) alphas at 1, the next one at the remainder
  const alpha = new Float64Array(l);
  const nuL = o.nu * l;
  const nFull = Math.floor(nuL);
  for (let i = 0; i < Math.min(nFull, l); i++) alpha[i] = 1;
  if (nFull < l) alpha[nFull] = nuL - nFull;
  const G = new Float64Array(l);
  for (let i = 0; i < l; i++) {
    if (alpha[i] === 0) continue;
    const a = alpha[i];
    const qi = column(i);
    for (let j = 0; j < l; j++) G[j] += a * qi[j];
  }
  const TAU = 1e-12;
  let iter = 0;
  let converged = false;
  for (; iter < o.maxIter; iter++) {
    // i: argmax over alpha < 1 of -G; j: second-order choice among alpha > 0
    let gmax = -Infinity;
    let i = -1;
    for (let t = 0; t < l; t++) {
      if (alpha[t] < 1 && -G[t] >= gmax) {
        gmax = -G[t];
        i = t;
      }
    }
    let gmax2 = -Infinity;
    let j = -1;
    let objMin = Infinity;
    const qi = i >= 0 ? column(i) : null;
    for (let t = 0; t < l; t++) {
      if (alpha[t] <= 0) continue;
      if (G[t] >= gmax2) gmax2 = G[t];
      if (!qi) continue;
      const diff = gmax + G[t];
      if (diff > 0) {
        let quad = 2 - 2 * qi[t];
        if (quad <= 0) quad = TAU;
        const obj = -(diff * diff) / quad;
        if (obj <= objMin) {
          objMin = obj;
          j = t;
        }
      }
    }
    if (gmax + gmax2 < o.tol || i < 0 || j < 0) {
      converged = true;
      break;
    }
    // two-variable update keeping alpha_i + alpha_j fixed, clipped to [0, 1]
    const oldAi = alpha[i];
    const oldAj = alpha[j];
    const Qi = column(i);
    const Qj = column(j);
    let quad = 2 - 2 * Qi[j];
    if (quad <= 0) quad = TAU;
    const delta = (G[i] - G[j]) / quad;
    const sum = oldAi + oldAj;
    let ai = oldAi - delta;
    let aj = oldAj + delta;
    if (sum > 1) {
      if (ai > 1) {
        ai = 1;
        aj = sum - 1;
      }
    } else if (aj < 0) {
      aj = 0;
      ai = sum;
    }
    if (sum > 1) {
      if (aj > 1) {
        aj = 1;
        ai = sum - 1;
      }
    } else if (ai < 0) {
      ai = 0;
      aj = sum;
    }
    alpha[i] = ai;
    alpha[j] = aj;
    const dai = ai - oldAi;
    const daj = aj - oldAj;
    for (let t = 0; t < l; t++) G[t] += Qi[t] * dai + Qj[t] * daj;
  }
  // rho: mean gradient over free alphas, else the midpoint of the feasible interval (libsvm calculate_rho)
  let ub = Infinity;
  let lb = -Infinity;
  let nFree = 0;
  let sumFree = 0;
  for (let t = 0; t < l; t++) {
    if (alpha[t] >= 1) lb = Math.max(lb, G[t]);
    else if (alpha[t] <= 0) ub = Math.min(ub, G[t]);
    else {
      nFree++;
      sumFree += G[t];
    }
  }
  const rho = nFree > 0 ? sumFree / nFree : (ub + lb) / 2;
  const supportVectors: number[] = [];
  const coefficients: number[] = [];
  for (let t = 0; t < l; t++) {
    if (alpha[t] <= 0) continue;
    coefficients.push(alpha[t]);
    for (let c = 0; c < cols; c++) supportVectors.push(X[t * cols + c]);
  }
  return {
    kind: 'oneClassSvmModel',
    version: 1,
    cols,
    gamma,
    nu: o.nu,
    trainRows: l,
    rho,
    supportVectors,
    coefficients,
    iterations: iter,
    converged,
  };
}

/**
 * Decision function f(x) = sum_i a_i K(x_i, x) - rho per row (negative = outside the learnt support) and the
 * raw anomaly score 1 - sum_i a_i K(x_i, x) / (nu l) in [0, 1]. NaN for rows with a non-finite cell.
 *
 * @throws InputError on a shape mismatch or a column count different from the model's
 */
export function scoreOneClassSvm(
  model: OneClassSvmModel,
  matrix: Float64Array,
  rows: number,
  cols: number
): { decision: Float64Array; score: Float64Array } {
  checkMatrix(matrix, rows, cols, 'oneClassSvm');
  if (cols !== model.cols) throw new InputError(`oneClassSvm: model was fitted on ${model.cols} columns, got ${cols}`);
  const sv = Float64Array.from(model.supportVectors);
  const coef = Float64Array.from(model.coefficients);
  const nsv = coef.length;
  let total = 0;
  for (let i = 0; i < nsv; i++) total += coef[i];
  const decision = new Float64Array(rows);
  const score = new Float64Array(rows);
  const g = model.gamma;
  for (let r = 0; r < rows; r++) {
    let ok = true;
    for (let c = 0; c < cols; c++) if (!Number.isFinite(matrix[r * cols + c])) ok = false;
    if (!ok) {
      decision[r] = NaN;
      score[r] = NaN;
      continue;
    }
    let s = 0;
    for (let i = 0; i < nsv; i++) {
      let d = 0;
      for (let c = 0; c < cols; c++) {
        const t = matrix[r * cols + c] - sv[i * cols + c];
        d += t * t;
      }
      s += coef[i] * Math.exp(-g * d);
    }
    decision[r] = s - model.rho;
    score[r] = total > 0 ? Math.max(0, 1 - s / total) : NaN;
  }
  return { decision, score };
}

/** Parameters of the `oneClassSvm` detector. */
export interface OneClassSvmParams {
  /** sliding-window context in points for the features (default 12) */
  window: number;
  nu: number;
  gamma: 'scale' | 'auto' | number;
  maxTrain: number;
  seed: number;
}

/** The `oneClassSvm` detector's model: the feature scaler and the SVM. */
export interface OneClassSvmDetectorModel extends DetectorModel {
  kind: 'oneClassSvm';
  version: 1;
  params: OneClassSvmParams;
  scaler: Scaler;
  /** null when the training series was too short or sparse to fit (see `untrained`): every score is NaN */
  svm: OneClassSvmModel | null;
  /** why no SVM was fitted */
  untrained?: string;
}

/**
 * The `oneClassSvm` detector: a One-Class SVM over robust-scaled `windowFeatures` of the series; raw score
 * 1 - sum a K / (nu l) (see the file header). No expected value or band. Causal. A training series too short
 * or sparse for the window gives a model that judges no point (all NaN, the reason in `untrained`).
 */
export const oneClassSvmBatch: BatchDetector<OneClassSvmParams, OneClassSvmDetectorModel> = {
  name: 'oneClassSvm',
  family: 'multivariate',
  description: 'One-Class SVM (Schölkopf et al. 2001, RBF kernel) over sliding-window features',
  defaults: { window: 12, nu: 0.05, gamma: 'scale', maxTrain: 1000, seed: 1 },
  params(params: Partial<OneClassSvmParams>): OneClassSvmParams {
    const p = { ...oneClassSvmBatch.defaults, ...params };
    intParam('oneClassSvm', 'window', p.window, 2, 10000);
    return p;
  },
  fit(train: DetectorInput, params: Partial<OneClassSvmParams> = {}): OneClassSvmDetectorModel {
    const p = { ...oneClassSvmBatch.defaults, ...params };
    intParam('oneClassSvm', 'window', p.window, 2, 10000);
    const fm = windowFeatures(train.values, p.window);
    const scaler = fitRobustScaler(fm.data, fm.rows, fm.cols);
    const scaled = applyScaler(scaler, fm.data, fm.rows, fm.cols);
    let svm: OneClassSvmModel;
    try {
      svm = fitOneClassSvm(scaled, fm.rows, fm.cols, { nu: p.nu, gamma: p.gamma, maxTrain: p.maxTrain, seed: p.seed });
    } catch (e) {
      if (!(e instanceof InputError)) throw e;
      const untrained = `training series too short or too sparse for window ${p.window} (${e.message})`;
      return { kind: 'oneClassSvm', version: 1, params: p, scaler, svm: null, untrained };
    }
    return { kind: 'oneClassSvm', version: 1, params: p, scaler, svm };
  },
  score(model: OneClassSvmDetectorModel, input: DetectorInput): DetectorOutput {
    const out = emptyOutput(input.values.length);
    if (!model.svm) return out;
    const fm = windowFeatures(input.values, model.params.window);
    const scaled = applyScaler(model.scaler, fm.data, fm.rows, fm.cols);
    out.score.set(scoreOneClassSvm(model.svm, scaled, fm.rows, fm.cols).score);
    return out;
  },
};

/**
 * The streaming `oneClassSvm` detector: refitted every 288 points on the last 2,000, each new point's feature
 * window judged by the SVM decision function. O(window + support vectors · features) per point.
 */
export const oneClassSvmDetector = refitting(oneClassSvmBatch, (p) => ({
  history: 2000,
  refitEvery: 288,
  minHistory: Math.max(64, 4 * p.window),
  context: p.window + 1,
}));
