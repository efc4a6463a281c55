import type { ActionConfig } from '../config/action';
import type { Clock } from '../core/clock';
import type { Job } from '../contract/jobs';
import type { IncidentJob } from '../incidents/types';
import { jobTiming } from '../jobs/runner';
import { jobsReport, type JobReportData } from '../report/forJobs';
import { renderReport } from '../report/render';
import { rewriteSummary } from '../report/rewrite';
import { ReportScheduler, type ReportSchedulerDeps } from '../report/schedule';
import type { IncidentRepo } from '../store/incidents';
import type { Repo } from '../store/repo';

/** What a report over jobs reads, from the store: jobs, anomalies (with feedback), incidents, scored series. */
export function jobReportData(repo: Repo, incidents: IncidentRepo, now: () => number): JobReportData {
  return {
    jobs: async () => repo.listJobs(now()),
    anomalies: async (jobId, from, to) => repo.listAnomalies(jobId, from, to, true),
    incidents: async (jobIds, from, to) => (await incidents.listIncidents({ jobIds, from, to, limit: 1000 })).incidents,
    results: async (jobId, from, to) => repo.readResults(jobId, from, to),
    intervalMs: jobIntervalMs,
  };
}

/** A job's grid in ms; a job whose interval does not parse is drawn and grouped on the default minute. */
export function jobIntervalMs(job: Job): number {
  try {
    return jobTiming(job).intervalMs;
  } catch {
    return 60_000;
  }
}

/**
 * What the incident tracker reads of a stored job: its name and grid, and what its notifications link to
 * (criticality, runbook, dashboard panel); undefined for a job that no longer exists.
 */
export function incidentJobs(repo: Repo, now: () => number) {
  return async (id: string): Promise<(IncidentJob & { intervalMs: number }) | undefined> => {
    const j = await repo.getJob(id, now());
    if (!j) return undefined;
    return {
      id: j.id,
      name: j.name,
      intervalMs: jobIntervalMs(j),
      ...(j.criticality ? { criticality: j.criticality } : {}),
      ...(j.runbookUrl ? { runbookUrl: j.runbookUrl } : {}),
      ...(j.dashboardUid ? { dashboardUid: j.dashboardUid } : {}),
      ...(j.panelId !== undefined ? { panelId: j.panelId } : {}),
    };
  };
}

/**
 * The scheduled reports of `vigil serve` (`action.reports`): each renders the report over its jobs for the period it
 * covers (the summary rewritten by the summary model when one is configured) in its format (PDF by default) and sends
 * it. Not started.
 */
export function jobReports(
  action: Pick<ActionConfig, 'reports' | 'summaryModel'>,
  deps: { repo: Repo; incidents: IncidentRepo; clock: Clock; logger: ReportSchedulerDeps['logger'] }
): ReportScheduler {
  const { repo, incidents, clock } = deps;
  return new ReportScheduler(action.reports, {
    clock,
    runs: incidents,
    logger: deps.logger,
    render: async (c, from, to) => {
      const built = await jobsReport(
        jobReportData(repo, incidents, () => clock.now()),
        {
          jobs: c.jobs,
          from,
          to,
          period: '1d',
          now: clock.now(),
          ...(c.title ? { title: c.title } : {}),
        }
      );
      const report = action.summaryModel
        ? { ...built.report, summary: await rewriteSummary(built.report, action.summaryModel) }
        : built.report;
      return renderReport(report, c.format ?? 'pdf', { series: built.series });
    },
  });
}
