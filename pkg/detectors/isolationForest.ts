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
 *   on a matrix of aligned values;
 * - the `isolationForest` detector: the same forest over sliding-window features of one series
 *   (`windowFeatures`), raw score = s(x) for the ensemble to calibrate.
 */

import { InputError, ParameterError } from '../core/errors';
import { createRng, sampleIndices } from '../core/random';
import { checkMatrix, completeRows, intParam } from '../features/multivariate';
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
