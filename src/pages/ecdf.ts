/** Empirical distribution functions for the drift page (pure). */

/** The empirical distribution function of an ascending sample as steps: [value, share of the sample <= value]. */
export function ecdfSteps(sorted: readonly number[]): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  const n = sorted.length;
  for (let i = 0; i < n; i++) {
    // ties: one step to the share after the last equal value
    if (i + 1 < n && sorted[i + 1] === sorted[i]) continue;
    out.push([sorted[i], (i + 1) / n]);
  }
  return out;
}

/**
 * Where two ascending samples' ECDFs are furthest apart (the KS statistic D and the value at which it is reached).
 * @returns `{ at, d, a, b }`: the value, the distance, and each ECDF there; `d` is 0 for an empty sample
 */
export function largestGap(
  a: readonly number[],
  b: readonly number[]
): { at: number; d: number; a: number; b: number } {
  let i = 0;
  let j = 0;
  let best = { at: NaN, d: 0, a: 0, b: 0 };
  if (a.length === 0 || b.length === 0) return best;
  while (i < a.length || j < b.length) {
    const v = j >= b.length || (i < a.length && a[i] <= b[j]) ? a[i] : b[j];
    while (i < a.length && a[i] <= v) i++;
    while (j < b.length && b[j] <= v) j++;
    const fa = i / a.length;
    const fb = j / b.length;
    if (Math.abs(fa - fb) > best.d) best = { at: v, d: Math.abs(fa - fb), a: fa, b: fb };
  }
  return best;
}
