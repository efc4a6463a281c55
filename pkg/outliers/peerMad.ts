import { checkGroup, emptyJudgement, groupScale, sensitivityToK, type PeerJudgement } from './group';

/**
 * Peer-group outliers by the group's double MAD: at each time, each series' distance from the median of the group at
 * that time, in robust standard deviations of the group's residuals (every value minus its time's median, pooled over
 * the range) on its own side of the median: the median absolute residual of the values below the median for lower
 * values, of those above it for higher ones, times 1.4826. The normal band is median - k · sdLow to
 * median + k · sdHigh, with k from the sensitivity (3.5 at 0.5); a series outside it is outlying at that time. When
 * more than half the residuals of a side are 0 (MAD 0), their mean absolute deviation times 1.2533 stands in; when all
 * are 0, nothing on that side is outlying.
 *
 * Use: Grafana Machine Learning's MAD outlier detector, for groups that stay within a stable band ("Detect outliers
 * in a group", grafana.com/docs/grafana-cloud/machine-learning). Method: Hampel's identifier with a double MAD for
 * skewed groups (Rosenmai, "Using the median absolute deviation to find outliers", 2013), the cut-off and the
 * mean-absolute-deviation fallback of Iglewicz and Hoaglin ("How to Detect and Handle Outliers", 1993).
 *
 * @param values the group: one Float64Array per series, all on one grid (same length); NaN or ±Infinity for a missing
 *   point. Never mutated.
 * @param sensitivity 0-1, higher flags more (default 0.5)
 * @returns deviations (1 at the band's edge) and the band, per point; points where fewer than 3 series have a value
 *   are not judged (NaN). O(T · n log n) for T points of n series.
 * @throws InputError with fewer than 3 series or series of different lengths
 * @throws ParameterError when the sensitivity is not in [0, 1]
 * @example peerMad([a, b, c, d], 0.5).deviation[3] // d's distance from the group, per point
 */
export function peerMad(values: readonly Float64Array[], sensitivity = 0.5): PeerJudgement {
  const n = checkGroup(values, sensitivity);
  const k = sensitivityToK(sensitivity);
  const out = emptyJudgement(values.length, n);
  const { median, sdLow, sdHigh } = groupScale(values, n);
  for (let i = 0; i < n; i++) {
    const med = median[i];
    if (Number.isNaN(med)) continue;
    out.median[i] = med;
    out.lower[i] = med - k * sdLow;
    out.upper[i] = med + k * sdHigh;
    for (let s = 0; s < values.length; s++) {
      const d = values[s][i] - med;
      if (!Number.isFinite(d)) continue;
      const sd = d < 0 ? sdLow : sdHigh;
      out.deviation[s][i] = d === 0 || sd === 0 ? 0 : Math.abs(d) / (k * sd);
    }
  }
  return out;
}
