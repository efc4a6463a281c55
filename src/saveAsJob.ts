/**
 * "Save this query as a job": the job spec an ad-hoc query stands for, carried to the app's new-job page in its URL.
 * Shared by the panel (which offers the link) and the app (which reads it); pure.
 */
import { APP_BASE_URL } from './constants';
import type { VigilQuery } from './types';
import { sensitivityThreshold } from '../pkg/contract/rules';
import type { JobSpec } from '../pkg/contract';

/**
 * The job an ad-hoc Detect query would make: its source, detectors, vote and interval, its 1-10 sensitivity as the
 * threshold the engine would use (`sensitivityThreshold(sensitivity / 10)`), and a name from the source. Pure.
 * @returns undefined for a query that is not a Detect query with a source
 */
export function jobSpecFromQuery(q: VigilQuery): Partial<JobSpec> | undefined {
  if ((q.queryType ?? 'detect') !== 'detect' || !q.source) return undefined;
  const s = q.source;
  const what =
    s.type === 'prometheus'
      ? s.query
      : s.type === 'file'
        ? s.path
        : s.type === 'elasticsearch'
          ? `${s.index} ${s.metric.type}${s.metric.field ? `(${s.metric.field})` : ''}`
          : `${s.index} log templates`;
  return {
    name: what.length > 60 ? `${what.slice(0, 59)}…` : what,
    source: s,
    ...(q.detectors?.length ? { detectors: q.detectors } : {}),
    ...(q.mode ? { mode: q.mode } : {}),
    ...(q.interval ? { interval: q.interval } : {}),
    ...(q.sensitivity !== undefined ? { threshold: sensitivityThreshold(q.sensitivity / 10) } : {}),
  };
}

/** The new-job page, prefilled with `spec` when given (`?spec=<JSON>`). */
export function newJobUrl(spec?: Partial<JobSpec>): string {
  const base = `${APP_BASE_URL}/jobs/new`;
  return spec ? `${base}?spec=${encodeURIComponent(JSON.stringify(spec))}` : base;
}

/** The prefilled spec of a new-job URL's query string, or undefined when there is none or it is not JSON. */
export function jobSpecFromSearch(search: string): Partial<JobSpec> | undefined {
  const raw = new URLSearchParams(search).get('spec');
  if (!raw) return undefined;
  try {
    const v = JSON.parse(raw) as unknown;
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Partial<JobSpec>) : undefined;
  } catch {
    return undefined;
  }
}
