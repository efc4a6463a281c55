import type { Labels } from '../core/series';
import type { OutlierResult, OutlierSeries } from '../contract/outliers';
import type { AnomalyEvent } from '../contract/results';
import { severityOf } from '../contract/rules';
import { formatNumber, formatTime, seriesName } from '../incidents/format';

/** How an outlier job's events name their method in `detectors` (e.g. `peer_mad`), beside the ensemble's detectors. */
export function peerDetectorName(algorithm: OutlierResult['algorithm']): string {
  return `peer_${algorithm}`;
}

/** An outlier job's event: an anomaly event that also says it came from a peer group and how it was judged. */
export type OutlierEvent = AnomalyEvent & {
  kind: 'outlier';
  algorithm: OutlierResult['algorithm'];
  /** how many other series the group held */
  peers: number;
};

/**
 * The events of one run of an `outliers` job: one per outlying interval of a series (a run of at least `minDuration`
 * outlying points, as `peerOutlierResult` reports it), not one per point, so that the job's outliers reach incidents,
 * Grafana annotations and notifications the way a detection job's anomalies do.
 *
 * Each event spans the interval (`start`, `end`: epoch ms of its first and last point); its peak is the point of the
 * highest 0-100 outlier score, where `actual` is the series' value, `expected` the group's median and `direction`
 * the side of the median it lies on; `detectors` holds the method (`peer_dbscan` or `peer_mad`) with that score;
 * `confidence` is 1 (one method judges); the explanation names the series, its peers, the algorithm, its sensitivity,
 * the interval and the figures at the peak. Events carry `kind: 'outlier'`, the `algorithm` and the number of `peers`.
 *
 * Only intervals that end after `since` are returned: a run passes the time up to which earlier runs already raised
 * events (less the `minDuration` points it rewrites), so an interval seen again by the next run comes back only while
 * it is still open, and the store joins it with the event already recorded (`Repo.recordAnomaly`).
 *
 * @param res the group judged over the run's window (`peerOutlierResult`); not mutated
 * @param since epoch ms; intervals whose last point is at or before it are left out (-Infinity: all)
 * @param extraLabels labels added to each series' own (the job's `labels`)
 * @param peers how many other series the group held (default: those of `res`, when it holds the whole group)
 * @returns the events, by series in the order of `res.series`, then by start
 */
export function outlierEvents(
  res: OutlierResult,
  since: number,
  extraLabels: Labels = {},
  peers = res.series.length - 1
): OutlierEvent[] {
  const events: OutlierEvent[] = [];
  for (const s of res.series) {
    for (const iv of s.intervals) {
      if (iv.end <= since) continue;
      const ev = intervalEvent(res, s, iv, peers, { ...s.labels, ...extraLabels });
      if (ev) events.push(ev);
    }
  }
  return events;
}

function intervalEvent(
  res: OutlierResult,
  s: OutlierSeries,
  iv: { start: number; end: number },
  peers: number,
  labels: Labels
): OutlierEvent | undefined {
  let peak = -1;
  for (let i = 0; i < s.points.length; i++) {
    const p = s.points[i];
    if (p.t < iv.start || p.t > iv.end || p.score === null || p.value === null) continue;
    if (peak < 0 || p.score > (s.points[peak].score as number)) peak = i;
  }
  if (peak < 0) return undefined;
  const p = s.points[peak];
  const band = res.band[peak]?.t === p.t ? res.band[peak] : res.band.find((b) => b.t === p.t);
  const actual = p.value as number;
  const score = Math.round((p.score as number) * 10) / 10;
  const expected = band?.median ?? NaN;
  const direction = actual < expected ? 'below' : 'above';
  const method = `${res.algorithm === 'mad' ? 'MAD' : 'DBSCAN'}, sensitivity ${res.sensitivity}`;
  const bandText =
    band && band.lower !== null && band.upper !== null
      ? ` (band ${formatNumber(band.lower)} to ${formatNumber(band.upper)})`
      : '';
  const median = Number.isNaN(expected)
    ? 'with no group median'
    : `${direction} the group median ${formatNumber(expected)}`;
  return {
    start: iv.start,
    end: iv.end,
    labels,
    severity: severityOf(score),
    score,
    peak: p.t,
    detectors: { [peerDetectorName(res.algorithm)]: score },
    expected,
    actual,
    direction,
    confidence: 1,
    explanation:
      `${seriesName(labels)} was unlike its ${peers} peers (${method}) from ${formatTime(iv.start)} to ` +
      `${formatTime(iv.end)} UTC; at its peak it was ${formatNumber(actual)}, ${median}${bandText}; outlier score ${Math.round(score)}`,
    kind: 'outlier',
    algorithm: res.algorithm,
    peers,
  };
}
