/**
 * Data shared by benchmark rows and their peers: binary matrices on disk (little-endian float64 / uint8, read by
 * numpy.fromfile on the Python side), the labelled NAB window-feature set, the ROC AUC, and the median.
 */

import * as fs from 'node:fs';
import * as path from 'node:path';
import { createRng } from '../../core/random';
import { completeRows, selectRows } from '../../features/multivariate';
import { windowFeatures } from '../../features/windows';
import { listDataFiles, readNabCsv, readWindows } from '../nab/corpus';
import { nabDir } from '../nab/paths';

/** Write a typed array's bytes to a file (little-endian on every machine Node runs on here). */
export function writeBinary(file: string, a: Float64Array | Uint8Array): void {
  fs.writeFileSync(file, Buffer.from(a.buffer, a.byteOffset, a.byteLength));
}

/** Read a float64 file written by `writeBinary`. */
export function readFloat64(file: string): Float64Array {
  const b = fs.readFileSync(file);
  return new Float64Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
}

/** Read a uint8 file written by `writeBinary`. */
export function readUint8(file: string): Uint8Array {
  return new Uint8Array(fs.readFileSync(file));
}

/**
 * ROC AUC by the rank-sum (Mann-Whitney) statistic with tied scores sharing their mean rank, as
 * sklearn.metrics.roc_auc_score. Rows with a NaN score are left out.
 * @returns NaN when only one class is present
 */
export function rocAuc(scores: ArrayLike<number>, labels: ArrayLike<number>): number {
  const idx: number[] = [];
  for (let i = 0; i < scores.length; i++) if (!Number.isNaN(scores[i])) idx.push(i);
  idx.sort((a, b) => scores[a] - scores[b]);
  let pos = 0;
  let rankSum = 0;
  for (let i = 0; i < idx.length;) {
    let j = i;
    while (j + 1 < idx.length && scores[idx[j + 1]] === scores[idx[i]]) j++;
    const mean = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) {
      if (labels[idx[k]]) {
        pos++;
        rankSum += mean;
      }
    }
    i = j + 1;
  }
  const neg = idx.length - pos;
  if (pos === 0 || neg === 0) return NaN;
  return (rankSum - (pos * (pos + 1)) / 2) / (pos * neg);
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/**
 * A labelled synthetic set: `rows` x `cols`, 99% correlated Gaussian rows (x_j = z_j + 0.5 z_0), 1% anomalies
 * uniform in [-5, 5]^cols (label 1). Seeded, so every run and every peer sees the same matrix.
 */
export function syntheticSet(rows: number, cols: number, seed = 42): { data: Float64Array; labels: Uint8Array } {
  const r = createRng(seed);
  const data = new Float64Array(rows * cols);
  const labels = new Uint8Array(rows);
  for (let i = 0; i < rows; i++) {
    if (r.next() < 0.01) {
      labels[i] = 1;
      for (let c = 0; c < cols; c++) data[i * cols + c] = r.uniform(-5, 5);
    } else {
      const z0 = r.normal();
      data[i * cols] = z0;
      for (let c = 1; c < cols; c++) data[i * cols + c] = r.normal() + 0.5 * z0;
    }
  }
  return { data, labels };
}

/** One NAB file's window features (complete rows only) and labels (1 inside an anomaly window). */
export interface NabFeatureSet {
  name: string;
  data: Float64Array;
  rows: number;
  cols: number;
  labels: Uint8Array;
}

/** Window features (`windowFeatures`, window 12) of every NAB file that has anomaly windows. */
export function nabFeatureSets(window = 12): NabFeatureSet[] {
  const dir = nabDir();
  const windows = readWindows(path.join(dir, 'labels', 'combined_windows.json'));
  const out: NabFeatureSet[] = [];
  for (const name of listDataFiles(path.join(dir, 'data'))) {
    const w = windows.get(name) ?? [];
    if (w.length === 0) continue;
    const table = readNabCsv(path.join(dir, 'data', name));
    const fm = windowFeatures(table.columns.value, window);
    const sel = selectRows(fm.data, fm.rows, fm.cols, completeRows(fm.data, fm.rows, fm.cols));
    const labels = new Uint8Array(sel.rows);
    for (let i = 0; i < sel.rows; i++) {
      const t = table.timestamps[sel.index[i]];
      labels[i] = w.some(([a, b]) => t >= a && t <= b) ? 1 : 0;
    }
    out.push({ name, data: sel.data, rows: sel.rows, cols: fm.cols, labels });
  }
  return out;
}

/** Write NAB feature sets for peers: one float64 file, one uint8 labels file, and a JSON index. */
export function writeNabSets(sets: NabFeatureSet[], dir: string): { data: string; labels: string; index: string } {
  const total = sets.reduce((a, s) => a + s.rows, 0);
  const cols = sets[0].cols;
  const data = new Float64Array(total * cols);
  const labels = new Uint8Array(total);
  const index: { name: string; offset: number; rows: number }[] = [];
  let off = 0;
  for (const s of sets) {
    data.set(s.data, off * cols);
    labels.set(s.labels, off);
    index.push({ name: s.name, offset: off, rows: s.rows });
    off += s.rows;
  }
  const files = {
    data: path.join(dir, 'nab-features.f64'),
    labels: path.join(dir, 'nab-labels.u8'),
    index: path.join(dir, 'nab-index.json'),
  };
  writeBinary(files.data, data);
  writeBinary(files.labels, labels);
  fs.writeFileSync(files.index, JSON.stringify({ cols, files: index }));
  return files;
}
