import { CronExpressionParser } from 'cron-parser';
import { InputError } from './errors';
import { parseInterval } from './interval';
import type { MaintenanceWindow } from '../contract/jobs';

/** A maintenance window in force at some time: its name and when it ends (epoch ms, exclusive). */
export interface ActiveWindow {
  name?: string;
  start: number;
  end: number;
}

/** Longest recurring window (a week): a longer one would always be in force. */
const MAX_RECURRING_MS = 7 * 86_400_000;

/**
 * Check a job's maintenance windows: each is one-off (`from` < `to`, epoch ms) or recurring (`cron`, five fields,
 * parsed by `cron-parser`, in `timezone` (IANA, default UTC), lasting `duration`, at most a week).
 *
 * @throws InputError naming the window (`maintenanceWindows[i]`) and what is wrong with it
 */
export function validateMaintenanceWindows(windows: MaintenanceWindow[] | undefined): void {
  (windows ?? []).forEach((w, i) => {
    const field = `maintenanceWindows[${i}]`;
    const oneOff = w.from !== undefined || w.to !== undefined;
    const recurring = w.cron !== undefined || w.duration !== undefined;
    if (oneOff && recurring) {
      throw new InputError('give from and to (a one-off window) or cron and duration (a recurring one), not both', {
        field,
      });
    }
    if (oneOff) {
      if (w.from === undefined || w.to === undefined || !Number.isFinite(w.from) || !Number.isFinite(w.to)) {
        throw new InputError('a one-off window needs both from and to (epoch ms)', { field });
      }
      if (w.to <= w.from) throw new InputError(`"to" (${w.to}) must be after "from" (${w.from})`, { field });
      if (w.timezone !== undefined)
        throw new InputError('timezone applies to a recurring (cron) window only', { field });
      return;
    }
    if (!recurring) {
      throw new InputError('give from and to (a one-off window) or cron and duration (a recurring one)', { field });
    }
    if (w.cron === undefined) throw new InputError('a recurring window needs cron (e.g. "0 2 * * 6")', { field });
    if (w.duration === undefined) throw new InputError('a recurring window needs duration (e.g. 2h)', { field });
    if (w.cron.trim().split(/\s+/).length !== 5) {
      throw new InputError(
        `cron "${w.cron}" must have five fields: minute hour day-of-month month day-of-week (e.g. "0 2 * * 6")`,
        { field: `${field}.cron` }
      );
    }
    const ms = parseInterval(w.duration, `${field}.duration`);
    if (ms > MAX_RECURRING_MS) {
      throw new InputError(`duration "${w.duration}" is longer than a week`, { field: `${field}.duration` });
    }
    if (w.timezone !== undefined && !validTimeZone(w.timezone)) {
      throw new InputError(`"${w.timezone}" is not an IANA time zone (e.g. Europe/Paris)`, {
        field: `${field}.timezone`,
      });
    }
    try {
      CronExpressionParser.parse(w.cron, { tz: w.timezone ?? 'UTC', currentDate: new Date(0) }).next();
    } catch (err) {
      throw new InputError(`cron "${w.cron}" is not valid: ${(err as Error).message}`, { field: `${field}.cron` });
    }
  });
}

function validTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/**
 * The maintenance window in force at `t` (epoch ms), if any; when several are, the one ending last. A one-off window
 * covers [from, to); a recurring one [occurrence, occurrence + duration) for each time its cron fires.
 * Windows are assumed valid (`validateMaintenanceWindows`).
 */
export function activeWindow(windows: MaintenanceWindow[] | undefined, t: number): ActiveWindow | undefined {
  let best: ActiveWindow | undefined;
  for (const w of windows ?? []) {
    let hit: ActiveWindow | undefined;
    if (w.from !== undefined && w.to !== undefined) {
      if (t >= w.from && t < w.to) hit = { name: w.name, start: w.from, end: w.to };
    } else if (w.cron !== undefined && w.duration !== undefined) {
      const ms = parseInterval(w.duration);
      // the latest firing at or before t: step back from just after t
      const it = CronExpressionParser.parse(w.cron, { tz: w.timezone ?? 'UTC', currentDate: new Date(t + 1) });
      const start = it.prev().getTime();
      if (t >= start && t < start + ms) hit = { name: w.name, start, end: start + ms };
    }
    if (hit && (!best || hit.end > best.end)) best = hit;
  }
  return best;
}

/**
 * A fast membership test for the times of one run: `inMaintenance(t)` for t in [from, to]. Recurring windows are
 * expanded once over the range (the firings from `from - a week` to `to`), so a run of thousands of points asks the
 * cron parser a few times, not once per point.
 */
export function maintenanceTester(
  windows: MaintenanceWindow[] | undefined,
  from: number,
  to: number
): (t: number) => ActiveWindow | undefined {
  const spans: ActiveWindow[] = [];
  for (const w of windows ?? []) {
    if (w.from !== undefined && w.to !== undefined) {
      if (w.to > from && w.from <= to) spans.push({ name: w.name, start: w.from, end: w.to });
    } else if (w.cron !== undefined && w.duration !== undefined) {
      const ms = parseInterval(w.duration);
      const it = CronExpressionParser.parse(w.cron, {
        tz: w.timezone ?? 'UTC',
        currentDate: new Date(from - ms - 1),
        endDate: new Date(to + 1),
      });
      while (it.hasNext()) {
        const start = it.next().getTime();
        if (start > to) break;
        if (start + ms > from) spans.push({ name: w.name, start, end: start + ms });
        if (spans.length > 100_000) break; // a cron firing every minute over a long range: enough to answer
      }
    }
  }
  spans.sort((a, b) => a.start - b.start);
  let longest = 0;
  for (const s of spans) longest = Math.max(longest, s.end - s.start);
  return (t) => {
    // the last span starting at or before t, then back over those that can still cover t
    let lo = 0;
    let hi = spans.length - 1;
    let i = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (spans[mid].start <= t) {
        i = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    let best: ActiveWindow | undefined;
    for (; i >= 0 && spans[i].start > t - longest; i--) {
      const s = spans[i];
      if (t < s.end && (!best || s.end > best.end)) best = s;
    }
    return best;
  };
}
