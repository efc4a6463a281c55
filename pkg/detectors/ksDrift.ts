/**
 * Drift by the two-sample Kolmogorov-Smirnov test (Kolmogorov 1933; Smirnov 1939): the largest distance
 * between the empirical distribution functions of a reference window and a recent window, and its p-value.
 * A p-value below 0.01 means the recent distribution no longer matches the reference: drift.
 *
 * p-values follow scipy.stats.ks_2samp(method='auto', alternative='two-sided'): exact when both samples hold at
 * most 10,000 values — lattice-path counting after Hodges ("The significance probability of the Smirnov
 * two-sample test", Arkiv för Matematik 3, 1958), computed as the complement directly as in Viehmann
 * ("Numerically more stable computation of the p-values for the two-sample Kolmogorov-Smirnov test",
 * arXiv:2102.08037, 2021), and the reflection series for equal sizes — else asymptotic. Our asymptotic branch
 * uses Kolmogorov's limiting distribution with Stephens' small-sample correction
 * (lambda = (sqrt(en) + 0.12 + 0.11 / sqrt(en)) * D, Stephens 1970), where scipy evaluates the finite-n
 * Kolmogorov distribution at round(en); both agree to a few percent there.
 */

import { InputError } from '../core/errors';
import { intParam, numParam } from '../features/multivariate';
import { refitting, type BatchDetector } from './shared/refit';
import { emptyOutput, type DetectorInput, type DetectorModel, type DetectorOutput } from './types';

/** Result of a two-sample KS test: statistic D in [0, 1] and the two-sided p-value. */
export interface KsResult {
  statistic: number;
  pValue: number;
}

/** Largest sample size for which the exact p-value is used (as scipy's MAX_AUTO_N). */
export const KS_EXACT_MAX_N = 10000;

function gcd(a: number, b: number): number {
  while (b) {
    const t = a % b;
    a = b;
    b = t;
  }
  return a;
}

/** D = sup |F1 - F2| over two ascending-sorted samples (ties handled as scipy: right-continuous ECDFs). */
export function ksStatisticSorted(a: Float64Array, b: Float64Array): number {
  const n1 = a.length;
  const n2 = b.length;
  let i = 0;
  let j = 0;
  let maxS = 0;
  let minS = 0;
  while (i < n1 || j < n2) {
    // next distinct value in the union
    const v = j >= n2 || (i < n1 && a[i] <= b[j]) ? a[i] : b[j];
    while (i < n1 && a[i] <= v) i++;
    while (j < n2 && b[j] <= v) j++;
    const diff = i / n1 - j / n2;
    if (diff > maxS) maxS = diff;
    if (diff < minS) minS = diff;
  }
  return Math.max(maxS, Math.min(1, -minS));
}

/** P(D >= h/n) for two samples of equal size n (reflection principle; Hodges 1958). */
function probOutsideSquare(n: number, h: number): number {
  let p = 0;
  for (let k = Math.floor(n / h); k >= 0; k--) {
    let term = 1;
    for (let j = 0; j < h; j++) term = ((n - k * h - j) * term) / (n + k * h + j + 1);
    p = term * (1 - p);
  }
  return 2 * p;
}

/**
 * P(D >= h / lcm(m, n)): the share of monotone lattice paths from (0,0) to (m,n) that leave the band
 * |x/m - y/n| < h/lcm, recursing on the complement column by column (Viehmann 2021) over a sliding window.
 */
function probOutsideBand(m: number, n: number, g: number, h: number): number {
  if (m < n) {
    const t = m;
    m = n;
    n = t;
  }
  const mg = m / g;
  const ng = n / g;
  let minj = 0;
  let maxj = Math.min(Math.ceil(h / mg), n + 1);
  let curlen = maxj - minj;
  const lenA = Math.min(2 * maxj + 2, n + 1);
  const A = new Float64Array(Math.max(lenA, 1)).fill(1);
  const inv = new Float64Array(m + n + 1);
  for (let k = 1; k <= m + n; k++) inv[k] = 1 / k;
  for (let j = minj; j < maxj; j++) A[j] = 0;
  for (let i = 1; i <= m; i++) {
    const lastminj = minj;
    const lastlen = curlen;
    minj = Math.min(Math.max(Math.floor((ng * i - h) / mg) + 1, 0), n);
    maxj = Math.min(Math.ceil((ng * i + h) / mg), n + 1);
    if (maxj <= minj) return 1;
    let val = minj === 0 ? 0 : 1;
    const shift = minj - lastminj;
    for (let jj = 0; jj < maxj - minj; jj++) {
      const j = jj + minj;
      // multiply by a tabulated 1 / (i + j): the loop is latency-bound on val, and a division is slow
      val = (A[jj + shift] * i + val * j) * inv[i + j];
      A[jj] = val;
    }
    curlen = maxj - minj;
    if (lastlen > curlen) A.fill(1, maxj - minj, maxj - minj + (lastlen - curlen));
  }
  return A[maxj - minj - 1];
}

/** Survival function of Kolmogorov's limiting distribution, Q(lambda) = P(K > lambda). */
export function kolmogorovSf(lambda: number): number {
  if (!(lambda > 0)) return 1;
  if (lambda < 1.18) {
    // P(K <= l) = sqrt(2 pi) / l * sum exp(-(2k-1)^2 pi^2 / (8 l^2))
    const w = (Math.PI * Math.PI) / (8 * lambda * lambda);
    let s = 0;
    for (let k = 1; k <= 20; k++) s += Math.exp(-(2 * k - 1) * (2 * k - 1) * w);
    return Math.min(1, Math.max(0, 1 - (Math.sqrt(2 * Math.PI) / lambda) * s));
  }
  let s = 0;
  for (let k = 1; k <= 100; k++) {
    const term = Math.exp(-2 * k * k * lambda * lambda);
    s += (k % 2 === 1 ? 1 : -1) * term;
    if (term < 1e-300) break;
  }
  return Math.min(1, Math.max(0, 2 * s));
}

/**
 * Two-sided p-value of a KS statistic `d` for sample sizes n1, n2 (scipy's 'auto' method), with `d` snapped to
 * the lattice h / lcm(n1, n2) first in the exact branch, as scipy does.
 *
 * @param cache optional memo keyed by (n2, h): the rolling detector meets the same lattice points again and again
 */
export function ksPValue(n1: number, n2: number, d: number, cache?: Map<number, number>): KsResult {
  if (Math.max(n1, n2) <= KS_EXACT_MAX_N) {
    const g = gcd(n1, n2);
    const lcm = (n1 / g) * n2;
    const h = Math.round(d * lcm);
    const statistic = h / lcm;
    if (h === 0) return { statistic, pValue: 1 };
    const key = n2 * (lcm + 1) + h;
    const hit = cache?.get(key);
    if (hit !== undefined) return { statistic, pValue: hit };
    const p = n1 === n2 ? probOutsideSquare(n1, h) : probOutsideBand(n1, n2, g, h);
    const pValue = Math.min(1, Math.max(0, p));
    cache?.set(key, pValue);
    return { statistic, pValue };
  }
  const en = (n1 * n2) / (n1 + n2);
  const s = Math.sqrt(en);
  return { statistic: d, pValue: Math.min(1, Math.max(0, kolmogorovSf((s + 0.12 + 0.11 / s) * d))) };
}

/** KS test on samples already sorted ascending and free of NaN (no checks). */
export function ksTestSorted(a: Float64Array, b: Float64Array, cache?: Map<number, number>): KsResult {
  return ksPValue(a.length, b.length, ksStatisticSorted(a, b), cache);
}

/**
 * Two-sample two-sided Kolmogorov-Smirnov test, p-values as scipy.stats.ks_2samp (see the file header).
 * NaN values are ignored; the inputs are not mutated.
 *
 * @param a reference sample (any units)
 * @param b sample to compare, same units
 * @returns `{ statistic, pValue }`, statistic = sup |F_a - F_b| in [0, 1]
 * @throws InputError when either sample has no non-NaN value
 * @example ksTest(Float64Array.of(1, 2, 3), Float64Array.of(4, 5, 6)) // { statistic: 1, pValue: 0.1 }
 */
export function ksTest(a: ArrayLike<number>, b: ArrayLike<number>): KsResult {
  const sa = Float64Array.from(a)
    .filter((v) => !Number.isNaN(v))
    .sort();
  const sb = Float64Array.from(b)
    .filter((v) => !Number.isNaN(v))
    .sort();
  if (sa.length === 0 || sb.length === 0) {
    throw new InputError(`ksTest: both samples need at least one value, got ${sa.length} and ${sb.length}`);
  }
  return ksTestSorted(sa, sb);
}

/** Drift verdict between a reference and a recent window. */
export interface DriftStatus extends KsResult {
  drift: boolean;
  alpha: number;
}

/**
 * Drift status of a recent window against a reference window: drift when the KS p-value is below `alpha`.
 * @param alpha significance level in (0, 1), default 0.01
 * @throws InputError when a window is empty; ParameterError for a bad alpha
 */
export function driftStatus(reference: ArrayLike<number>, recent: ArrayLike<number>, alpha = 0.01): DriftStatus {
  numParam('ksDrift', 'alpha', alpha, 0, 1);
  const r = ksTest(reference, recent);
  return { ...r, alpha, drift: r.pValue < alpha };
}

/** Parameters of the `ksDrift` detector. */
export interface KsDriftParams {
  /** reference: the last `reference` present points of the training series */
  reference: number;
  /** recent window in points, ending at the scored point */
  window: number;
  /** present points the recent window needs before a point is judged */
  minPoints: number;
  /** drift when p < alpha (reported in the model; the raw score is -log10 p) */
  alpha: number;
}

/** The `ksDrift` model: the sorted reference sample. */
export interface KsDriftModel extends DetectorModel {
  kind: 'ksDrift';
  version: 1;
  params: KsDriftParams;
  /** reference values, ascending */
  reference: number[];
}

/**
 * The `ksDrift` detector: at each point, a KS test of the trailing `window` points against the reference;
 * raw score -log10(p) (2 = p of 0.01, the drift threshold). No expected value or band. Causal.
 */
export const ksDriftBatch: BatchDetector<KsDriftParams, KsDriftModel> = {
  name: 'ksDrift',
  family: 'drift',
  description: 'two-sample Kolmogorov-Smirnov test of a rolling recent window against the training reference',
  defaults: { reference: 1000, window: 60, minPoints: 30, alpha: 0.01 },
  params(params: Partial<KsDriftParams>): KsDriftParams {
    const p = { ...ksDriftBatch.defaults, ...params };
    intParam('ksDrift', 'reference', p.reference, 2, KS_EXACT_MAX_N);
    intParam('ksDrift', 'window', p.window, 2, KS_EXACT_MAX_N);
    intParam('ksDrift', 'minPoints', p.minPoints, 2, p.window);
    numParam('ksDrift', 'alpha', p.alpha, 0, 1);
    return p;
  },
  fit(train: DetectorInput, params: Partial<KsDriftParams> = {}): KsDriftModel {
    const p = { ...ksDriftBatch.defaults, ...params };
    intParam('ksDrift', 'reference', p.reference, 2, KS_EXACT_MAX_N);
    intParam('ksDrift', 'window', p.window, 2, KS_EXACT_MAX_N);
    intParam('ksDrift', 'minPoints', p.minPoints, 2, p.window);
    numParam('ksDrift', 'alpha', p.alpha, 0, 1);
    const present = train.values.filter((v) => !Number.isNaN(v));
    if (present.length < 2)
      throw new InputError(`ksDrift: training series needs at least 2 present values, got ${present.length}`);
    const reference = Array.from(present.subarray(Math.max(0, present.length - p.reference)).sort());
    return { kind: 'ksDrift', version: 1, params: p, reference };
  },
  score(model: KsDriftModel, input: DetectorInput): DetectorOutput {
    const { window, minPoints } = model.params;
    const ref = Float64Array.from(model.reference);
    const values = input.values;
    const out = emptyOutput(values.length);
    const buf = new Float64Array(window);
    const cache = new Map<number, number>();
    for (let t = 0; t < values.length; t++) {
      if (Number.isNaN(values[t])) continue;
      let n = 0;
      for (let i = Math.max(0, t - window + 1); i <= t; i++) if (!Number.isNaN(values[i])) buf[n++] = values[i];
      if (n < minPoints) continue;
      const recent = buf.slice(0, n).sort();
      const { pValue } = ksTestSorted(ref, recent, cache);
      out.score[t] = -Math.log10(Math.max(pValue, 1e-300));
    }
    return out;
  },
};

/**
 * The streaming `ksDrift` detector: the reference is the `reference` points before the recent window, renewed
 * every `reference` points; each point's trailing window is tested against it. O(window · log window) per point.
 */
export const ksDriftDetector = refitting(ksDriftBatch, (p) => ({
  history: p.reference + p.window,
  refitEvery: p.reference,
  minHistory: p.reference + p.window,
  context: p.window,
}));
