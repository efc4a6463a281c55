/**
 * Causal seasonal baseline for the statistical detectors: the expected value of point t is the median of the
 * values at the same phase of the previous `cycles` seasons (t - P, t - 2P, ...). Subtracting it leaves
 * residuals that rolling detectors can judge without confusing the daily rhythm with anomalies — the idea of
 * Twitter's Seasonal Hybrid ESD (Hochenbaum, Vallis & Kejariwal, "Automatic Anomaly Detection in the Cloud
 * Via Statistical Learning", 2017), here with a causal seasonal-naive median instead of STL.
 */

export interface SeasonalResidual {
  /** value minus baseline; NaN where either is missing */
  residual: Float64Array;
  /** same-phase median of the previous cycles; NaN during the first season or when all are missing */
  baseline: Float64Array;
}

/**
 * @param values series values (NaN = missing); not mutated
 * @param period season length in points (>= 2)
 * @param cycles previous seasons in the median (default 3)
 * O(n · cycles · log cycles).
 */
export function seasonalResidual(values: Float64Array, period: number, cycles = 3): SeasonalResidual {
  const n = values.length;
  const residual = new Float64Array(n).fill(NaN);
  const baseline = new Float64Array(n).fill(NaN);
  const buf: number[] = [];
  for (let i = period; i < n; i++) {
    buf.length = 0;
    for (let c = 1; c <= cycles && i - c * period >= 0; c++) {
      const v = values[i - c * period];
      if (!Number.isNaN(v)) buf.push(v);
    }
    if (buf.length === 0) continue;
    buf.sort((a, b) => a - b);
    const m = buf.length >> 1;
    const b = buf.length % 2 ? buf[m] : (buf[m - 1] + buf[m]) / 2;
    baseline[i] = b;
    if (!Number.isNaN(values[i])) residual[i] = values[i] - b;
  }
  return { residual, baseline };
}

/**
 * Run a detector body on seasonal residuals when `season` > 1, shifting its expected value and band back by the
 * baseline; otherwise on the raw values. `body` receives the values to judge and fills an output in their units.
 */
export function withSeason<T extends { expected: Float64Array; lower: Float64Array; upper: Float64Array }>(
  values: Float64Array,
  season: number,
  body: (v: Float64Array) => T
): T {
  if (!(season > 1) || values.length <= season) return body(values);
  const { residual, baseline } = seasonalResidual(values, season);
  const out = body(residual);
  for (let i = 0; i < values.length; i++) {
    out.expected[i] += baseline[i];
    out.lower[i] += baseline[i];
    out.upper[i] += baseline[i];
  }
  return out;
}
