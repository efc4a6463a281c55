/**
 * Multivariate feature matrices: several aligned series (or engineered features of one series) as a row-major
 * Float64Array, plus a robust scaler so features in different units (requests, error rate, clients) weigh alike
 * in distance- and split-based detectors (Isolation Forest, One-Class SVM, k-means).
 */

import { InputError, ParameterError } from '../core/errors';

/** A row-major matrix: `data[r * cols + c]`; NaN marks a missing cell. */
export interface FeatureMatrix {
  data: Float64Array;
  rows: number;
  cols: number;
  /** one name per column, e.g. `['value', 'delta']` or series label sets */
  names: string[];
}

/** Per-column centre and scale; `x' = (x - center) / scale`. Plain JSON. */
export interface Scaler {
  center: number[];
  scale: number[];
}

/**
 * Check that `data` holds `rows` x `cols` cells.
 * @throws InputError when the shape does not match or is not made of non-negative integers
 */
export function checkMatrix(data: Float64Array, rows: number, cols: number, what = 'matrix'): void {
  if (!Number.isInteger(rows) || rows < 0 || !Number.isInteger(cols) || cols < 1) {
    throw new InputError(`${what}: rows must be an integer >= 0 and cols an integer >= 1, got ${rows} x ${cols}`);
  }
  if (data.length !== rows * cols) {
    throw new InputError(`${what}: expected ${rows} x ${cols} = ${rows * cols} cells, got ${data.length}`);
  }
}

/** 1 for rows whose cells are all finite, else 0. O(rows * cols). */
export function completeRows(data: Float64Array, rows: number, cols: number): Uint8Array {
  checkMatrix(data, rows, cols);
  const ok = new Uint8Array(rows);
  for (let r = 0; r < rows; r++) {
    let good = 1;
    for (let c = 0; c < cols; c++) {
      if (!Number.isFinite(data[r * cols + c])) {
        good = 0;
        break;
      }
    }
    ok[r] = good;
  }
  return ok;
}

/** Copy the rows flagged in `mask` into a new matrix. Returns the data and the original row index of each row. */
export function selectRows(
  data: Float64Array,
  rows: number,
  cols: number,
  mask: Uint8Array
): { data: Float64Array; rows: number; index: Int32Array } {
  let n = 0;
  for (let r = 0; r < rows; r++) if (mask[r]) n++;
  const out = new Float64Array(n * cols);
  const index = new Int32Array(n);
  let k = 0;
  for (let r = 0; r < rows; r++) {
    if (!mask[r]) continue;
    out.set(data.subarray(r * cols, (r + 1) * cols), k * cols);
    index[k++] = r;
  }
  return { data: out, rows: n, index };
}

function quantileSorted(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return NaN;
  const h = (sorted.length - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}

/**
 * Fit a robust scaler: centre = median, scale = IQR / 1.349 (the normal-consistent IQR), falling back to the
 * standard deviation, then to 1, when a column's spread is zero. NaN cells are ignored.
 *
 * @throws InputError on a shape mismatch
 */
export function fitRobustScaler(data: Float64Array, rows: number, cols: number): Scaler {
  checkMatrix(data, rows, cols);
  const center: number[] = [];
  const scale: number[] = [];
  const col = new Float64Array(rows);
  for (let c = 0; c < cols; c++) {
    let n = 0;
    let sum = 0;
    for (let r = 0; r < rows; r++) {
      const v = data[r * cols + c];
      if (Number.isFinite(v)) {
        col[n++] = v;
        sum += v;
      }
    }
    if (n === 0) {
      center.push(0);
      scale.push(1);
      continue;
    }
    const s = col.subarray(0, n).slice().sort();
    const med = quantileSorted(s, 0.5);
    let sc = (quantileSorted(s, 0.75) - quantileSorted(s, 0.25)) / 1.349;
    if (!(sc > 1e-12 * Math.max(1, Math.abs(med)))) {
      const mean = sum / n;
      let ss = 0;
      for (let i = 0; i < n; i++) ss += (s[i] - mean) ** 2;
      sc = n > 1 ? Math.sqrt(ss / (n - 1)) : 0;
    }
    if (!(sc > 1e-12 * Math.max(1, Math.abs(med)))) sc = 1;
    center.push(med);
    scale.push(sc);
  }
  return { center, scale };
}

/**
 * Apply a scaler to a matrix (returns a new matrix; the input is not mutated). NaN stays NaN.
 * @throws InputError when the matrix has a different number of columns than the scaler
 */
export function applyScaler(scaler: Scaler, data: Float64Array, rows: number, cols: number): Float64Array {
  checkMatrix(data, rows, cols);
  if (scaler.center.length !== cols) {
    throw new InputError(`scaler was fitted on ${scaler.center.length} columns, got ${cols}`);
  }
  const out = new Float64Array(data.length);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const i = r * cols + c;
      out[i] = (data[i] - scaler.center[c]) / scaler.scale[c];
    }
  }
  return out;
}

/** Validate a positive integer parameter, naming the detector in the error. */
export function intParam(detector: string, name: string, v: unknown, min: number, max = Infinity): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    const range = max === Infinity ? `>= ${min}` : `in [${min}, ${max}]`;
    throw new ParameterError(`${detector}: ${name} must be an integer ${range}, got ${JSON.stringify(v)}`);
  }
  return v;
}

/** Validate a number parameter in the open/closed range given, naming the detector in the error. */
export function numParam(detector: string, name: string, v: unknown, lo: number, hi: number, openLo = true): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || (openLo ? v <= lo : v < lo) || v > hi) {
    throw new ParameterError(
      `${detector}: ${name} must be a number in ${openLo ? '(' : '['}${lo}, ${hi}], got ${JSON.stringify(v)}`
    );
  }
  return v;
}
