/**
 * Benchmark worker for the `ml-isolation-forest` peer, run in its own process (so a slow run can be cut off by
 * a timeout and its memory does not count against Vigil's rows). Prints one JSON line.
 *
 * Usage: node --import tsx mlIsolationForest.ts timing <data.f64> <labels.u8> <rows> <cols>
 *        node --import tsx mlIsolationForest.ts nab <data.f64> <labels.u8> <index.json>
 */

import * as fs from 'node:fs';
import { IsolationForest } from 'ml-isolation-forest';
import { readFloat64, readUint8, rocAuc } from '../data';

function toRows(data: Float64Array, offset: number, rows: number, cols: number): number[][] {
  const out: number[][] = [];
  for (let r = 0; r < rows; r++) out.push(Array.from(data.subarray((offset + r) * cols, (offset + r + 1) * cols)));
  return out;
}

const [mode, dataFile, labelsFile, a, b] = process.argv.slice(2);
const data = readFloat64(dataFile);
const labels = readUint8(labelsFile);
if (mode === 'timing') {
  const rows = Number(a);
  const cols = Number(b);
  const X = toRows(data, 0, rows, cols);
  const t0 = performance.now();
  const f = new IsolationForest({ nEstimators: 100 });
  f.train(X);
  const s = f.predict(X);
  const seconds = (performance.now() - t0) / 1000;
  process.stdout.write(JSON.stringify({ seconds, auc: rocAuc(s, labels) }) + '\n');
} else if (mode === 'nab') {
  const index = JSON.parse(fs.readFileSync(a, 'utf8')) as {
    cols: number;
    files: { name: string; offset: number; rows: number }[];
  };
  const aucs: number[] = [];
  for (const file of index.files) {
    const X = toRows(data, file.offset, file.rows, index.cols);
    const f = new IsolationForest({ nEstimators: 100 });
    f.train(X);
    aucs.push(rocAuc(f.predict(X), labels.subarray(file.offset, file.offset + file.rows)));
  }
  process.stdout.write(JSON.stringify({ aucs }) + '\n');
} else {
  process.stderr.write(`unknown mode ${mode}\n`);
  process.exit(2);
}
