import type { Labels } from '../core/series';

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `Sat 1 Sep 2018` (UTC). */
export function dayWords(t: number): string {
  const d = new Date(t);
  return `${DAYS[d.getUTCDay()]} ${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()}`;
}

/** `1 Sep` (UTC). */
export function shortDay(t: number): string {
  const d = new Date(t);
  return `${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]}`;
}

/** `12:00` (UTC). */
export function clockWords(t: number): string {
  return new Date(t).toISOString().slice(11, 16);
}

/** `unique_clients` -> `unique clients`; `http_requests_total` -> `http requests total`. */
export function metricWords(metric: string): string {
  return metric.replace(/[_.]+/g, ' ').trim();
}

/** A series in words: `requests`, or `requests (host www.example.org)` for one with labels. */
export function seriesWords(labels: Labels): string {
  const name = metricWords(labels.__name__ ?? 'value');
  const rest = Object.keys(labels)
    .filter((k) => k !== '__name__')
    .sort()
    .map((k) => `${k} ${labels[k]}`);
  return rest.length ? `${name} (${rest.join(', ')})` : name;
}

/** `one`, `two`, ... `ten`, then digits. */
export function countWords(n: number): string {
  return ['no', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten'][n] ?? String(n);
}

/** `1 incident`, `3 incidents`. */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** `37%`. */
export function percent(x: number): string {
  return `${Math.round(x * 100)}%`;
}

/** Capitalise the first letter. */
export function capital(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
