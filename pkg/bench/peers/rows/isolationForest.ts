/**
 * Row: Isolation Forest — Vigil's (pkg/detectors/isolationForest.ts) against scikit-learn's IsolationForest and
 * the npm package `ml-isolation-forest`.
 * - fit + score time on 100,000 rows x 8 features (1% labelled anomalies), and the ROC AUC on that set;
 * - mean ROC AUC over the NAB files with anomaly windows, on window features (label: inside a window).
 * Same parameters everywhere the peer allows: 100 trees, 256-row subsamples (ml-isolation-forest has no
 * subsampling: it grows every tree on all rows, as its API does).
 */

import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { fitIsolationForest, scoreIsolationForest } from '../../../detectors/isolationForest';
import { median, nabFeatureSets, rocAuc, syntheticSet, writeBinary, writeNabSets } from '../data';
import { runPythonScript } from '../python';
import type { BenchContext, BenchRow, Measurement } from '../types';

const ML_TIMEOUT_MS = 20 * 60 * 1000;

function runMl(args: string[]): { ok: true; out: Record<string, unknown> } | { ok: false; note: string } {
  const worker = path.join(__dirname, '..', 'workers', 'mlIsolationForest.ts');
  const r = spawnSync(process.execPath, ['--max-old-space-size=8192', '--import', 'tsx', worker, ...args], {
    encoding: 'utf8',
    timeout: ML_TIMEOUT_MS,
    maxBuffer: 16 * 1024 * 1024,
  });
  if (r.error || r.status !== 0) {
    const why =
      r.signal === 'SIGTERM'
        ? `did not finish within ${ML_TIMEOUT_MS / 60000} min`
        : (r.stderr || String(r.error)).slice(-300);
    return { ok: false, note: why };
  }
  const lines = r.stdout.trim().split('\n');
  return { ok: true, out: JSON.parse(lines[lines.length - 1]) as Record<string, unknown> };
}

async function run(ctx: BenchContext): Promise<Measurement[]> {
  const rows = ctx.quick ? 10000 : 100000;
  const cols = 8;
  const repeats = 3;
  const title = `Isolation Forest (${rows.toLocaleString('en')} x ${cols})`;
  const { data, labels } = syntheticSet(rows, cols);
  const dataFile = path.join(ctx.workDir, `if-${rows}x${cols}.f64`);
  const labelFile = path.join(ctx.workDir, `if-${rows}x${cols}.u8`);
  writeBinary(dataFile, data);
  writeBinary(labelFile, labels);

  // warm Vigil's JIT on a small set (not timed)
  const warm = syntheticSet(5000, cols, 7);
  scoreIsolationForest(fitIsolationForest(warm.data, 5000, cols), warm.data, 5000, cols);
  // Vigil and scikit-learn alternate run by run, so both see the same background load on a shared machine
  ctx.python();
  const times: number[] = [];
  const skTimes: number[] = [];
  let scores: Float64Array = new Float64Array(0);
  let sk: Record<string, unknown> = {};
  for (let i = 0; i < repeats; i++) {
    const t0 = performance.now();
    const model = fitIsolationForest(data, rows, cols, { trees: 100, sampleSize: 256, seed: 1 });
    scores = scoreIsolationForest(model, data, rows, cols);
    times.push((performance.now() - t0) / 1000);
    sk = runPythonScript('isolation_forest.py', ['timing', dataFile, labelFile, String(rows), String(cols), '1']);
    skTimes.push(Number(sk.seconds));
  }
  const ours = { seconds: median(times), auc: rocAuc(scores, labels) };
  ctx.log(`  vigil: ${times.map((t) => t.toFixed(3)).join(', ')} s, AUC ${ours.auc.toFixed(4)}`);
  sk.seconds = median(skTimes);
  ctx.log(
    `  scikit-learn ${String(sk.version)}: ${skTimes.map((t) => t.toFixed(3)).join(', ')} s, AUC ${Number(sk.auc).toFixed(4)}`
  );
  const ml = runMl(['timing', dataFile, labelFile, String(rows), String(cols)]);
  ctx.log(`  ml-isolation-forest: ${ml.ok ? `${Number(ml.out.seconds).toFixed(3)} s` : ml.note}`);

  // NAB window features
  const sets = nabFeatureSets(12);
  const nabFiles = writeNabSets(sets, ctx.workDir);
  const ourAucs = sets.map((s) => {
    const m = fitIsolationForest(s.data, s.rows, s.cols, { seed: 1 });
    return rocAuc(scoreIsolationForest(m, s.data, s.rows, s.cols), s.labels);
  });
  const skNab = runPythonScript('isolation_forest.py', ['nab', nabFiles.data, nabFiles.labels, nabFiles.index]);
  const mlNab = runMl(['nab', nabFiles.data, nabFiles.labels, nabFiles.index]);
  const mean = (xs: number[]) => xs.filter((x) => Number.isFinite(x)).reduce((a, b) => a + b, 0) / xs.length;

  const skName = `scikit-learn ${String(sk.version)}`;
  const mlName = 'ml-isolation-forest 0.1.0';
  return [
    {
      row: title,
      metric: 'fit+score time',
      unit: 's',
      better: 'lower',
      vigil: ours.seconds,
      peers: [
        {
          name: skName,
          value: Number(sk.seconds),
          note: `median of ${repeats}, n_jobs=1; runs alternate with Vigil's`,
        },
        ml.ok
          ? { name: mlName, value: Number(ml.out.seconds), note: '1 run; grows each tree on all rows' }
          : { name: mlName, value: null, note: ml.note },
      ],
      note: `median of ${repeats}, 1 thread`,
    },
    {
      row: title,
      metric: 'ROC AUC, 1% injected anomalies',
      unit: 'AUC',
      better: 'higher',
      vigil: ours.auc,
      peers: [
        { name: skName, value: Number(sk.auc) },
        ml.ok ? { name: mlName, value: Number(ml.out.auc) } : { name: mlName, value: null, note: ml.note },
      ],
    },
    {
      row: `Isolation Forest, NAB window features (${sets.length} files)`,
      metric: 'mean ROC AUC (label: in anomaly window)',
      unit: 'AUC',
      better: 'higher',
      vigil: mean(ourAucs),
      peers: [
        { name: skName, value: mean(skNab.aucs as number[]) },
        mlNab.ok
          ? { name: mlName, value: mean(mlNab.out.aucs as number[]) }
          : { name: mlName, value: null, note: mlNab.note },
      ],
      note: 'unsupervised, fitted per file',
    },
  ];
}

export const row: BenchRow = { name: 'isolationForest', run };
