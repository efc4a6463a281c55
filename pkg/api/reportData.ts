import { jobTiming } from '../jobs/runner';
import type { JobReportData } from '../report/forJobs';
import type { IncidentRepo } from '../store/incidents';
import type { Repo } from '../store/repo';

/** What a report over jobs reads, from the store: jobs, anomalies (with feedback), incidents, scored series. */
export function jobReportData(repo: Repo, incidents: IncidentRepo, now: () => number): JobReportData {
  return {
    jobs: async () => repo.listJobs(now()),
    anomalies: async (jobId, from, to) => repo.listAnomalies(jobId, from, to, true),
    incidents: async (jobIds, from, to) => (await incidents.listIncidents({ jobIds, from, to, limit: 1000 })).incidents,
    results: async (jobId, from, to) => repo.readResults(jobId, from, to),
    intervalMs: (job) => {
      try {
        return jobTiming(job).intervalMs;
      } catch {
        return 60_000;
      }
    },
  };
}
