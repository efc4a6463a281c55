/**
 * Row: One-Class SVM — Vigil's SMO solver (pkg/detectors/oneClassSvm.ts) against scikit-learn's OneClassSVM (libsvm):
 * fit on 1,000 rows x 8 features, score 100,000 rows of the labelled synthetic set (1% injected anomalies);
 * times, ROC AUC, and how closely the two decision functions agree (same nu 0.05, gamma 'scale', tol 1e-3).
 */

import * as path from 'node:path';
import { fitOneClassSvm, scoreOneClassSvm } from '../../../detectors/oneClassSvm';
import { readFloat64, rocAuc, syntheticSet, writeBinary } from '../data';
import { runPythonScript } from '../python';
import type { BenchContext, BenchRow, Measurement } from '../types';

async function run(ctx: BenchContext): Promise<Measurement[]> {
  const cols = 8;
  const trainRows = 1000;
  const testRows = ctx.quick ? 10000 : 100000;
  const train = syntheticSet(trainRows, cols, 5);
  const test = syntheticSet(testRows, cols, 42);
  const files = {
    train: path.join(ctx.workDir, `ocsvm-train-${trainRows}.f64`),
    test: path.join(ctx.workDir, `ocsvm-test-${testRows}.f64`),
    labels: path.join(ctx.workDir, `ocsvm-test-${testRows}.u8`),
    out: path.join(ctx.workDir, `ocsvm-sklearn-decision-${testRows}.f64`),
  };
  writeBinary(files.train, train.data);
  writeBinary(files.test, test.data);
  writeBinary(files.labels, test.labels);

  // warm the JIT on a small set (not timed)
  const warm = syntheticSet(300, cols, 9);
  scoreOneClassSvm(fitOneClassSvm(warm.data, 300, cols), warm.data, 300, cols);
  const t0 = performance.now();
  const model = fitOneClassSvm(train.data, trainRows, cols, {
    nu: 0.05,
    gamma: 'scale',
    tol: 1e-3,
    maxTrain: trainRows,
  });
  const t1 = performance.now();
  const { decision } = scoreOneClassSvm(model, test.data, testRows, cols);
  const t2 = performance.now();
  const ours = {
    fit: (t1 - t0) / 1000,
    score: (t2 - t1) / 1000,
    auc: rocAuc(
      decision.map((d) => -d),
      test.labels
    ),
  };

  ctx.python();
  const sk = runPythonScript('one_class_svm.py', [
    files.train,
    String(trainRows),
    files.test,
    files.labels,
    String(testRows),
    String(cols),
    files.out,
  ]);
  const skDecision = readFloat64(files.out);
  let maxDiff = 0;
  let scale = 0;
  for (let i = 0; i < testRows; i++) {
    maxDiff = Math.max(maxDiff, Math.abs(decision[i] - skDecision[i]));
    scale = Math.max(scale, Math.abs(skDecision[i]));
  }
  ctx.log(
    `  vigil fit ${ours.fit.toFixed(3)} s, score ${ours.score.toFixed(3)} s, AUC ${ours.auc.toFixed(4)}, ${model.coefficients.length} SVs; ` +
      `scikit-learn fit ${Number(sk.fitSeconds).toFixed(3)} s, score ${Number(sk.scoreSeconds).toFixed(3)} s, AUC ${Number(sk.auc).toFixed(4)}, ${String(sk.supportVectors)} SVs; ` +
      `max |decision difference| ${maxDiff.toExponential(2)} (decision range ${scale.toFixed(2)})`
  );
  const title = `One-Class SVM (fit 1,000 x ${cols}, score ${testRows.toLocaleString('en')})`;
  const skName = `scikit-learn ${String(sk.version)}`;
  const agreement = `max |decision difference| ${maxDiff.toExponential(1)} (values up to ${scale.toFixed(1)}); ${model.coefficients.length} vs ${String(sk.supportVectors)} support vectors`;
  return [
    {
      row: title,
      metric: 'fit time',
      unit: 's',
      better: 'lower',
      vigil: ours.fit,
      peers: [{ name: skName, value: Number(sk.fitSeconds) }],
    },
    {
      row: title,
      metric: 'score time',
      unit: 's',
      better: 'lower',
      vigil: ours.score,
      peers: [{ name: skName, value: Number(sk.scoreSeconds) }],
    },
    {
      row: title,
      metric: 'ROC AUC, 1% injected anomalies',
      unit: 'AUC',
      better: 'higher',
      vigil: ours.auc,
      peers: [{ name: skName, value: Number(sk.auc) }],
      note: agreement,
    },
  ];
}

export const row: BenchRow = { name: 'oneClassSvm', run };
