/**
 * "Save this query as a job": the job spec an ad-hoc query stands for, carried to the app's new-job page in its URL.
 * Shared by the panel (which offers the link) and the app (which reads it); pure.
 */
import { APP_BASE_URL } from './constants';
import type { VigilQuery } from './types';
import { sensitivityThreshold } from '../pkg/contract/rules';
import type { JobSpec, OutlierOptions } from '../pkg/contract';

/**
 * The job an ad-hoc query would make, named from its source. A Detect query makes a detection job: its source,
 * detectors, vote and interval, its 1-10 sensitivity as the threshold the engine would use
 * (`sensitivityThreshold(sensitivity / 10)`). A Peer outliers query that judges a source (not one reading a job) makes
 * an `outliers` job: its source and interval, its algorithm, minimum duration and 1-10 sensitivity as the engine's
 * 0-1 (`sensitivity / 10`), as the query asks the engine. Pure.
 * @returns undefined for any other query, or one without a source
 */
export function jobSpecFromQuery(q: VigilQuery): Partial<JobSpec> | undefined {
  const type = q.queryType ?? 'detect';
  if (!q.source || !(type === 'detect' || (type === 'outliers' && !q.jobId))) return undefined;
  const s = q.source;
  const what =
    s.type === 'prometheus'
      ? s.query
      : s.type === 'file'
        ? s.path
        : s.type === 'elasticsearch'
          ? `${s.index} ${s.metric.type}${s.metric.field ? `(${s.metric.field})` : ''}`
          : `${s.index} log templates`;
  const name = what.length > 60 ? `${what.slice(0, 59)}…` : what;
  if (type === 'outliers') {
    const outliers: OutlierOptions = {
      ...(q.algorithm ? { algorithm: q.algorithm } : {}),
      ...(q.sensitivity !== undefined ? { sensitivity: Math.min(10, Math.max(1, q.sensitivity)) / 10 } : {}),
      ...(q.minDuration !== undefined ? { minDuration: q.minDuration } : {}),
    };
    return { name, kind: 'outliers', source: s, outliers, ...(q.interval ? { interval: q.interval } : {}) };
  }
  return {
    name,
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
