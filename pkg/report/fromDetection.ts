import { formatLabels } from '../core/series';
import type { DetectionResult } from '../contract/results';
import type { IncidentEvent } from '../incidents/types';
import type { ReportSeries } from './types';

/**
 * The events and scored series of one detection result (a file or an ad-hoc query) as one job's, for
 * `buildReport` and `groupIncidents`. Event ids are `job|{labels}|start`; each event takes its series' interval.
 *
 * @param result `detect()`'s result (not mutated)
 * @param jobId the job the result stands for, e.g. the file name
 */
export function fromDetection(
  result: DetectionResult,
  jobId: string
): { events: IncidentEvent[]; series: ReportSeries[]; from?: number; to?: number } {
  const interval = new Map(result.series.map((s) => [formatLabels(s.labels), s.intervalMs]));
  const fallback = Math.max(1, ...result.series.map((s) => s.intervalMs));
  const events: IncidentEvent[] = result.anomalies.map((a) => {
    const intervalMs = interval.get(formatLabels(a.labels)) || fallback;
    return { ...a, labels: { ...a.labels }, jobId, intervalMs, id: `${jobId}|${formatLabels(a.labels)}|${a.start}` };
  });
  const series: ReportSeries[] = result.series.map((s) => ({
    jobId,
    labels: s.labels,
    intervalMs: s.intervalMs,
    points: s.points.map((p) => ({
      t: p.t,
      value: p.value,
      expected: p.expected,
      lower: p.lower,
      upper: p.upper,
      anomaly: p.anomaly,
      score: p.score,
    })),
  }));
  let from: number | undefined;
  let to: number | undefined;
  for (const s of result.series) {
    if (s.points.length === 0) continue;
    const first = s.points[0].t;
    const last = s.points[s.points.length - 1].t + Math.max(s.intervalMs, 1);
    from = from === undefined ? first : Math.min(from, first);
    to = to === undefined ? last : Math.max(to, last);
  }
  return { events, series, from, to };
}
