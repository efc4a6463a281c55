/**
 * Rare-pattern detection by k-means over windows of the series. Windows (robust-scaled `windowFeatures`) are
 * clustered with Lloyd's algorithm (Lloyd, "Least squares quantization in PCM", IEEE Trans. Inf. Theory 28,
 * 1982) seeded by k-means++ (Arthur & Vassilvitskii, SODA 2007) from our seeded PRNG. Clusters holding under
 * `rareShare` (default 5%) of the training windows are rare patterns; the raw score of a point is the distance
 * of its window to the nearest large cluster centroid, divided by the median such distance over the training
 * windows (so 1 is a typical window, 5 is five times further out than usual).
 */

import { InputError, ParameterError } from '../core/errors';
import { createRng, type Rng } from '../core/random';
import {
  applyScaler,
  checkMatrix,
  completeRows,
  fitRobustScaler,
  intParam,
  numParam,
  selectRows,
  type Scaler,
} from '../features/multivariate';
import { windowFeatures } from '../features/windows';
import { refitting, type BatchDetector } from './shared/refit';
import { emptyOutput, type DetectorInput, type DetectorModel, type DetectorOutput } from './types';

/** Result of `kmeans`: centroids (row-major k x cols), cluster sizes, assignment of each input row. */
export interface KMeansResult {
  centroids: Float64Array;
  k: number;
  sizes: Int32Array;
  /** cluster of each row, -1 for rows with a non-finite cell */
  assignment: Int32Array;
  /** sum of squared distances of rows to their centroids */
  inertia: number;
  iterations: number;
}

function sqDist(a: Float64Array, ao: number, b: Float64Array, bo: number, cols: number): number {
  let d = 0;
  for (let c = 0; c < cols; c++) {
    const t = a[ao + c] - b[bo + c];
    d += t * t;
  }
  return d;
}

function kmeansPlusPlus(X: Float64Array, n: number, cols: number, k: number, rng: Rng): Float64Array {
  const C = new Float64Array(k * cols);
  const d2 = new Float64Array(n).fill(Infinity);
  let first = rng.int(n);
  for (let j = 0; j < k; j++) {
    C.set(X.subarray(first * cols, (first + 1) * cols), j * cols);
    let total = 0;
    for (let i = 0; i < n; i++) {
      const d = sqDist(X, i * cols, C, j * cols, cols);
      if (d < d2[i]) d2[i] = d;
      total += d2[i];
    }
    if (j + 1 === k) break;
    if (total <= 0) {
      first = rng.int(n);
      continue;
    }
    let u = rng.next() * total;
    first = n - 1;
    for (let i = 0; i < n; i++) {
      u -= d2[i];
      if (u < 0) {
        first = i;
        break;
      }
    }
  }
  return C;
}

/**
 * k-means (Lloyd) with k-means++ seeding on the complete rows of a row-major matrix.
 *
 * @param matrix rows x cols; not mutated
 * @param k clusters, integer >= 1 (capped at the number of complete rows)
 * @param opts seed (default 1), maxIter (default 100)
 * @throws InputError for a shape mismatch or no complete row; ParameterError for bad k/options
 */
export function kmeansClusters(
  matrix: Float64Array,
  rows: number,
  cols: number,
  k: number,
  opts: { seed?: number; maxIter?: number } = {}
): KMeansResult {
  checkMatrix(matrix, rows, cols, 'kmeans');
  intParam('kmeans', 'k', k, 1, 1000);
  const maxIter = intParam('kmeans', 'maxIter', opts.maxIter ?? 100, 1);
  const seed = opts.seed ?? 1;
  if (!Number.isFinite(seed)) throw new ParameterError(`kmeans: seed must be a finite number, got ${seed}`);
  const sel = selectRows(matrix, rows, cols, completeRows(matrix, rows, cols));
  const n = sel.rows;
  if (n === 0) throw new InputError('kmeans: no complete row to cluster');
  const kk = Math.min(k, n);
  const X = sel.data;
  const C = kmeansPlusPlus(X, n, cols, kk, createRng(seed));
  const assign = new Int32Array(n).fill(-1);
  const sizes = new Int32Array(kk);
  const sums = new Float64Array(kk * cols);
  let iterations = 0;
  let inertia = 0;
  for (; iterations < maxIter; iterations++) {
    let changed = 0;
    inertia = 0;
    for (let i = 0; i < n; i++) {
      let best = 0;
      let bd = Infinity;
      for (let j = 0; j < kk; j++) {
        const d = sqDist(X, i * cols, C, j * cols, cols);
        if (d < bd) {
          bd = d;
          best = j;
        }
      }
      inertia += bd;
      if (assign[i] !== best) {
        assign[i] = best;
        changed++;
      }
    }
    if (changed === 0 && iterations > 0) break;
    sizes.fill(0);
    sums.fill(0);
    for (let i = 0; i < n; i++) {
      const j = assign[i];
      sizes[j]++;
      for (let c = 0; c < cols; c++) sums[j * cols + c] += X[i * cols + c];
    }
    for (let j = 0; j < kk; j++) {
      if (sizes[j] === 0) continue; // empty cluster keeps its centroid
      for (let c = 0; c < cols; c++) C[j * cols + c] = sums[j * cols + c] / sizes[j];
    }
  }
  sizes.fill(0);
  for (let i = 0; i < n; i++) sizes[assign[i]]++;
  const assignment = new Int32Array(rows).fill(-1);
  for (let i = 0; i < n; i++) assignment[sel.index[i]] = assign[i];
  return { centroids: C, k: kk, sizes, assignment, inertia, iterations };
}

/** Parameters of the `kmeans` detector. */
export interface KMeansParams {
  /** sliding-window context in points for the features (default 12) */
  window: number;
  /** clusters (default 8) */
  k: number;
  /** clusters holding under this share of training windows are rare (default 0.05) */
  rareShare: number;
  seed: number;
}

/** The `kmeans` detector's model. */
export interface KMeansModel extends DetectorModel {
  kind: 'kmeans';
  version: 1;
  params: KMeansParams;
  scaler: Scaler;
  cols: number;
  /** centroids of all clusters, row-major */
  centroids: number[];
  /** share of training windows per cluster */
  shares: number[];
  /** indices of the large (not rare) clusters */
  large: number[];
  /** median training distance to the nearest large centroid (score unit) */
  scale: number;
  /** set when the training series was too short or sparse to cluster: no centroids, every score is NaN */
  untrained?: string;
}

function nearestLargeDistance(X: Float64Array, r: number, cols: number, C: Float64Array, large: number[]): number {
  let bd = Infinity;
  for (const j of large) {
    const d = sqDist(X, r * cols, C, j * cols, cols);
    if (d < bd) bd = d;
  }
  return Math.sqrt(bd);
}

/**
 * The `kmeans` detector (see the file header). Raw score = distance to the nearest large centroid / the median
 * training distance; NaN in the warm-up and at missing points. No expected value or band. Causal. A training
 * series too short or sparse for the window gives a model that judges no point (the reason in `untrained`).
 */
export const kmeansBatch: BatchDetector<KMeansParams, KMeansModel> = {
  name: 'kmeans',
  family: 'multivariate',
  description: 'k-means rare-pattern detection over sliding windows (k-means++ seeding)',
  defaults: { window: 12, k: 8, rareShare: 0.05, seed: 1 },
  params(params: Partial<KMeansParams>): KMeansParams {
    const p = { ...kmeansBatch.defaults, ...params };
    intParam('kmeans', 'window', p.window, 2, 10000);
    intParam('kmeans', 'k', p.k, 1, 1000);
    numParam('kmeans', 'rareShare', p.rareShare, 0, 0.5, false);
    return p;
  },
  fit(train: DetectorInput, params: Partial<KMeansParams> = {}): KMeansModel {
    const p = { ...kmeansBatch.defaults, ...params };
    intParam('kmeans', 'window', p.window, 2, 10000);
    intParam('kmeans', 'k', p.k, 1, 1000);
    numParam('kmeans', 'rareShare', p.rareShare, 0, 0.5, false);
    const fm = windowFeatures(train.values, p.window);
    const scaler = fitRobustScaler(fm.data, fm.rows, fm.cols);
    const X = applyScaler(scaler, fm.data, fm.rows, fm.cols);
    let res: KMeansResult;
    try {
      res = kmeansClusters(X, fm.rows, fm.cols, p.k, { seed: p.seed });
    } catch (e) {
      if (!(e instanceof InputError)) throw e;
      const untrained = `training series too short or too sparse for window ${p.window} (${e.message})`;
      return {
        kind: 'kmeans',
        version: 1,
        params: p,
        scaler,
        cols: fm.cols,
        centroids: [],
        shares: [],
        large: [],
        scale: 1,
        untrained,
      };
    }
    let total = 0;
    for (let j = 0; j < res.k; j++) total += res.sizes[j];
    const shares = Array.from(res.sizes, (s) => s / total);
    let large = shares.map((s, j) => (s >= p.rareShare ? j : -1)).filter((j) => j >= 0);
    if (large.length === 0) large = [shares.indexOf(Math.max(...shares))];
    const dists: number[] = [];
    for (let r = 0; r < fm.rows; r++) {
      if (res.assignment[r] < 0) continue;
      dists.push(nearestLargeDistance(X, r, fm.cols, res.centroids, large));
    }
    dists.sort((a, b) => a - b);
    const med = dists.length ? dists[Math.floor((dists.length - 1) / 2)] : 0;
    const scale = med > 1e-9 ? med : 1;
    return {
      kind: 'kmeans',
      version: 1,
      params: p,
      scaler,
      cols: fm.cols,
      centroids: Array.from(res.centroids),
      shares,
      large,
      scale,
    };
  },
  score(model: KMeansModel, input: DetectorInput): DetectorOutput {
    const out = emptyOutput(input.values.length);
    if (model.large.length === 0) return out;
    const fm = windowFeatures(input.values, model.params.window);
    const X = applyScaler(model.scaler, fm.data, fm.rows, fm.cols);
    const C = Float64Array.from(model.centroids);
    for (let r = 0; r < fm.rows; r++) {
      let ok = true;
      for (let c = 0; c < fm.cols; c++) if (!Number.isFinite(X[r * fm.cols + c])) ok = false;
      if (ok) out.score[r] = nearestLargeDistance(X, r, fm.cols, C, model.large) / model.scale;
    }
    return out;
  },
};

/**
 * The streaming `kmeans` detector: clusters refitted every 288 points on the last 2,000, each new point's window
 * judged by its distance to the nearest large cluster. O(window + k · features) per point.
 */
export const kmeansDetector = refitting(kmeansBatch, (p) => ({
  history: 2000,
  refitEvery: 288,
  minHistory: Math.max(64, 4 * p.window),
  context: p.window + 1,
}));
