import * as tf from '@tensorflow/tfjs';
import { ParameterError } from '../core/errors';
import { lstmBatch, trainLstm, trainLstmSync } from './lstm';
import { lstmForward, lstmParams, type LstmWeights } from './lstm/model';
import { trainNet } from './lstm/train';
import type { DetectorInput } from './types';

const MIN = 60_000;

function input(values: number[]): DetectorInput {
  return {
    timestamps: Float64Array.from(values, (_, i) => i * MIN),
    values: Float64Array.from(values),
    intervalMs: MIN,
  };
}

const wave = (n: number) =>
  Array.from({ length: n }, (_, i) => 30 + 8 * Math.sin((2 * Math.PI * i) / 24) + 0.3 * Math.sin(i * 2.1));

const small = { units: 8, maxEpochs: 4, batchSize: 32 };

beforeAll(async () => {
  tf.env().set('PROD', true);
  await tf.setBackend('cpu');
});

describe('lstmForward', () => {
  it('equals TensorFlow.js prediction for the same weights', () => {
    const U = 5;
    const L = 7;
    const model = tf.sequential();
    model.add(
      tf.layers.lstm({
        units: U,
        inputShape: [L, 1],
        recurrentActivation: 'sigmoid',
        kernelInitializer: tf.initializers.randomUniform({ minval: -0.8, maxval: 0.8, seed: 1 }),
        recurrentInitializer: tf.initializers.randomUniform({ minval: -0.8, maxval: 0.8, seed: 2 }),
        biasInitializer: tf.initializers.randomUniform({ minval: -0.5, maxval: 0.5, seed: 3 }),
      })
    );
    model.add(tf.layers.dense({ units: 1, biasInitializer: tf.initializers.constant({ value: 0.25 }) }));
    const seqs = [Array.from({ length: L }, (_, j) => Math.sin(j)), Array.from({ length: L }, (_, j) => j / 3 - 1)];
    const want = (model.predict(tf.tensor3d(seqs.map((s) => s.map((x) => [x])))) as tf.Tensor).dataSync();
    const w = model.getWeights().map((t) => Array.from(t.dataSync()));
    const weights: LstmWeights = { kernel: w[0], recurrent: w[1], bias: w[2], dense: w[3], denseBias: w[4][0] };
    seqs.forEach((s, k) => expect(lstmForward(weights, s, 0, L)).toBeCloseTo(want[k], 5));
    expect(Math.abs(want[0] - want[1])).toBeGreaterThan(1e-3); // the two sequences are told apart
    model.dispose();
  });
});

describe('trainNet', () => {
  it('abstains with a reason when there are too few complete windows', () => {
    const m = trainNet(tf, Float64Array.from([1, 2, 3, NaN, 5, 6, 7, 8, 9, 10, 11, 12, 13]), lstmParams(small));
    expect(m.net).toBeNull();
    expect(m.reason).toMatch(/at least 20 complete windows/);
  });
});

describe('lstm detector (training in a worker)', () => {
  const train = input(wave(400));
  let model: ReturnType<typeof lstmBatch.fit>;

  beforeAll(async () => {
    model = await trainLstm(train, small);
  });

  it('learns the periodic series far better than predicting its mean', () => {
    expect(model.net!.epochs).toBe(small.maxEpochs);
    expect(model.net!.loss).toBeLessThan(0.2); // normalised MSE; predicting the mean scores 1
    expect(model.net!.threshold).toBeCloseTo(model.net!.errorMean + 3 * model.net!.errorStd, 12);
  });

  it('trains off the main thread: timers keep firing during training', async () => {
    let ticks = 0;
    const timer = setInterval(() => ticks++, 5);
    const m = await trainLstm(train, { ...small, maxEpochs: 2 });
    clearInterval(timer);
    expect(m.net!.epochs).toBe(2);
    expect(ticks).toBeGreaterThan(5);
  });

  it('gives the same model from the blocking fit as from trainLstm', () => {
    const fitted = lstmBatch.fit(train, lstmBatch.params(small));
    expect(fitted.net!.weights).toEqual(model.net!.weights);
  });

  it('stops at the wall-clock budget, checked between epochs', async () => {
    const m = await trainLstm(train, { ...small, maxEpochs: 500, budgetMs: 1 });
    expect(m.net!.epochs).toBe(1);
  });

  it('scores a spike far above normal points, purely from the JSON model', () => {
    const values = wave(400);
    values[300] += 25;
    const json = JSON.parse(JSON.stringify(model));
    const out = lstmBatch.score!(json, input(values));
    expect(Number.isNaN(out.score[5])).toBe(true); // warm-up: fewer than lookback points before it
    expect(out.score[300]).toBeGreaterThan(3);
    const normal = Array.from(out.score.subarray(20, 290));
    expect(normal.filter((s) => s > 1).length).toBeLessThan(normal.length * 0.05);
    expect(out.upper[200] - out.lower[200]).toBeCloseTo(2 * model.net!.threshold, 9);
    expect(lstmBatch.score!(model, input(values)).score).toEqual(out.score);
  });

  it('rejects bad parameters before starting a worker', async () => {
    expect(() => lstmBatch.fit(train, lstmBatch.params({ lookback: 1 }))).toThrow(ParameterError);
    await expect(trainLstm(train, { learningRate: 2 })).rejects.toThrow(/learningRate/);
    expect(() => trainLstmSync(train, { units: 0 })).toThrow(/units/);
  });
});
