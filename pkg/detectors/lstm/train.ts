import type * as TF from '@tensorflow/tfjs';
import { createRng } from '../../core/random';
import { lstmPredict, type LstmModel, type LstmParams, type LstmWeights } from './model';

/** Fewest complete training windows an LSTM is trained on. */
export const LSTM_MIN_WINDOWS = 20;

/**
 * Train the LSTM forecaster with TensorFlow.js on whatever backend `tf` is set to (CPU in the synchronous
 * `fit`, WASM in the `trainLstm` worker). Sequence-to-one regression of the next normalised value from the
 * previous `lookback`; MSE loss, Adam (Kingma & Ba 2015), seeded Glorot/orthogonal initialisation and seeded
 * batch shuffling. Training steps run synchronously (`optimizer.minimize`).
 *
 * @param tf the TensorFlow.js namespace with a ready backend
 * @param values training values (NaN = missing; windows touching a gap are skipped)
 * @param p validated parameters
 * @param elapsedMs optional clock (ms since training started); when given, training stops after the epoch
 *   in which it passes `p.budgetMs`
 * @returns the model with weights as arrays, or `net: null` and a reason when there are fewer than 20
 *   complete windows
 */
export function trainNet(tfNs: typeof TF, values: Float64Array, p: LstmParams, elapsedMs?: () => number): LstmModel {
  const tf = tfNs;
  const L = p.lookback;
  let sum = 0;
  let sumSq = 0;
  let count = 0;
  for (const v of values) {
    if (!Number.isFinite(v)) continue;
    sum += v;
    sumSq += v * v;
    count++;
  }
  const mean = count ? sum / count : 0;
  const sd = count > 1 ? Math.sqrt(Math.max(0, (sumSq - count * mean * mean) / (count - 1))) : 0;
  const std = sd > 1e-12 * Math.max(1, Math.abs(mean)) ? sd : Math.max(1e-6 * Math.abs(mean), 1);
  const z = Float64Array.from(values, (v) => (v - mean) / std);
  // targets whose lookback window and own value are all present
  let targets: number[] = [];
  let run = 0;
  for (let i = 0; i < z.length; i++) {
    if (Number.isFinite(z[i]) && run >= L) targets.push(i);
    run = Number.isFinite(z[i]) ? run + 1 : 0;
  }
  if (targets.length > p.maxWindows) targets = targets.slice(targets.length - p.maxWindows);
  const m = targets.length;
  if (m < LSTM_MIN_WINDOWS) {
    return {
      kind: 'lstm',
      version: 1,
      params: p,
      net: null,
      reason: `lstm: needs at least ${LSTM_MIN_WINDOWS} complete windows of ${L + 1} points, got ${m}`,
    };
  }
  const xs = new Float32Array(m * L);
  const ys = new Float32Array(m);
  targets.forEach((t, r) => {
    for (let j = 0; j < L; j++) xs[r * L + j] = z[t - L + j];
    ys[r] = z[t];
  });
  const X = tf.tensor3d(xs, [m, L, 1]);
  const Y = tf.tensor2d(ys, [m, 1]);
  const model = tf.sequential();
  model.add(
    tf.layers.lstm({
      units: p.units,
      inputShape: [L, 1],
      activation: 'tanh',
      recurrentActivation: 'sigmoid',
      kernelInitializer: tf.initializers.glorotUniform({ seed: p.seed }),
      recurrentInitializer: tf.initializers.orthogonal({ seed: p.seed + 1 }),
      biasInitializer: 'zeros',
      unitForgetBias: true,
    })
  );
  model.add(tf.layers.dense({ units: 1, kernelInitializer: tf.initializers.glorotUniform({ seed: p.seed + 2 }) }));
  const optimizer = tf.train.adam(p.learningRate);
  const rng = createRng(p.seed);
  const order = Array.from({ length: m }, (_, i) => i);
  let epochs = 0;
  let loss = NaN;
  try {
    for (let epoch = 0; epoch < p.maxEpochs; epoch++) {
      for (let i = m - 1; i > 0; i--) {
        const j = rng.int(i + 1);
        [order[i], order[j]] = [order[j], order[i]];
      }
      let total = 0;
      for (let b = 0; b < m; b += p.batchSize) {
        const idx = order.slice(b, b + p.batchSize);
        const cost = tf.tidy((): TF.Scalar => {
          const ix = tf.tensor1d(idx, 'int32');
          const xb = tf.gather(X, ix);
          const yb = tf.gather(Y, ix);
          return optimizer.minimize(
            () => tf.losses.meanSquaredError(yb, model.apply(xb, { training: true }) as TF.Tensor) as TF.Scalar,
            true
          ) as TF.Scalar; // returnCost = true: never null
        });
        total += cost.dataSync()[0] * idx.length;
        cost.dispose();
      }
      loss = total / m;
      epochs++;
      if (elapsedMs && elapsedMs() > p.budgetMs) break;
    }
    const w = model.getWeights().map((t) => Array.from(t.dataSync()));
    const weights: LstmWeights = { kernel: w[0], recurrent: w[1], bias: w[2], dense: w[3], denseBias: w[4][0] };
    const net = { weights, mean, std, threshold: 0, errorMean: 0, errorStd: 0, epochs, windows: m, loss };
    // threshold from the absolute one-step errors on the training series (pure forward pass)
    const pred = lstmPredict(net, L, values);
    let es = 0;
    let ess = 0;
    let en = 0;
    for (let i = 0; i < values.length; i++) {
      const e = Math.abs(values[i] - pred[i]);
      if (!Number.isFinite(e)) continue;
      es += e;
      ess += e * e;
      en++;
    }
    net.errorMean = es / en;
    net.errorStd = en > 1 ? Math.sqrt(Math.max(0, (ess - en * net.errorMean * net.errorMean) / (en - 1))) : 0;
    net.threshold = Math.max(net.errorMean + p.k * net.errorStd, 1e-9 * std);
    return { kind: 'lstm', version: 1, params: p, net };
  } finally {
    X.dispose();
    Y.dispose();
    model.dispose();
    optimizer.dispose();
  }
}
