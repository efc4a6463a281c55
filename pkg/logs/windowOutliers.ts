/**
 * Unusual windows of log messages: each window (all lines of one interval) is a document whose terms are the
 * templates of its lines, weighted by TF-IDF, and an Isolation Forest scores how isolated each window's vector is
 * among all windows. This is the prototype the Cyber AIOps strategy names (TF-IDF over log messages with Isolation
 * Forest), with templates as terms so that variables (ids, addresses, numbers) do not make every message unique.
 *
 * Sources: TF-IDF as scikit-learn's `TfidfTransformer` computes it (smooth idf: ln((1 + n) / (1 + df)) + 1,
 * l2-normalised rows; Salton & Buckley, "Term-weighting approaches in automatic text retrieval", 1988); Isolation
 * Forest: Liu, Ting & Zhou, ICDM 2008 (`pkg/detectors/isolationForest.ts`, seeded).
 */

import { ParameterError } from '../core/errors';
import { fitIsolationForest, scoreIsolationForest } from '../detectors/isolationForest';

/** Options of `windowOutliers`. */
export interface WindowOutlierOptions {
  /** most frequent templates (by windows they occur in) kept as terms; default 256 */
  maxTerms: number;
  /** Isolation Forest trees, subsample and seed; defaults 100, 256, 1 */
  trees: number;
  sampleSize: number;
  seed: number;
}

export const WINDOW_OUTLIER_DEFAULTS: Readonly<WindowOutlierOptions> = {
  maxTerms: 256,
  trees: 100,
  sampleSize: 256,
  seed: 1,
};

/** The TF-IDF matrix of some windows. */
export interface TfidfMatrix {
  /** rows (windows) x terms, row-major, rows l2-normalised (an empty window is a zero row) */
  data: Float64Array;
  rows: number;
  cols: number;
  /** the term of each column */
  terms: string[];
  /** idf of each column */
  idf: Float64Array;
}

/**
 * TF-IDF of window documents.
 *
 * @param windows the terms (template ids) of each window's lines, one entry per line; not mutated
 * @param maxTerms keep the terms occurring in the most windows (ties by name)
 * @returns the matrix; O(total terms + rows x cols)
 */
export function tfidf(
  windows: readonly (readonly string[])[],
  maxTerms = WINDOW_OUTLIER_DEFAULTS.maxTerms
): TfidfMatrix {
  const df = new Map<string, number>();
  for (const w of windows) for (const t of new Set(w)) df.set(t, (df.get(t) ?? 0) + 1);
  const terms = [...df.keys()]
    .sort((a, b) => (df.get(b) as number) - (df.get(a) as number) || (a < b ? -1 : a > b ? 1 : 0))
    .slice(0, maxTerms);
  const col = new Map(terms.map((t, i) => [t, i]));
  const n = windows.length;
  const cols = terms.length;
  const idf = Float64Array.from(terms, (t) => Math.log((1 + n) / (1 + (df.get(t) as number))) + 1);
  const data = new Float64Array(n * cols);
  windows.forEach((w, r) => {
    for (const t of w) {
      const c = col.get(t);
      if (c !== undefined) data[r * cols + c] += 1;
    }
    let norm = 0;
    for (let c = 0; c < cols; c++) {
      const v = data[r * cols + c] * idf[c];
      data[r * cols + c] = v;
      norm += v * v;
    }
    if (norm > 0) {
      const s = 1 / Math.sqrt(norm);
      for (let c = 0; c < cols; c++) data[r * cols + c] *= s;
    }
  });
  return { data, rows: n, cols, terms, idf };
}

/**
 * Isolation Forest scores of windows' TF-IDF vectors.
 *
 * @param windows the template ids of each window's lines (empty windows are skipped: score NaN)
 * @returns per window the Isolation Forest score s in (0, 1) (about 0.5 typical, towards 1 isolated), NaN for
 *   empty windows, and the matrix; all NaN when fewer than 8 windows hold lines
 * @throws ParameterError for bad options
 */
export function windowOutliers(
  windows: readonly (readonly string[])[],
  options: Partial<WindowOutlierOptions> = {}
): { scores: Float64Array; matrix: TfidfMatrix } {
  const o = { ...WINDOW_OUTLIER_DEFAULTS, ...options };
  if (!Number.isInteger(o.maxTerms) || o.maxTerms < 1) {
    throw new ParameterError(`windowOutliers: maxTerms must be an integer >= 1, got ${o.maxTerms}`);
  }
  const matrix = tfidf(windows, o.maxTerms);
  const scores = new Float64Array(windows.length).fill(NaN);
  const filled = windows.map((w, i) => (w.length > 0 ? i : -1)).filter((i) => i >= 0);
  if (filled.length < 8 || matrix.cols === 0) return { scores, matrix };
  const sub = new Float64Array(filled.length * matrix.cols);
  filled.forEach((r, k) => sub.set(matrix.data.subarray(r * matrix.cols, (r + 1) * matrix.cols), k * matrix.cols));
  const model = fitIsolationForest(sub, filled.length, matrix.cols, {
    trees: o.trees,
    sampleSize: Math.min(o.sampleSize, filled.length),
    seed: o.seed,
  });
  const s = scoreIsolationForest(model, sub, filled.length, matrix.cols);
  filled.forEach((r, k) => (scores[r] = s[k]));
  return { scores, matrix };
}
