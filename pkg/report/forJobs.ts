import { InputError } from '../core/errors';
import { formatLabels, type Labels } from '../core/series';
import type { Job } from '../contract/jobs';
import type { StoredAnomaly } from '../contract/results';
import { groupIncidents } from '../incidents/group';
import type { Incident, IncidentEvent, IncidentJob } from '../incidents/types';
import { buildReport } from './model';
import type { GroundTruth, Report, ReportPeriod, ReportSeries } from './types';

/** What a report over jobs reads (the store, through the repository). */
export interface JobReportData {
  jobs(): Promise<Job[]>;
  /** anomalies of a job starting in [from, to], suppressed ones included */
  anomalies(jobId: string, from: number, to: number): Promise<StoredAnomaly[]>;
  /** stored incidents of these jobs overlapping [from, to] */
  incidents(jobIds: string[], from: number, to: number): Promise<Incident[]>;
  /** scored points of a job's series in [from, to] */
  results(
    jobId: string,
    from: number,
    to: number
  ): Promise<
    {
      labels: Labels;
      points: {
        t: number;
        value: number | null;
        expected: number | null;
        lower: number | null;
        upper: number | null;
        anomaly: boolean;
      }[];
    }[]
  >;
  /** a job's grid interval in ms */
  intervalMs(job: Job): number;
}

export interface JobReportOptions {
  /** job ids or names (default: every job) */
  jobs?: string[];
  from: number;
  to: number;
  period: ReportPeriod;
  /** engine time of the report */
  now: number;
  title?: string;
}

/**
 * A report over saved jobs in [from, to]: their stored incidents (grouped from the anomalies when the store holds
 * none for the range), their anomalies (false positives left out), precision from the users' feedback verdicts, and
 * the scored series around the incidents that stand out for the charts.
 *
 * @throws InputError naming a job that does not exist, or for a bad range
 */
export async function jobsReport(
  data: JobReportData,
  options: JobReportOptions
): Promise<{ report: Report; series: ReportSeries[] }> {
  const all = await data.jobs();
  let jobs = all;
  if (options.jobs && options.jobs.length) {
    jobs = options.jobs.map((key) => {
      const j = all.find((x) => x.id === key || x.name === key);
      if (!j) throw new InputError(`job "${key}" does not exist`, { field: 'job' });
      return j;
    });
  }
  const incidentJobs: Record<string, IncidentJob> = Object.fromEntries(
    jobs.map((j) => [
      j.id,
      {
        id: j.id,
        name: j.name,
        ...(j.criticality ? { criticality: j.criticality } : {}),
        ...(j.runbookUrl ? { runbookUrl: j.runbookUrl } : {}),
        ...(j.dashboardUid ? { dashboardUid: j.dashboardUid } : {}),
        ...(j.panelId !== undefined ? { panelId: j.panelId } : {}),
      },
    ])
  );
  const events: IncidentEvent[] = [];
  const verdicts: { eventId: string; verdict: 'false_positive' | 'expected' | 'confirmed' }[] = [];
  for (const j of jobs) {
    const intervalMs = data.intervalMs(j);
    for (const a of await data.anomalies(j.id, options.from, options.to)) {
      if (a.feedback) verdicts.push({ eventId: a.id, verdict: a.feedback.verdict });
      if (a.suppressedBy) continue;
      const { feedback: _f, suppressedBy: _s, ...event } = a;
      events.push({ ...event, jobId: j.id, intervalMs });
    }
  }
  const ids = jobs.map((j) => j.id);
  let incidents = (await data.incidents(ids, options.from, options.to)).filter((i) =>
    i.jobs.some((j) => ids.includes(j.id))
  );
  if (incidents.length === 0 && events.length) incidents = groupIncidents(events, incidentJobs);
  const truth: GroundTruth | undefined = verdicts.length ? { kind: 'feedback', verdicts } : undefined;
  const names = jobs.map((j) => j.name);
  const report = buildReport({
    title:
      options.title ??
      `Vigil report: ${names.length === all.length && !options.jobs?.length ? 'all jobs' : names.join(', ')}`,
    source: jobs.length === 1 ? `job ${names[0]}` : `${jobs.length} jobs`,
    from: options.from,
    to: options.to,
    period: options.period,
    generatedAt: options.now,
    events,
    jobs: incidentJobs,
    incidents,
    ...(truth ? { truth } : {}),
  });
  // the scored series of the headline incidents, around them
  const series: ReportSeries[] = [];
  for (const inc of report.incidents.filter((i) => report.headline.includes(i.id))) {
    const pad = Math.max(36 * 3_600_000, 2 * (inc.end - inc.start));
    for (const j of inc.jobs) {
      const job = jobs.find((x) => x.id === j.id);
      if (!job) continue;
      const wanted = new Set(
        inc.series.filter((f) => (f.jobId ?? j.id) === j.id).map((f) => formatLabels(f.labels ?? {}))
      );
      for (const s of await data.results(j.id, inc.start - pad, inc.end + pad)) {
        if (!wanted.has(formatLabels(s.labels))) continue;
        series.push({ jobId: j.id, labels: s.labels, intervalMs: data.intervalMs(job), points: s.points });
      }
    }
  }
  return { report, series };
}
