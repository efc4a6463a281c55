/**
 * Pure helpers of the job editor's lifecycle fields: maintenance windows as the form edits them (one-off, with times
 * in the browser's time zone, or recurring, with cron fields), what is wrong with one before the engine is asked, and
 * one-line descriptions for the jobs page. The engine checks the same rules again (pkg/core/maintenance.ts) and names
 * the window in its error. Also the files of job export and import.
 */
import type { Job, JobExport, JobListExport, MaintenanceWindow } from '../../pkg/contract';

export const DURATION = /^\d+(ms|s|m|h|d|w)$/;

/**
 * Epoch ms -> the value of an `<input type="datetime-local">` (`YYYY-MM-DDTHH:mm`, the browser's local time);
 * '' for undefined.
 */
export function toLocalInput(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms)) return '';
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
}

/** The value of an `<input type="datetime-local">` (local time) -> epoch ms; undefined when empty or invalid. */
export function fromLocalInput(s: string): number | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(s.trim());
  if (!m) return undefined;
  const [, y, mo, d, h, mi, sec] = m.map(Number);
  const t = new Date(y, mo - 1, d, h, mi, Number.isFinite(sec) ? sec : 0).getTime();
  return Number.isFinite(t) ? t : undefined;
}

/** Whether a window is recurring (cron and duration) rather than one-off (from and to). */
export function isRecurring(w: MaintenanceWindow): boolean {
  return w.cron !== undefined || w.duration !== undefined;
}

/**
 * What is wrong with maintenance window `i` (one-off: both times, the end after the start; recurring: five cron fields
 * and a duration like 2h), or undefined.
 */
export function maintenanceProblem(w: MaintenanceWindow, i: number): string | undefined {
  const which = `Maintenance window ${i + 1}${w.name ? ` (${w.name})` : ''}`;
  if (isRecurring(w)) {
    if (!w.cron || w.cron.trim().split(/\s+/).length !== 5)
      return `${which}: cron needs five fields: minute hour day-of-month month day-of-week (e.g. 0 2 * * 6)`;
    if (!w.duration || !DURATION.test(w.duration)) return `${which}: duration is not a duration like 2h`;
    return undefined;
  }
  if (w.from === undefined || w.to === undefined) return `${which}: set its start and its end`;
  if (w.to <= w.from) return `${which}: the end must be after the start`;
  return undefined;
}

const fmt = (t: number) => new Date(t).toISOString().replace('T', ' ').slice(0, 16);

/** One line for a window: `nightly backup: 0 2 * * * for 2h (Europe/Paris)` or `upgrade: 2026-12-05 02:00 to ... UTC`. */
export function describeWindow(w: MaintenanceWindow): string {
  const name = w.name ? `${w.name}: ` : '';
  if (isRecurring(w)) return `${name}${w.cron} for ${w.duration} (${w.timezone ?? 'UTC'})`;
  return `${name}${fmt(w.from!)} to ${fmt(w.to!)} UTC`;
}

/**
 * A job's lifecycle state for the jobs page: `warming up` (with how many series still learn and when the last will be
 * judged), `in maintenance` (until when), or undefined when it judges normally.
 */
export function lifecycleState(
  job: Pick<Job, 'status' | 'warmup' | 'maintenance'>
): { kind: 'warming_up' | 'maintenance'; text: string; title: string } | undefined {
  if (job.maintenance?.active) {
    const until = job.maintenance.until !== undefined ? ` until ${fmt(job.maintenance.until)} UTC` : '';
    return {
      kind: 'maintenance',
      text: `in maintenance${until}`,
      title: `${job.maintenance.name ?? 'A maintenance window'} is in force: the job scores but raises no event`,
    };
  }
  if (job.status === 'warming_up') {
    const w = job.warmup;
    const of = w ? ` (${w.warmingUp} of ${w.series} series)` : '';
    const ready = w?.readyAt !== undefined ? `; judged from ${fmt(w.readyAt)} UTC` : '';
    return {
      kind: 'warming_up',
      text: `warming up${of}`,
      title: `Still learning its series' normal behaviour: no band, score or event yet${ready}`,
    };
  }
  if (job.warmup && job.warmup.warmingUp > 0) {
    const ready = job.warmup.readyAt !== undefined ? `; all judged from ${fmt(job.warmup.readyAt)} UTC` : '';
    return {
      kind: 'warming_up',
      text: `${job.warmup.warmingUp} of ${job.warmup.series} series warming up`,
      title: `New series learn their normal behaviour before they are judged${ready}`,
    };
  }
  return undefined;
}

/** A file name for an export: `vigil-jobs.json`, or `vigil-job-<name>.json` with the name made file-safe. */
export function exportFileName(jobName?: string): string {
  if (jobName === undefined) return 'vigil-jobs.json';
  const safe = jobName
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
  return `vigil-job-${safe || 'job'}.json`;
}

/**
 * Read an exported jobs file (`kind: Job` or `kind: JobList`, as GET /api/jobs/export writes it) for
 * POST /api/jobs/import.
 * @throws Error naming what is wrong with the file (not JSON, not a Vigil export)
 */
export function parseJobsFile(text: string, fileName: string): JobExport | JobListExport {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new Error(`${fileName} is not JSON: ${(e as Error).message}`, { cause: e });
  }
  const d = doc as { apiVersion?: unknown; kind?: unknown };
  if (!d || typeof d !== 'object' || (d.kind !== 'Job' && d.kind !== 'JobList')) {
    throw new Error(`${fileName} is not a Vigil job export (kind Job or JobList, from Export)`);
  }
  return doc as JobExport | JobListExport;
}
