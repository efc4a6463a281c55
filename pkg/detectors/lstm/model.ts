import { ParameterError } from '../../core/errors';
import type { DetectorModel } from '../types';

/** Parameters of the LSTM forecaster. */
export interface LstmParams {
  /** points of history per prediction (the input sequence length) */
  lookback: number;
  /** LSTM hidden units */
  units: number;
  /** training epochs at most */
  maxEpochs: number;
  /** wall-clock budget of training in ms, checked between epochs; used by `trainLstm` only (the pure `fit`
   * is bounded by `maxEpochs` alone so it stays deterministic) */
  budgetMs: number;
  /** mini-batch size */
  batchSize: number;
  /** Adam learning rate */
  learningRate: number;
  /** at most this many (most recent) training windows are used */
  maxWindows: number;
  /** band half-width = mean + k·std of the absolute training prediction errors */
  k: number;
  /** seed of weight initialisation and batch shuffling */
  seed: number;
}

export const DEFAULT_LSTM_PARAMS: LstmParams = {
  lookback: 10,
  units: 16,
  maxEpochs: 20,
  budgetMs: 60_000,
  batchSize: 64,
  learningRate: 0.01,
  maxWindows: 2000,
  k: 3,
  seed: 42,
};

/**
 * Weights of a one-layer LSTM (Keras/tfjs layout, gate order input, forget, cell, output; sigmoid gates, tanh
 * cell) followed by a dense layer to one output, as plain arrays.
 */
export interface LstmWeights {
  /** input kernel, 4·units (one input feature) */
  kernel: number[];
  /** recurrent kernel, units × 4·units, row-major */
  recurrent: number[];
  /** gate biases, 4·units */
  bias: number[];
  /** dense kernel, units */
  dense: number[];
  denseBias: number;
}

export interface LstmModel extends DetectorModel {
  kind: 'lstm';
  params: LstmParams;
  /** null when the training series had too few complete windows; the model then abstains */
  net: {
    weights: LstmWeights;
    /** z-normalisation of values learned on training */
    mean: number;
    std: number;
    /** band half-width in value units: mean + k·std of |training error| */
    threshold: number;
    /** mean and std of the absolute one-step training errors, value units */
    errorMean: number;
    errorStd: number;
    /** epochs actually run and windows trained on */
    epochs: number;
    windows: number;
    /** final training loss (MSE, normalised units) */
    loss: number;
  } | null;
  reason?: string;
}

/**
 * Validate and complete LSTM parameters.
 * @throws ParameterError naming the bad parameter
 */
export function lstmParams(params: Partial<LstmParams> = {}): LstmParams {
  const p = { ...DEFAULT_LSTM_PARAMS, ...params };
  const check = (name: keyof LstmParams, min: number, integer: boolean) => {
    const v = p[name];
    if (typeof v !== 'number' || !Number.isFinite(v) || v < min || (integer && !Number.isInteger(v))) {
      throw new ParameterError(
        `lstm: ${name} must be ${integer ? 'an integer' : 'a number'} >= ${min}, got ${JSON.stringify(v)}`
      );
    }
  };
  check('lookback', 2, true);
  check('units', 1, true);
  check('maxEpochs', 1, true);
  check('budgetMs', 1, false);
  check('batchSize', 1, true);
  check('maxWindows', 10, true);
  check('k', 0, false);
  check('seed', 0, true);
  if (!(p.learningRate > 0 && p.learningRate < 1)) {
    throw new ParameterError(`lstm: learningRate must be in (0, 1), got ${JSON.stringify(p.learningRate)}`);
  }
  return p;
}

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

/**
 * Forward pass of the LSTM + dense network over one normalised input sequence, in plain TypeScript.
 * Equations (Hochreiter & Schmidhuber 1997, with the forget gate of Gers et al. 2000, as in Keras):
 * z = x·W + h·U + b; i, f, o = sigmoid(z_i, z_f, z_o); c = f∘c + i∘tanh(z_c); h = o∘tanh(c); y = h·w_d + b_d.
 *
 * @param w weights
 * @param seq normalised inputs, oldest first; read from `start` for `length` points
 * @returns the normalised prediction of the next point. O(length · units²).
 */
export function lstmForward(w: LstmWeights, seq: ArrayLike<number>, start: number, length: number): number {
  const U = w.dense.length;
  const G = 4 * U;
  const h = new Float64Array(U);
  const c = new Float64Array(U);
  const z = new Float64Array(G);
  for (let t = 0; t < length; t++) {
    const x = seq[start + t];
    for (let g = 0; g < G; g++) z[g] = x * w.kernel[g] + w.bias[g];
    for (let u = 0; u < U; u++) {
      const hu = h[u];
      if (hu === 0) continue;
      const row = u * G;
      for (let g = 0; g < G; g++) z[g] += hu * w.recurrent[row + g];
    }
    for (let u = 0; u < U; u++) {
      const i = sigmoid(z[u]);
      const f = sigmoid(z[U + u]);
      const cc = Math.tanh(z[2 * U + u]);
      const o = sigmoid(z[3 * U + u]);
      c[u] = f * c[u] + i * cc;
      h[u] = o * Math.tanh(c[u]);
    }
  }
  let y = w.denseBias;
  for (let u = 0; u < U; u++) y += h[u] * w.dense[u];
  return y;
}

/**
 * One-step predictions (value units) for every point that has `lookback` complete points before it;
 * NaN elsewhere. Pure; O(n · lookback · units²).
 */
export function lstmPredict(net: NonNullable<LstmModel['net']>, lookback: number, values: Float64Array): Float64Array {
  const n = values.length;
  const out = new Float64Array(n).fill(NaN);
  const z = Float64Array.from(values, (v) => (v - net.mean) / net.std);
  let run = 0; // finite values in a row ending at i-1
  for (let i = 0; i < n; i++) {
    if (run >= lookback) out[i] = lstmForward(net.weights, z, i - lookback, lookback) * net.std + net.mean;
    run = Number.isFinite(z[i]) ? run + 1 : 0;
  }
  return out;
}
