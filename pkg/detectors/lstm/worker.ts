import * as path from 'node:path';
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import type { LstmParams } from './model';
import { trainNet } from './train';

/** What the parent sends to a training worker. */
export interface LstmWorkerData {
  values: Float64Array;
  params: LstmParams;
  /** apply the wall-clock budget `params.budgetMs` */
  useBudget: boolean;
  /** synchronous mode: reply on this port and wake the parent through `signal` */
  port?: MessagePort;
  signal?: Int32Array;
}

/** Reply of a training worker. */
export type LstmWorkerReply =
  { ok: true; model: import('./model').LstmModel } | { ok: false; name: string; message: string };

/**
 * Worker entry: set up TensorFlow.js with the WASM backend (its .wasm files are read from the installed
 * `@tensorflow/tfjs-backend-wasm` package), train, reply. Runs only inside a `worker_threads` Worker started by
 * `trainLstm`/`trainLstmSync`.
 */
export async function runWorker(): Promise<void> {
  const data = workerData as LstmWorkerData;
  let reply: LstmWorkerReply;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const tf = require('@tensorflow/tfjs') as typeof import('@tensorflow/tfjs');
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const wasm = require('@tensorflow/tfjs-backend-wasm') as typeof import('@tensorflow/tfjs-backend-wasm');
    wasm.setWasmPaths(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm')) + path.sep);
    tf.env().set('PROD', true);
    if (!(await tf.setBackend('wasm'))) throw new Error('the TensorFlow.js WASM backend failed to initialise');
    await tf.ready();
    const start = performance.now();
    const model = trainNet(tf, data.values, data.params, data.useBudget ? () => performance.now() - start : undefined);
    reply = { ok: true, model };
  } catch (e) {
    reply = {
      ok: false,
      name: e instanceof Error ? e.name : 'Error',
      message: e instanceof Error ? e.message : String(e),
    };
  }
  if (data.port && data.signal) {
    data.port.postMessage(reply);
    Atomics.store(data.signal, 0, 1);
    Atomics.notify(data.signal, 0);
  } else {
    parentPort?.postMessage(reply);
  }
}
