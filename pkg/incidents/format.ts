import type { Labels } from '../core/series';

/**
 * A number as people read it: thousands with separators and no decimals, tens with one decimal, smaller
 * numbers with three significant digits; `NaN` as `n/a`.
 * @example formatNumber(122863.4) // "122,863"; formatNumber(22.63) // "22.6"; formatNumber(1.3456) // "1.35"
 */
export function formatNumber(x: number): string {
  if (!Number.isFinite(x)) return Number.isNaN(x) ? 'n/a' : String(x);
  const a = Math.abs(x);
  if (a >= 1000) return Math.round(x).toLocaleString('en-US');
  if (a >= 10) return String(Number(x.toFixed(1)));
  return Number(x.toPrecision(3)).toString();
}

/**
 * A series as people name it: the metric (`__name__`, else `value`) followed by its other labels, e.g.
 * `requests{host="a"}`; just `requests` when it has no other label.
 */
export function seriesName(labels: Labels): string {
  const name = labels.__name__ ?? 'value';
  const rest = Object.keys(labels)
    .filter((k) => k !== '__name__')
    .sort();
  return rest.length ? `${name}{${rest.map((k) => `${k}="${labels[k]}"`).join(', ')}}` : name;
}

/** The metric of a series: its `__name__` label, else `value`. */
export function metricName(labels: Labels): string {
  return labels.__name__ ?? 'value';
}

/** `a`, `a and b`, `a, b and c`. */
export function joinWords(items: string[]): string {
  if (items.length <= 1) return items[0] ?? '';
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

/** A duration in plain words: `45 min`, `2 h`, `1 h 30 min`, `3 d 4 h`. */
export function formatDuration(ms: number): string {
  const min = Math.round(ms / 60_000);
  if (min < 60) return `${Math.max(min, 0)} min`;
  const h = Math.floor(min / 60);
  const m = min % 60;
  if (h < 48) return m ? `${h} h ${m} min` : `${h} h`;
  const d = Math.floor(h / 24);
  const hh = h % 24;
  return hh ? `${d} d ${hh} h` : `${d} d`;
}

/** A time as `2018-08-21 11:00` (UTC, minutes). */
export function formatTime(t: number): string {
  return new Date(t).toISOString().slice(0, 16).replace('T', ' ');
}
