import { bandScore } from '../forecast/band';
import { trainLstm, trainLstmSync } from './lstm/client';
import { DEFAULT_LSTM_PARAMS, lstmParams, lstmPredict, type LstmModel, type LstmParams } from './lstm/model';
import { refitting, type BatchDetector } from './shared/refit';
import { emptyOutput, type DetectorInput, type DetectorOutput } from './types';

export { trainLstm, trainLstmSync };
export type { LstmModel, LstmParams };

/**
 * LSTM forecaster (Hochreiter & Schmidhuber 1997; as a forecasting anomaly detector: Malhotra et al. 2015,
 * "Long Short Term Memory Networks for Anomaly Detection in Time Series"): one LSTM layer + dense output,
 * trained with TensorFlow.js (WASM backend) to predict each normalised value from the previous `lookback`
 * values. A point's expected value is the one-step prediction; the band half-width is the threshold learned
 * from the training errors (mean + k·std of |error|); raw score = |x - expected| / threshold (1 = on the band
 * edge). Windows touching a gap are not predicted.
 *
 * How it fits: `Detector.fit` is synchronous, so it trains in a worker thread and blocks until the worker
 * replies, bounded by `maxEpochs` only (deterministic: seeded initialisation and shuffling). Services that
 * must not block should call `trainLstm` (async, same worker, plus the wall-clock `budgetMs`) and pass the
 * resulting model to `score`. `score` is pure: the forward pass runs in plain TypeScript from the weights
 * serialised in the model (O(n · lookback · units²), no TensorFlow.js on the calling thread). Causal.
 * A training series with fewer than 20 complete windows gives a model that abstains (NaN scores).
 */
export const lstmBatch: BatchDetector<LstmParams, LstmModel> = {
  name: 'lstm',
  family: 'forecast',
  description: 'LSTM one-step forecaster (tfjs WASM, trained in a worker), error against a learned threshold',
  defaults: DEFAULT_LSTM_PARAMS,
  params(params: Partial<LstmParams>): LstmParams {
    return lstmParams(params);
  },
  fit(train: DetectorInput, params: LstmParams): LstmModel {
    return trainLstmSync(train, params);
  },
  score(model: LstmModel, input: DetectorInput): DetectorOutput {
    const n = input.values.length;
    const out = emptyOutput(n);
    const net = model.net;
    if (!net) return out;
    const pred = lstmPredict(net, model.params.lookback, input.values);
    for (let i = 0; i < n; i++) {
      const e = pred[i];
      if (!Number.isFinite(e)) continue;
      out.expected[i] = e;
      out.lower[i] = e - net.threshold;
      out.upper[i] = e + net.threshold;
      out.score[i] = bandScore(input.values[i], e, e - net.threshold, e + net.threshold, net.threshold);
    }
    return out;
  },
};

/**
 * The streaming `lstm` detector: retrained every 1,000 points on the last 2,000 (in a worker thread, blocking the
 * stream for the training's duration), each new point predicted from the `lookback` before it.
 * O(lookback · units²) per point.
 */
export const lstmDetector = refitting(lstmBatch, (p) => ({
  history: 2000,
  refitEvery: 1000,
  minHistory: Math.max(200, 4 * p.lookback),
  context: p.lookback + 1,
}));
