import { seriesName } from '../incidents/format';
import type { IncidentEvent } from '../incidents/types';
import type { RecurringPattern } from './types';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** Most hours of one event counted toward patterns (a day-long event is not a pattern of every hour). */
const MAX_EVENT_HOURS = 6;

/**
 * Recurring patterns: the same feature (series) anomalous in the same direction at the same hour of day (UTC) on
 * two or more days. Each event contributes the hours its anomalous points cover (at most six). With
 * `toleranceHours` > 0, hours that close count as the same hour (hourly data may put one repeat at 05:00 and the
 * next at 06:00). Greedy: the (feature, direction, hour window) seen on the most days becomes a pattern, its hours
 * are removed, and so on.
 *
 * @param events anomaly events (not mutated)
 * @param options.toleranceHours hours either side that still count as the same hour (integer 0-3, default 0)
 * @param options.qualify name series with their job (reports over several jobs)
 * @returns patterns, most days first, then by feature
 */
export function recurringPatterns(
  events: readonly IncidentEvent[],
  options: { toleranceHours?: number; qualify?: (e: IncidentEvent) => string } = {}
): RecurringPattern[] {
  const tol = Math.max(0, Math.min(3, Math.floor(options.toleranceHours ?? 0)));
  const name = options.qualify ?? ((e: IncidentEvent) => seriesName(e.labels));
  // feature and direction -> hour -> days
  const cells = new Map<string, Map<number, Set<number>>>();
  const keys = new Map<string, { feature: string; direction: 'above' | 'below' }>();
  for (const e of events) {
    const feature = name(e);
    const key = `${e.direction}|${feature}`;
    keys.set(key, { feature, direction: e.direction });
    const step = Math.max(e.intervalMs, HOUR);
    let n = 0;
    for (let t = e.start; t <= e.end && n < MAX_EVENT_HOURS; t += step, n++) {
      const day = Math.floor(t / DAY);
      const hour = new Date(t).getUTCHours();
      const byHour = cells.get(key) ?? new Map<number, Set<number>>();
      cells.set(key, byHour);
      const days = byHour.get(hour) ?? new Set<number>();
      days.add(day);
      byHour.set(hour, days);
    }
  }
  const out: RecurringPattern[] = [];
  for (const [key, byHour] of cells) {
    const { feature, direction } = keys.get(key)!;
    for (;;) {
      let best: { center: number; days: Set<number> } | undefined;
      for (let h = 0; h < 24; h++) {
        const days = new Set<number>();
        for (let d = -tol; d <= tol; d++) for (const day of byHour.get((h + d + 24) % 24) ?? []) days.add(day);
        if (days.size >= 2 && (!best || days.size > best.days.size)) best = { center: h, days };
      }
      if (!best) break;
      const hours: number[] = [];
      for (let d = -tol; d <= tol; d++) {
        const h = (best.center + d + 24) % 24;
        if (!byHour.has(h)) continue;
        hours.push(h);
        byHour.delete(h);
      }
      out.push({
        feature,
        hours,
        hourLabel: hourLabel(hours),
        days: [...best.days].sort((a, b) => a - b).map((d) => new Date(d * DAY).toISOString().slice(0, 10)),
        direction,
      });
    }
  }
  return out.sort((a, b) => b.days.length - a.days.length || a.feature.localeCompare(b.feature));
}

/** `05:00-06:00 UTC` for [5], `05:00-07:00 UTC` for [5, 6], `23:00-01:00 UTC` for [23, 0]. */
export function hourLabel(hours: number[]): string {
  const hh = (h: number) => `${String(h % 24).padStart(2, '0')}:00`;
  if (hours.length === 0) return '';
  const first = hours[0];
  const last = hours[hours.length - 1];
  return `${hh(first)}-${hh(last + 1)} UTC`;
}
