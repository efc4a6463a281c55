import * as path from 'node:path';
import { MessageChannel, receiveMessageOnPort, Worker } from 'node:worker_threads';
import { InputError } from '../../core/errors';
import { lstmParams, type LstmModel, type LstmParams } from './model';
import type { LstmWorkerData, LstmWorkerReply } from './worker';

/** Extra time a worker gets beyond the training budget (startup, loading TensorFlow.js, the last epoch). */
const GRACE_MS = 120_000;

function startWorker(data: LstmWorkerData, transfer: Parameters<typeof Worker.prototype.postMessage>[1] = []): Worker {
  // The worker registers tsx itself, so it runs the TypeScript trainer under plain Node, tsx and jest alike.
  const code = [
    "const { workerData } = require('node:worker_threads');",
    'try {',
    `  require(${JSON.stringify(require.resolve('tsx/cjs/api'))}).register();`,
    `  require(${JSON.stringify(path.join(__dirname, 'worker.ts'))}).runWorker();`,
    '} catch (e) {',
    '  if (!workerData.port) throw e;',
    "  workerData.port.postMessage({ ok: false, name: 'Error', message: String(e && e.message) });",
    '  Atomics.store(workerData.signal, 0, 1);',
    '  Atomics.notify(workerData.signal, 0);',
    '}',
  ].join('\n');
  return new Worker(code, { eval: true, workerData: data, transferList: transfer as never });
}

function settle(reply: LstmWorkerReply | undefined): LstmModel {
  if (!reply) throw new Error('lstm: the training worker ended without a reply');
  if (!reply.ok) {
    if (reply.name === 'ParameterError' || reply.name === 'InputError') throw new InputError(reply.message);
    throw new Error(`lstm: training failed: ${reply.message}`);
  }
  return reply.model;
}

function valuesOf(series: { values: Float64Array }): Float64Array {
  if (!series || !(series.values instanceof Float64Array))
    throw new InputError('lstm: series.values must be a Float64Array');
  return Float64Array.from(series.values);
}

/**
 * Train the LSTM forecaster off the main thread: a `worker_threads` Worker runs TensorFlow.js on its WASM
 * backend for at most `maxEpochs` epochs or until the wall-clock budget `budgetMs` passes (checked between
 * epochs), so detection of other series continues meanwhile. The result is a plain-JSON model for
 * `lstm.score`.
 *
 * @param series the training series (`values`; NaN = missing); not mutated
 * @param params merged over `DEFAULT_LSTM_PARAMS`
 * @returns the trained model (`net: null` with a reason when the series has too few complete windows)
 * @throws (rejects with) ParameterError for invalid parameters, before any worker starts; Error when the
 *   worker fails or exceeds budget + 2 minutes
 */
export async function trainLstm(
  series: { values: Float64Array },
  params: Partial<LstmParams> = {}
): Promise<LstmModel> {
  const p = lstmParams(params);
  const values = valuesOf(series);
  return new Promise((resolve, reject) => {
    const worker = startWorker({ values, params: p, useBudget: true });
    let done = false;
    const finish = (fn: () => void) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      void worker.terminate();
      fn();
    };
    const timer = setTimeout(
      () => finish(() => reject(new Error(`lstm: training exceeded ${p.budgetMs + GRACE_MS} ms`))),
      p.budgetMs + GRACE_MS
    );
    worker.on('message', (reply: LstmWorkerReply) =>
      finish(() => {
        try {
          resolve(settle(reply));
        } catch (e) {
          reject(e);
        }
      })
    );
    worker.on('error', (e) => finish(() => reject(new Error(`lstm: training worker crashed: ${e.message}`))));
    worker.on('exit', (code) => finish(() => reject(new Error(`lstm: training worker exited with code ${code}`))));
  });
}

/**
 * Train like `trainLstm`, but block the calling thread until the worker replies (Atomics.wait on a shared
 * flag, then a synchronous read of the reply). Bounded by `maxEpochs` only, without the wall-clock budget,
 * so the same input always gives the same model. Used by the synchronous `Detector.fit`.
 *
 * @throws ParameterError for invalid parameters; Error when the worker fails or takes longer than
 *   budgetMs + 2 minutes
 */
export function trainLstmSync(series: { values: Float64Array }, params: Partial<LstmParams> = {}): LstmModel {
  const p = lstmParams(params);
  const values = valuesOf(series);
  const { port1, port2 } = new MessageChannel();
  const signal = new Int32Array(new SharedArrayBuffer(4));
  const worker = startWorker({ values, params: p, useBudget: false, port: port2, signal }, [port2]);
  try {
    const waited = Atomics.wait(signal, 0, 0, p.budgetMs + GRACE_MS);
    const message = receiveMessageOnPort(port1);
    if (waited === 'timed-out' && !message) throw new Error(`lstm: training exceeded ${p.budgetMs + GRACE_MS} ms`);
    return settle(message?.message as LstmWorkerReply | undefined);
  } finally {
    port1.close();
    void worker.terminate();
  }
}
