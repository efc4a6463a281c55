import { OUTSIDE, PROBATIONARY, type CostMatrix, type SweepRows, type ThresholdScore } from './types';

/** NAB starts its sweep above every possible score: at 1.1 nothing is detected (all windows missed). */
export const START_THRESHOLD = 1.1;

/**
 * The NAB score of a set of files at every distinct threshold, highest threshold first (port of NAB v1.1
 * `Sweeper.calcScoreByThreshold`, https://github.com/numenta/NAB `nab/sweeper.py`).
 *
 * Rows are visited from the highest anomaly score down; the entry for threshold `t` is the score when every
 * row with `anomalyScore >= t` is a detection. Each window contributes `-fnWeight` until a detection lands
 * in it, then the best (largest) sweep score among its detections, which is the earliest one; each
 * detection outside a window adds its (negative) sweep score. Probationary rows are ignored.
 *
 * @param files prepared rows of one or more files (see `sweepFile`); windows of different files are distinct
 * @returns entries in decreasing threshold order; the first is `START_THRESHOLD` (nothing detected)
 */
export function scoresByThreshold(files: readonly SweepRows[], cost: CostMatrix): ThresholdScore[] {
  let total = 0;
  for (const f of files) for (let i = 0; i < f.window.length; i++) if (f.window[i] !== PROBATIONARY) total++;
  const score = new Float64Array(total);
  const sweep = new Float64Array(total);
  const win = new Int32Array(total);
  // windows that have at least one scorable row get a part (-fnWeight until detected), as NAB does
  let windowBase = 0;
  let k = 0;
  const partIds = new Set<number>();
  for (const f of files) {
    for (let i = 0; i < f.window.length; i++) {
      const w = f.window[i];
      if (w === PROBATIONARY) continue;
      score[k] = f.anomalyScore[i];
      sweep[k] = f.sweepScore[i];
      win[k] = w === OUTSIDE ? OUTSIDE : windowBase + w;
      if (w !== OUTSIDE) partIds.add(windowBase + w);
      k++;
    }
    windowBase += f.windowCount;
  }
  const parts = new Float64Array(windowBase);
  const ids = [...partIds].sort((a, b) => a - b);
  for (const id of ids) parts[id] = -cost.fnWeight;
  // stable sort by decreasing anomaly score (Python's sorted(..., reverse=True) keeps ties in order)
  const order = Array.from({ length: total }, (_, i) => i).sort((a, b) => score[b] - score[a]);

  let tn = 0;
  let fn = 0;
  for (let i = 0; i < total; i++) {
    if (win[i] === OUTSIDE) tn++;
    else fn++;
  }
  let tp = 0;
  let fp = 0;
  let fpScore = 0;
  const current = (threshold: number): ThresholdScore => {
    let s = fpScore;
    for (const id of ids) s += parts[id];
    return { threshold, score: s, tp, tn, fp, fn, total: tp + tn + fp + fn };
  };
  const out: ThresholdScore[] = [];
  let threshold = START_THRESHOLD;
  for (const i of order) {
    if (score[i] !== threshold) {
      out.push(current(threshold));
      threshold = score[i];
    }
    if (win[i] === OUTSIDE) {
      fp++;
      tn--;
      fpScore += sweep[i];
    } else {
      tp++;
      fn--;
      if (sweep[i] > parts[win[i]]) parts[win[i]] = sweep[i];
    }
  }
  out.push(current(threshold));
  return out;
}

/**
 * Pick the entry that applies at `threshold` (detections are rows with `anomalyScore >= threshold`), as
 * NAB v1.1 `Sweeper.scoreDataSet` does: the entry for exactly that threshold, else the one for the lowest
 * swept threshold above it.
 */
export function entryAtThreshold(entries: readonly ThresholdScore[], threshold: number): ThresholdScore {
  let prev = entries[0];
  for (const e of entries) {
    if (e.threshold === threshold) return e;
    if (e.threshold < threshold) return prev;
    prev = e;
  }
  return prev;
}

/**
 * Score one file (or several, as one sum) at a fixed threshold (NAB v1.1 `Sweeper.scoreDataSet`).
 * @returns raw score and tp/tn/fp/fn row counts
 */
export function scoreAtThreshold(rows: SweepRows | readonly SweepRows[], threshold: number, cost: CostMatrix) {
  const files = Array.isArray(rows) ? (rows as readonly SweepRows[]) : [rows as SweepRows];
  return entryAtThreshold(scoresByThreshold(files, cost), threshold);
}

/**
 * Where a file's score comes from, per row, at a fixed threshold (the `S(t)_<profile>` columns of NAB's
 * published results files): each window's final credit (its best detection's sweep score, or -fnWeight
 * when missed) sits on the window's first scored row, each false positive's cost on its own row, 0 elsewhere.
 * The values sum to the file's raw score.
 */
export function scoreContributions(rows: SweepRows, threshold: number, cost: CostMatrix): Float64Array {
  const n = rows.window.length;
  const out = new Float64Array(n);
  const best = new Float64Array(rows.windowCount).fill(-cost.fnWeight);
  const first = new Int32Array(rows.windowCount).fill(-1);
  for (let i = 0; i < n; i++) {
    const w = rows.window[i];
    if (w === PROBATIONARY) continue;
    const detected = rows.anomalyScore[i] >= threshold;
    if (w === OUTSIDE) {
      if (detected) out[i] = rows.sweepScore[i];
      continue;
    }
    if (first[w] < 0) first[w] = i;
    if (detected && rows.sweepScore[i] > best[w]) best[w] = rows.sweepScore[i];
  }
  for (let w = 0; w < rows.windowCount; w++) if (first[w] >= 0) out[first[w]] = best[w];
  return out;
}
