import { formatDuration, formatNumber, joinWords } from '../incidents/format';
import type { Incident } from '../incidents/types';
import type { Report } from './types';
import {
  capital,
  clockWords,
  countWords,
  dayWords,
  metricWords,
  percent,
  plural,
  seriesWords,
  shortDay,
} from './words';

/** Incidents with at least this triage score "stand out" and are named first (at most `MAX_HEADLINE`). */
export const HEADLINE_TRIAGE = 0.6;
export const MAX_HEADLINE = 3;

/**
 * The incidents the summary names first: those with triage >= `HEADLINE_TRIAGE` (at most three), or the single
 * highest one when none reaches it.
 * @param incidents in triage order
 */
export function headlineIncidents(incidents: readonly Incident[]): Incident[] {
  const strong = incidents.filter((i) => i.triage >= HEADLINE_TRIAGE).slice(0, MAX_HEADLINE);
  return strong.length ? strong : incidents.slice(0, 1);
}

/** When an incident happened, in words: `on Sat 1 Sep 2018 at 12:00 UTC`, `on ... from 11:00 to 13:00 UTC`. */
export function incidentWhen(i: Incident): string {
  if (i.end - i.start <= 3_600_000) return `on ${dayWords(i.start)} at ${clockWords(i.start)} UTC`;
  if (sameDay(i.start, i.end - 1)) {
    return `on ${dayWords(i.start)} from ${clockWords(i.start)} to ${clockWords(i.end)} UTC`;
  }
  return `from ${dayWords(i.start)} ${clockWords(i.start)} to ${dayWords(i.end)} ${clockWords(i.end)} UTC`;
}

/**
 * What an incident was, as a noun phrase with its figures, e.g. `a burst of errors: errors 102 vs 1 expected,
 * requests 124 vs 25 expected` or `an apparent outage: requests and bytes all dropped to zero for 2 h where about
 * 22.6 requests and 122,863 bytes were expected`.
 */
export function incidentWhat(i: Incident): string {
  const ex = uniqueBySeries(i.examples);
  const list = (n: number) =>
    joinWords(
      ex
        .slice(0, n)
        .map((e) => `${seriesWords(e.labels)} ${formatNumber(e.actual)} vs ${formatNumber(e.expected)} expected`)
    );
  const names = joinWords(i.series.slice(0, 4).map((s) => seriesWords(s.labels ?? { __name__: s.name })));
  switch (i.kind) {
    case 'outage':
      return (
        `an apparent outage: ${names} all dropped to zero for ${formatDuration(i.end - i.start)} where about ` +
        `${joinWords(ex.slice(0, 4).map((e) => `${formatNumber(e.expected)} ${seriesWords(e.labels)}`))} ${ex.length === 1 ? 'was' : 'were'} expected`
      );
    case 'error burst': {
      const err = ex.find((e) => /error|fail|5xx|exception|timeout|reject/i.test(e.labels.__name__ ?? '')) ?? ex[0];
      return `a burst of ${metricWords(err.labels.__name__ ?? 'errors')}: ${list(3)}`;
    }
    case 'spike':
      return `a spike in ${names}: ${list(2)}`;
    case 'drop':
      return `a drop in ${names}: ${list(2)}`;
    default:
      return `an unusual mix of movements: ${list(3)}`;
  }
}

/** A short headline in plain words: `A burst of errors on Sat 1 Sep 2018`, `An apparent outage on Tue 21 Aug 2018`. */
export function incidentHeadline(i: Incident): string {
  const names = joinWords(i.series.slice(0, 2).map((s) => seriesWords(s.labels ?? { __name__: s.name })));
  const what =
    i.kind === 'outage'
      ? 'An apparent outage'
      : i.kind === 'error burst'
        ? `A burst of ${metricWords(i.metrics.find((m) => /error|fail|5xx|exception|timeout|reject/i.test(m.name))?.name ?? 'errors')}`
        : i.kind === 'spike'
          ? `A spike in ${names}`
          : i.kind === 'drop'
            ? `A drop in ${names}`
            : `Unusual ${names}`;
  return `${what} on ${dayWords(i.start)}`;
}

/** One incident in a sentence: when, across which jobs, what, severity and triage score. */
export function incidentSentence(i: Incident): string {
  const jobs = i.jobs.length > 1 ? ` across ${joinWords(i.jobs.map((j) => j.name))}` : '';
  return `${incidentWhen(i)}${jobs}, ${incidentWhat(i)} (${i.severity}, triage ${i.triage.toFixed(2)})`;
}

/**
 * The executive summary in plain words, generated from the report's figures only (deterministic: the same report
 * gives the same text). Paragraphs: the incidents that stand out, in triage order; the totals by severity with the
 * busiest day and hour; recurring patterns; the features and detectors that carried the evidence; accuracy
 * against ground truth when there is any.
 */
export function summaryParagraphs(r: Omit<Report, 'summary'>): string[] {
  const out: string[] = [];
  const span = `${dayWords(r.from)} to ${dayWords(r.to - 1)}`;
  if (r.incidents.length === 0) {
    out.push(
      `No incidents from ${span} (${plural(r.totals.days, 'day')}): Vigil found no anomaly in the ${plural(r.totals.series, 'series', 'series')} it watched.`
    );
    return out;
  }
  const head = r.incidents.filter((i) => r.headline.includes(i.id));
  const ordinals = ['The most important', 'The second', 'The third'];
  if (head.length === 1) {
    out.push(`One incident stands out: ${incidentSentence(head[0])}.`);
  } else {
    out.push(
      `${capital(countWords(head.length))} incidents stand out. ` +
        head
          .map((i, k) => {
            const jobs = i.jobs.length > 1 ? ` across ${joinWords(i.jobs.map((j) => j.name))}` : '';
            return `${ordinals[k]}, ${incidentWhen(i)}${jobs}, was ${incidentWhat(i)} (${i.severity}, triage ${i.triage.toFixed(2)}).`;
          })
          .join(' ')
    );
  }

  const sev = (['critical', 'major', 'minor', 'warning'] as const)
    .filter((s) => r.totals.bySeverity[s] > 0)
    .map((s) => `${r.totals.bySeverity[s]} ${s}`);
  const rest = r.incidents.length - head.length;
  let overview =
    `In all, Vigil found ${plural(r.incidents.length, 'incident')} (${plural(r.totals.events, 'anomaly event')} on ` +
    `${plural(r.totals.anomalousSeries, 'series', 'series')}) from ${span}: ${joinWords(sev)}.`;
  if (rest > 0) {
    const others = r.incidents.filter((i) => !r.headline.includes(i.id));
    const best = others[0];
    overview += ` The other ${plural(rest, 'incident')} ${rest === 1 ? 'was' : 'were'} smaller; the largest of them, on ${shortDay(best.start)}, was ${incidentWhat(best)} (${best.severity}, triage ${best.triage.toFixed(2)}).`;
  }
  const busiest = [...r.timeline].sort((a, b) => b.incidents - a.incidents || a.start - b.start)[0];
  if (busiest && busiest.incidents > 1) {
    overview += ` The busiest ${r.period === '1w' ? 'week' : 'day'} was ${r.period === '1w' ? `the ${busiest.label}` : dayWords(busiest.start)} with ${plural(busiest.incidents, 'incident')}.`;
  }
  const hours = [...r.byHour].sort((a, b) => b.incidents - a.incidents || a.hour - b.hour);
  if (hours[0] && hours[0].incidents > 1) {
    overview += ` Incidents started most often at ${String(hours[0].hour).padStart(2, '0')}:00 UTC (${hours[0].incidents} of ${r.incidents.length}).`;
  }
  out.push(overview);

  if (r.recurring.length) {
    const shown = r.recurring.slice(0, 3).map((p) => {
      const how = p.direction === 'above' ? 'unusually high' : 'unusually low';
      return `${metricWords(p.feature)} was ${how} at ${p.hourLabel} on ${plural(p.days.length, 'day')} (${joinWords(
        p.days.map((d) => shortDay(Date.parse(`${d}T00:00:00Z`)))
      )})`;
    });
    const more = r.recurring.length > 3 ? ` and ${plural(r.recurring.length - 3, 'more pattern')}` : '';
    out.push(
      `${r.recurring.length === 1 ? 'One pattern recurs' : `${capital(countWords(r.recurring.length))} patterns recur`}: ` +
        `${joinWords(shown)}${more}. A repeat at the same time of day often has a scheduled cause (a batch job, a backup, a crawler).`
    );
  } else {
    out.push(
      `No feature was anomalous at the same hour of day on two or more days${
        r.patternToleranceHours ? ` (within ${plural(r.patternToleranceHours, 'hour')})` : ''
      }, so nothing points to a scheduled cause.`
    );
  }

  const feats = r.topFeatures.slice(0, 3).map((f) => `${metricWords(f.name)} (${percent(f.share)})`);
  const dets = r.detectors.slice(0, 3).map((d) => d.name);
  if (feats.length) {
    out.push(
      `${capital(joinWords(feats))} carried most of the evidence${dets.length ? `; the ${joinWords(dets)} detector${dets.length > 1 ? 's' : ''} saw the most` : ''}.`
    );
  }

  const a = r.accuracy;
  if (a) {
    if (a.windows !== undefined) {
      out.push(
        `Against ${plural(a.windows, 'known incident window')} (${a.source}), Vigil found ${a.windowsFound} ` +
          `(recall ${percent(a.recall ?? 0)}); ${a.truePositives} of its ${plural(a.truePositives + a.falsePositives, 'incident')} ` +
          `match a known window (precision ${percent(a.precision ?? 0)}), F1 ${(a.f1 ?? 0).toFixed(2)}.`
      );
    } else {
      const judged = a.truePositives + a.falsePositives;
      out.push(
        judged
          ? `Users confirmed ${a.truePositives} of the ${plural(judged, 'incident')} they judged (precision ${percent(a.precision ?? 0)}); ${plural(a.unjudged ?? 0, 'incident')} ${a.unjudged === 1 ? 'has' : 'have'} no verdict yet.`
          : 'No incident has a user verdict yet, so precision cannot be measured.'
      );
    }
  }
  return out;
}

function sameDay(a: number, b: number): boolean {
  return Math.floor(a / 86_400_000) === Math.floor(b / 86_400_000);
}

function uniqueBySeries<T extends { series: string }>(xs: readonly T[]): T[] {
  const seen = new Set<string>();
  return xs.filter((x) => (seen.has(x.series) ? false : (seen.add(x.series), true)));
}
