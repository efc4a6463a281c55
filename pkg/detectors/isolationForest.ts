/**
 * Isolation Forest: Liu, Ting & Zhou, "Isolation Forest", ICDM 2008 (and "Isolation-based anomaly detection",
 * ACM TKDD 2012). Anomalies are few and different, so random axis-parallel splits isolate them in fewer steps:
 * the anomaly score of a row x is s(x) = 2^(-E[h(x)] / c(psi)), where h is the path length in one tree (plus
 * c(size) for the unresolved points at a leaf), psi the subsample size and c(n) = 2 H(n-1) - 2 (n-1) / n the
 * average path length of an unsuccessful binary-search-tree lookup. s near 1: anomaly; well below 0.5: normal.
 *
 * Our own seeded implementation over typed arrays: every tree lives in flat node arrays (feature, split value,
 * left/right child, leaf adjustment), so fitting and scoring allocate nothing per row. Two APIs:
 * - multivariate: `fitIsolationForest(matrix, rows, cols, opts)` / `scoreIsolationForest(model, matrix, rows, cols)`
 *   on aligned series (e.g. access-log requests, error rate, unique clients, requests per session);
 * - the `isolationForest` detector: the same forest over sliding-window features of one series
 *   (`windowFeatures`), raw score = s(x) for the ensemble to calibrate.
 */

import { InputError, ParameterError } from '../core/errors';
import { createRng, sampleIndices } from '../core/random';
import type { Series } from '../core/series';
import {
  alignSeries,
  applyScaler,
  checkMatrix,
  completeRows,
  fitRobustScaler,
  intParam,
} from '../features/multivariate';
import { windowFeatures } from '../features/windows';
import { refitting, type BatchDetector } from './shared/refit';
import { emptyOutput, type DetectorInput, type DetectorModel, type DetectorOutput } from './types';

const EULER_GAMMA = 0.5772156649015329;

/**
 * c(n): average path length of an unsuccessful search in a binary search tree of n points (Liu et al. 2008,
 * eq. 1), with c(1) = 0 and c(2) = 1.
 */
export function averagePathLength(n: number): number {
  if (n <= 1) return 0;
  if (n === 2) return 1;
  return 2 * (Math.log(n - 1) + EULER_GAMMA) - (2 * (n - 1)) / n;
}

/** Options of `fitIsolationForest`. */
export interface IsolationForestOptions {
  /** number of trees (default 100) */
  trees: number;
  /** subsample size psi per tree (default 256; capped at the number of complete rows) */
  sampleSize: number;
  /** PRNG seed (default 1) */
  seed: number;
}

export const ISOLATION_FOREST_DEFAULTS: IsolationForestOptions = { trees: 100, sampleSize: 256, seed: 1 };

/**
 * A fitted forest, plain JSON. Nodes of all trees are stored flat: tree k's root is `roots[k]`; a node i is a
 * leaf when `feature[i] === -1`, and then `leafValue[i]` = depth + c(leaf size); otherwise rows with
 * x[feature] < split[i] go to `left[i]`, the rest to `right[i]`, which is always `left[i] + 1`.
 */
export interface IsolationForestModel {
  kind: 'isolationForestModel';
  version: 1;
  cols: number;
  /** subsample size actually used (psi) and c(psi) */
  sampleSize: number;
  cPsi: number;
  roots: number[];
  feature: number[];
  split: number[];
  left: number[];
  right: number[];
  leafValue: number[];
}

function checkOptions(opts: Partial<IsolationForestOptions>): IsolationForestOptions {
  const o = { ...ISOLATION_FOREST_DEFAULTS, ...opts };
  intParam('isolationForest', 'trees', o.trees, 1, 10000);
  intParam('isolationForest', 'sampleSize', o.sampleSize, 2, 1 << 20);
  if (typeof o.seed !== 'number' || !Number.isFinite(o.seed)) {
    throw new ParameterError(`isolationForest: seed must be a finite number, got ${JSON.stringify(o.seed)}`);
  }
  return o;
}

/**
 * Fit an Isolation Forest on a row-major matrix. Rows with a non-finite cell are left out of training.
 *
 * @param matrix rows x cols, row-major (`matrix[r * cols + c]`); not mutated
 * @param opts trees (100), sampleSize (256), seed (1)
 * @returns the model (plain JSON)
 * @throws InputError on a shape mismatch or fewer than 2 complete rows; ParameterError for bad options
 */
export function fitIsolationForest(
  matrix: Float64Array,
  rows: number,
  cols: number,
  opts: Partial<IsolationForestOptions> = {}
): IsolationForestModel {
  checkMatrix(matrix, rows, cols, 'isolationForest');
  const o = checkOptions(opts);
  // complete rows only
  const complete = completeRows(matrix, rows, cols);
  const valid: number[] = [];
  for (let r = 0; r < rows; r++) if (complete[r]) valid.push(r);
  if (valid.length < 2) {
    throw new InputError(`isolationForest: need at least 2 complete rows to fit, got ${valid.length} of ${rows}`);
  }
  const psi = Math.min(o.sampleSize, valid.length);
  const heightLimit = Math.ceil(Math.log2(psi));
  const rng = createRng(o.seed);

  const feature: number[] = [];
  const split: number[] = [];
  const left: number[] = [];
  const right: number[] = [];
  const leafValue: number[] = [];
  const roots: number[] = [];
  const idx = new Int32Array(psi);
  const featOrder = new Int32Array(cols);
  // explicit stack of (node, lo, hi, depth)
  const stack: number[] = [];

  const newNode = (): number => {
    feature.push(-1);
    split.push(0);
    left.push(-1);
    right.push(-1);
    leafValue.push(0);
    return feature.length - 1;
  };

  for (let t = 0; t < o.trees; t++) {
    const sample = sampleIndices(rng, valid.length, psi);
    for (let i = 0; i < psi; i++) idx[i] = valid[sample[i]];
    const root = newNode();
    roots.push(root);
    stack.push(root, 0, psi, 0);
    while (stack.length > 0) {
      const depth = stack.pop() as number;
      const hi = stack.pop() as number;
      const lo = stack.pop() as number;
      const node = stack.pop() as number;
      const size = hi - lo;
      if (depth >= heightLimit || size <= 1) {
        leafValue[node] = depth + averagePathLength(size);
        continue;
      }
      // random feature among the non-constant ones (random order, first with a spread)
      for (let c = 0; c < cols; c++) featOrder[c] = c;
      let chosen = -1;
      let fmin = 0;
      let fmax = 0;
      for (let k = 0; k < cols && chosen < 0; k++) {
        const j = k + rng.int(cols - k);
        const f = featOrder[j];
        featOrder[j] = featOrder[k];
        featOrder[k] = f;
        let mn = Infinity;
        let mx = -Infinity;
        for (let i = lo; i < hi; i++) {
          const v = matrix[idx[i] * cols + f];
          if (v < mn) mn = v;
          if (v > mx) mx = v;
        }
        if (mx > mn) {
          chosen = f;
          fmin = mn;
          fmax = mx;
        }
      }
      if (chosen < 0) {
        // all rows identical: cannot be split further
        leafValue[node] = depth + averagePathLength(size);
        continue;
      }
      let s = fmin + rng.next() * (fmax - fmin);
      if (s <= fmin) s = fmax; // guard against rounding: keep both sides non-empty
      // partition idx[lo..hi) so rows with x < s come first
      let a = lo;
      let b = hi - 1;
      while (a <= b) {
        if (matrix[idx[a] * cols + chosen] < s) a++;
        else {
          const tmp = idx[a];
          idx[a] = idx[b];
          idx[b] = tmp;
          b--;
        }
      }
      const l = newNode();
      const r = newNode();
      feature[node] = chosen;
      split[node] = s;
      left[node] = l;
      right[node] = r;
      stack.push(l, lo, a, depth + 1, r, a, hi, depth + 1);
    }
  }
  return {
    kind: 'isolationForestModel',
    version: 1,
    cols,
    sampleSize: psi,
    cPsi: averagePathLength(psi),
    roots,
    feature,
    split,
    left,
    right,
    leafValue,
  };
}

/**
 * Anomaly scores s(x) = 2^(-E[h(x)] / c(psi)) in (0, 1] for every row; NaN for rows with a non-finite cell.
 *
 * @param model a model from `fitIsolationForest` (or `isolationForestFromJSON`)
 * @param matrix rows x cols, row-major; not mutated
 * @throws InputError on a shape mismatch or when cols differs from the model's
 */
export function scoreIsolationForest(
  model: IsolationForestModel,
  matrix: Float64Array,
  rows: number,
  cols: number
): Float64Array {
  checkMatrix(matrix, rows, cols, 'isolationForest');
  if (cols !== model.cols)
    throw new InputError(`isolationForest: model was fitted on ${model.cols} columns, got ${cols}`);
  const feature = Int32Array.from(model.feature);
  const split = Float64Array.from(model.split);
  const left = Int32Array.from(model.left);
  const leafValue = Float64Array.from(model.leafValue);
  const valid = new Uint8Array(rows);
  for (let r = 0; r < rows; r++) {
    let ok = 1;
    for (let c = 0; c < cols; c++) if (!Number.isFinite(matrix[r * cols + c])) ok = 0;
    valid[r] = ok;
  }
  // row-outer loop (the flat trees stay in cache while each row is read once), four rows walked together so
  // their independent node lookups overlap
  const roots = Int32Array.from(model.roots);
  const nTrees = roots.length;
  const depthSum = new Float64Array(rows);
  let r = 0;
  for (; r + 4 <= rows; r += 4) {
    const b0 = r * cols;
    const b1 = b0 + cols;
    const b2 = b1 + cols;
    const b3 = b2 + cols;
    let t0 = 0;
    let t1 = 0;
    let t2 = 0;
    let t3 = 0;
    for (let k = 0; k < nTrees; k++) {
      const root = roots[k];
      let n0 = root;
      let n1 = root;
      let n2 = root;
      let n3 = root;
      const f = feature[root];
      // all four share the tree's height limit, so step them in lockstep while any is inside
      let f0 = f;
      let f1 = f;
      let f2 = f;
      let f3 = f;
      while (f0 >= 0 || f1 >= 0 || f2 >= 0 || f3 >= 0) {
        if (f0 >= 0) {
          n0 = left[n0] + +(matrix[b0 + f0] >= split[n0]);
          f0 = feature[n0];
        }
        if (f1 >= 0) {
          n1 = left[n1] + +(matrix[b1 + f1] >= split[n1]);
          f1 = feature[n1];
        }
        if (f2 >= 0) {
          n2 = left[n2] + +(matrix[b2 + f2] >= split[n2]);
          f2 = feature[n2];
        }
        if (f3 >= 0) {
          n3 = left[n3] + +(matrix[b3 + f3] >= split[n3]);
          f3 = feature[n3];
        }
      }
      t0 += leafValue[n0];
      t1 += leafValue[n1];
      t2 += leafValue[n2];
      t3 += leafValue[n3];
    }
    depthSum[r] = t0;
    depthSum[r + 1] = t1;
    depthSum[r + 2] = t2;
    depthSum[r + 3] = t3;
  }
  for (; r < rows; r++) {
    const base = r * cols;
    let total = 0;
    for (let k = 0; k < nTrees; k++) {
      let node = roots[k];
      let f = feature[node];
      while (f >= 0) {
        // children are allocated side by side (right = left + 1): a branch-free step
        node = left[node] + +(matrix[base + f] >= split[node]);
        f = feature[node];
      }
      total += leafValue[node];
    }
    depthSum[r] = total;
  }
  const out = new Float64Array(rows);
  const trees = model.roots.length;
  const cPsi = model.cPsi > 0 ? model.cPsi : 1;
  for (let r = 0; r < rows; r++) out[r] = valid[r] ? Math.pow(2, -depthSum[r] / trees / cPsi) : NaN;
  return out;
}

/** The model as a JSON string. */
export function isolationForestToJSON(model: IsolationForestModel): string {
  return JSON.stringify(model);
}

/**
 * Parse and validate a model serialised by `isolationForestToJSON` (string or parsed object).
 * @throws InputError naming the first field that is missing or inconsistent
 */
export function isolationForestFromJSON(json: string | unknown): IsolationForestModel {
  let m: unknown;
  try {
    m = typeof json === 'string' ? JSON.parse(json) : json;
  } catch (e) {
    throw new InputError(`isolationForest model: not JSON (${(e as Error).message})`);
  }
  const o = m as Record<string, unknown>;
  if (!o || typeof o !== 'object' || o.kind !== 'isolationForestModel') {
    throw new InputError('isolationForest model: kind must be "isolationForestModel"', { field: 'kind' });
  }
  if (o.version !== 1)
    throw new InputError(`isolationForest model: unsupported version ${String(o.version)}`, { field: 'version' });
  for (const f of ['cols', 'sampleSize', 'cPsi']) {
    if (typeof o[f] !== 'number') throw new InputError('isolationForest model: must be a number', { field: f });
  }
  const arrays = ['roots', 'feature', 'split', 'left', 'right', 'leafValue'];
  for (const f of arrays) {
    if (!Array.isArray(o[f]) || !(o[f] as unknown[]).every((v) => typeof v === 'number')) {
      throw new InputError('isolationForest model: must be an array of numbers', { field: f });
    }
  }
  const nodes = (o.feature as number[]).length;
  for (const f of ['split', 'left', 'right', 'leafValue']) {
    if ((o[f] as number[]).length !== nodes) {
      throw new InputError(`isolationForest model: length ${(o[f] as number[]).length} != ${nodes} nodes`, {
        field: f,
      });
    }
  }
  const feature = o.feature as number[];
  const cols = o.cols as number;
  for (let i = 0; i < nodes; i++) {
    if (feature[i] >= cols)
      throw new InputError(`isolationForest model: node ${i} splits on column ${feature[i]} >= cols`, {
        field: 'feature',
      });
    if (feature[i] >= 0) {
      const l = (o.left as number[])[i];
      const r = (o.right as number[])[i];
      if (!(l > i && r === l + 1 && r < nodes)) {
        throw new InputError(`isolationForest model: node ${i} must have children left > ${i} and right = left + 1`, {
          field: 'left',
        });
      }
    }
  }
  for (const r of o.roots as number[]) {
    if (!(r >= 0 && r < nodes))
      throw new InputError(`isolationForest model: root ${r} out of range`, { field: 'roots' });
  }
  return o as unknown as IsolationForestModel;
}

/**
 * Drift by anomaly rate (Isolation Forest scores): the share of recent rows scoring above the reference's
 * (1 - expectedRate) quantile. When the recent distribution matches the reference that share is about
 * `expectedRate`; over `factor` (default 2) times the expected rate means drift.
 *
 * @param referenceScores scores of the reference rows (e.g. the training rows); NaN ignored
 * @param recentScores scores of the recent rows; NaN ignored
 * @param opts expectedRate in (0, 0.5] (default 0.01), factor > 1 (default 2)
 * @returns threshold, the measured rate, expectedRate, ratio rate/expectedRate and the drift flag
 * @throws InputError when either side has no finite score; ParameterError for bad options
 */
export function isolationForestRateDrift(
  referenceScores: Float64Array,
  recentScores: Float64Array,
  opts: { expectedRate?: number; factor?: number } = {}
): { threshold: number; rate: number; expectedRate: number; ratio: number; drift: boolean } {
  const expectedRate = opts.expectedRate ?? 0.01;
  const factor = opts.factor ?? 2;
  if (!(expectedRate > 0 && expectedRate <= 0.5)) {
    throw new ParameterError(`isolationForestRateDrift: expectedRate must be in (0, 0.5], got ${expectedRate}`);
  }
  if (!(factor > 1 && Number.isFinite(factor))) {
    throw new ParameterError(`isolationForestRateDrift: factor must be a finite number > 1, got ${factor}`);
  }
  const ref = referenceScores.filter((v) => Number.isFinite(v)).sort();
  if (ref.length === 0) throw new InputError('isolationForestRateDrift: reference has no finite score');
  const h = (ref.length - 1) * (1 - expectedRate);
  const lo = Math.floor(h);
  const threshold = ref[lo] + (h - lo) * (ref[Math.min(lo + 1, ref.length - 1)] - ref[lo]);
  let n = 0;
  let above = 0;
  for (let i = 0; i < recentScores.length; i++) {
    const v = recentScores[i];
    if (!Number.isFinite(v)) continue;
    n++;
    if (v > threshold) above++;
  }
  if (n === 0) throw new InputError('isolationForestRateDrift: recent window has no finite score');
  const rate = above / n;
  return { threshold, rate, expectedRate, ratio: rate / expectedRate, drift: rate > factor * expectedRate };
}

/** Result of `isolationForestOnSeries`: one row per aligned timestamp. */
export interface MultivariateScores {
  /** epoch ms of each row (the union of the series' timestamps) */
  timestamps: Float64Array;
  /** column names: the series' label sets */
  names: string[];
  /** s(x) in (0, 1] per row; NaN where a series has no value */
  score: Float64Array;
  /** per row, the column furthest from its median in robust standard deviations (-1 when the row is NaN) */
  topFeature: Int32Array;
  /** that column's signed robust z-score */
  topZ: Float64Array;
  model: IsolationForestModel;
}

/**
 * Multivariate Isolation Forest over several aligned series, e.g. the access-log metrics of one site
 * (requests, error_rate, unique_clients, requests_per_session): aligns them on their timestamps, fits on every
 * complete row and scores every row; also names each row's most deviating series (robust z-score against the
 * column median and IQR / 1.349) so a report can say which feature drove an anomaly.
 *
 * @param series two or more series (one works too); values in any units (Isolation Forest is scale invariant)
 * @param opts forest options (trees 100, sampleSize 256, seed 1)
 * @throws InputError when no series is given or fewer than 2 timestamps have every series present
 */
export function isolationForestOnSeries(
  series: Series[],
  opts: Partial<IsolationForestOptions> = {}
): MultivariateScores {
  const m = alignSeries(series);
  const model = fitIsolationForest(m.data, m.rows, m.cols, opts);
  const score = scoreIsolationForest(model, m.data, m.rows, m.cols);
  const z = applyScaler(fitRobustScaler(m.data, m.rows, m.cols), m.data, m.rows, m.cols);
  const topFeature = new Int32Array(m.rows).fill(-1);
  const topZ = new Float64Array(m.rows).fill(NaN);
  for (let r = 0; r < m.rows; r++) {
    if (Number.isNaN(score[r])) continue;
    let best = -1;
    for (let c = 0; c < m.cols; c++) {
      const v = z[r * m.cols + c];
      if (best < 0 || Math.abs(v) > Math.abs(z[r * m.cols + best])) best = c;
    }
    topFeature[r] = best;
    topZ[r] = z[r * m.cols + best];
  }
  return { timestamps: m.timestamps, names: m.names, score, topFeature, topZ, model };
}

/** Parameters of the `isolationForest` detector. */
export interface IsolationForestParams {
  /** sliding-window context in points for the features (default 12) */
  window: number;
  trees: number;
  sampleSize: number;
  seed: number;
}

/** The `isolationForest` detector's model. */
export interface IsolationForestDetectorModel extends DetectorModel {
  kind: 'isolationForest';
  version: 1;
  params: IsolationForestParams;
  /** null when the training series was too short or sparse to fit (see `untrained`): every score is NaN */
  forest: IsolationForestModel | null;
  /** why no forest was fitted */
  untrained?: string;
}

/**
 * The `isolationForest` detector: an Isolation Forest over `windowFeatures` (value, delta, deviation, volatility,
 * trend) of the training series; the raw score of a point is s(x) in (0, 1] (NaN in the warm-up and at missing
 * points). No expected value or band (NaN): it judges shape, not level. A training series too short or sparse
 * for the window gives a model that judges no point (all NaN, the reason in `untrained`), like a rolling
 * detector that never leaves its warm-up, so an ensemble goes on with its other detectors.
 */
export const isolationForestBatch: BatchDetector<IsolationForestParams, IsolationForestDetectorModel> = {
  name: 'isolationForest',
  family: 'multivariate',
  description: 'Isolation Forest (Liu et al. 2008) over sliding-window features',
  defaults: { window: 12, trees: 100, sampleSize: 256, seed: 1 },
  params(params: Partial<IsolationForestParams>): IsolationForestParams {
    const p = { ...isolationForestBatch.defaults, ...params };
    intParam('isolationForest', 'window', p.window, 2, 10000);
    intParam('isolationForest', 'trees', p.trees, 1, 10000);
    intParam('isolationForest', 'sampleSize', p.sampleSize, 2, 1_000_000);
    return p;
  },
  fit(train: DetectorInput, params: Partial<IsolationForestParams> = {}): IsolationForestDetectorModel {
    const p = { ...isolationForestBatch.defaults, ...params };
    intParam('isolationForest', 'window', p.window, 2, 10000);
    const fm = windowFeatures(train.values, p.window);
    let forest: IsolationForestModel;
    try {
      forest = fitIsolationForest(fm.data, fm.rows, fm.cols, {
        trees: p.trees,
        sampleSize: p.sampleSize,
        seed: p.seed,
      });
    } catch (e) {
      if (!(e instanceof InputError)) throw e;
      const untrained = `training series too short or too sparse for window ${p.window} (${e.message})`;
      return { kind: 'isolationForest', version: 1, params: p, forest: null, untrained };
    }
    return { kind: 'isolationForest', version: 1, params: p, forest };
  },
  score(model: IsolationForestDetectorModel, input: DetectorInput): DetectorOutput {
    const out = emptyOutput(input.values.length);
    if (!model.forest) return out;
    const fm = windowFeatures(input.values, model.params.window);
    out.score.set(scoreIsolationForest(model.forest, fm.data, fm.rows, fm.cols));
    return out;
  },
};

/**
 * The streaming `isolationForest` detector: the forest is refitted every 288 points on the last 2,000 and judges
 * each new point's feature window. O(window + trees · log sampleSize) per point.
 */
export const isolationForestDetector = refitting(isolationForestBatch, (p) => ({
  history: 2000,
  refitEvery: 288,
  minHistory: Math.max(64, 4 * p.window),
  context: p.window + 1,
}));
