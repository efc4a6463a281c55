import {
  checkGroup,
  emptyJudgement,
  groupScale,
  MIN_PEERS,
  sensitivityToK,
  sortedAt,
  sortedMedian,
  type PeerJudgement,
} from './group';

/** Epsilon in robust standard deviations of the group, per unit of the MAD method's k (2.6 at the default 0.5). */
const EPS_PER_K = 0.75;

/**
 * Peer-group outliers by density clustering: at each time, DBSCAN over the group's values at that time (one dimension,
 * minPts 2, so a cluster is a run of sorted values with no gap wider than epsilon); the largest cluster is the group's
 * normal behaviour and its range the normal band; a series outside it (noise or a smaller cluster) is outlying at that
 * time. When two clusters tie for the largest, no series is outlying at that time (the group has no majority).
 *
 * Epsilon is scale-free: the group's spread (the robust standard deviation of every value's residual from its time's
 * median, pooled over the range: 1.4826 · MAD, or 1.2533 · mean absolute deviation when the MAD is 0) times a factor from the sensitivity, three quarters of
 * the MAD method's k (2.6 at the default 0.5, 4.1 at 0, 1.1 at 1). One epsilon serves the whole range, so the band follows
 * the group as it moves together (a daily rhythm, a trend) while a series that leaves it stands apart.
 *
 * Deviation: inside the band, the distance from the cluster's median over the distance to the band's edge on that side
 * (0 to 1); outside, 1 + the distance to the band over epsilon.
 *
 * Use: Grafana Machine Learning's DBSCAN outlier detector, for series that move together ("Detect outliers in a
 * group", grafana.com/docs/grafana-cloud/machine-learning). Method: Ester, Kriegel, Sander and Xu, "A density-based
 * algorithm for discovering clusters in large spatial databases with noise", KDD 1996.
 *
 * @param values the group: one Float64Array per series, all on one grid (same length); NaN or ±Infinity for a missing
 *   point. Never mutated.
 * @param sensitivity 0-1, higher flags more (default 0.5)
 * @returns deviations (1 at the band's edge) and the band, per point; points where fewer than 3 series have a value,
 *   or where the largest cluster is tied, are not judged (NaN). O(T · n log n) for T points of n series.
 * @throws InputError with fewer than 3 series or series of different lengths
 * @throws ParameterError when the sensitivity is not in [0, 1]
 * @example peerDbscan([a, b, c, d], 0.5).deviation[3] // d's distance from the group's main cluster, per point
 */
export function peerDbscan(values: readonly Float64Array[], sensitivity = 0.5): PeerJudgement {
  const n = checkGroup(values, sensitivity);
  const out = emptyJudgement(values.length, n);
  const vals = new Float64Array(values.length);
  const who = new Int32Array(values.length);
  const eps = groupScale(values, n).sd * EPS_PER_K * sensitivityToK(sensitivity);
  for (let i = 0; i < n; i++) {
    const m = sortedAt(values, i, vals, who);
    if (m < MIN_PEERS) continue;
    // the largest run of sorted values with no gap wider than eps: vals[a..b)
    let a = 0;
    let b = 0;
    let tied = false;
    for (let start = 0; start < m;) {
      let end = start + 1;
      while (end < m && vals[end] - vals[end - 1] <= eps) end++;
      if (end - start > b - a) {
        a = start;
        b = end;
        tied = false;
      } else if (end - start === b - a) tied = true;
      start = end;
    }
    if (tied) continue;
    const centre = sortedMedian(vals, a, b);
    const lower = vals[a];
    const upper = vals[b - 1];
    out.median[i] = centre;
    out.lower[i] = lower;
    out.upper[i] = upper;
    for (let j = 0; j < m; j++) {
      const x = vals[j];
      let dev: number;
      if (j < a) dev = 1 + (lower - x) / eps;
      else if (j >= b) dev = 1 + (x - upper) / eps;
      else if (x === centre) dev = 0;
      else dev = x < centre ? (centre - x) / (centre - lower) : (x - centre) / (upper - centre);
      out.deviation[who[j]][i] = dev;
    }
  }
  return out;
}
