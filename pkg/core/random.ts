/**
 * Seeded pseudo-random numbers for detectors: the same seed gives the same sequence on every machine.
 *
 * Generator: mulberry32 (Tommy Ettinger, 2017; public domain), a 32-bit state generator with full period 2^32
 * that passes PractRand up to 2^32 outputs. It is more than enough to draw subsamples and split values in
 * Isolation Forest, k-means++ seeding and solver subsampling; it is not for cryptography.
 */

import { ParameterError } from './errors';

/** A seeded generator. All methods advance the same internal state. */
export interface Rng {
  /** uniform float in [0, 1) with 32 bits of randomness */
  next(): number;
  /** uniform integer in [0, n); throws ParameterError unless n is a positive integer below 2^32 */
  int(n: number): number;
  /** uniform float in [lo, hi) */
  uniform(lo: number, hi: number): number;
  /** normal deviate with the given mean (default 0) and standard deviation (default 1), by Box-Muller */
  normal(mean?: number, sd?: number): number;
  /** the current 32-bit state, to resume a generator with `createRng(state)` */
  state(): number;
}

/**
 * Create a mulberry32 generator.
 *
 * @param seed any finite number; it is reduced to an unsigned 32-bit integer (fractions are truncated)
 * @throws ParameterError when the seed is not finite
 * @example const rng = createRng(42); rng.next(); // 0.6011037519201636
 */
export function createRng(seed: number): Rng {
  if (!Number.isFinite(seed)) throw new ParameterError(`random: seed must be a finite number, got ${seed}`);
  let a = Math.trunc(seed) >>> 0;
  let spare = NaN;
  const next = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int(n: number): number {
      if (!Number.isInteger(n) || n <= 0 || n > 4294967296) {
        throw new ParameterError(`random: int(n) needs an integer 1 <= n <= 2^32, got ${n}`);
      }
      return Math.floor(next() * n);
    },
    uniform(lo: number, hi: number): number {
      return lo + (hi - lo) * next();
    },
    normal(mean = 0, sd = 1): number {
      if (!Number.isNaN(spare)) {
        const s = spare;
        spare = NaN;
        return mean + sd * s;
      }
      let u = 0;
      while (u === 0) u = next();
      const v = next();
      const r = Math.sqrt(-2 * Math.log(u));
      spare = r * Math.sin(2 * Math.PI * v);
      return mean + sd * r * Math.cos(2 * Math.PI * v);
    },
    state(): number {
      return a;
    },
  };
}

/**
 * Draw `k` distinct indices from [0, n) uniformly without replacement (partial Fisher-Yates on an index array).
 * When k >= n, returns a permutation of all n indices.
 *
 * @returns Int32Array of length min(k, n), in draw order
 * @throws ParameterError when n or k is not a non-negative integer
 */
export function sampleIndices(rng: Rng, n: number, k: number): Int32Array {
  if (!Number.isInteger(n) || n < 0)
    throw new ParameterError(`random: population size must be an integer >= 0, got ${n}`);
  if (!Number.isInteger(k) || k < 0) throw new ParameterError(`random: sample size must be an integer >= 0, got ${k}`);
  const m = Math.min(k, n);
  const idx = new Int32Array(n);
  for (let i = 0; i < n; i++) idx[i] = i;
  for (let i = 0; i < m; i++) {
    const j = i + rng.int(n - i);
    const t = idx[i];
    idx[i] = idx[j];
    idx[j] = t;
  }
  return idx.slice(0, m);
}
