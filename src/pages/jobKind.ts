/**
 * Pure helpers of the job editor's two kinds of job: detection (`anomaly`, each series against its own past) and
 * peer-group outliers (`outliers`, the source's series against each other). What each kind keeps when the editor
 * switches between them and saves, what is wrong with an outliers job's options, and how the jobs page names a kind.
 * The engine checks the same bounds again (`pkg/contract/jobs.ts`, `outlierOptions`).
 */
import { DETECTION_ONLY_FIELDS, type JobKind, type JobSpec, type OutlierOptions } from '../../pkg/contract';

/** The kind of a spec: `anomaly` unless it says `outliers`. */
export function kindOf(spec: Pick<JobSpec, 'kind'>): JobKind {
  return spec.kind === 'outliers' ? 'outliers' : 'anomaly';
}

/**
 * The spec with another kind: an outliers job gets its `outliers` options (empty: the engine's defaults, DBSCAN at
 * sensitivity 0.5, 3 points) and keeps the detection fields while the form is open, so switching back restores them;
 * `jobPayload` leaves out what the kind does not use when saving.
 */
export function withKind(spec: JobSpec, kind: JobKind): JobSpec {
  if (kind === 'outliers') return { ...spec, kind, outliers: spec.outliers ?? {} };
  return { ...spec, kind: 'anomaly' };
}

/**
 * The spec as the engine takes it: a detection job without an empty detector list (empty means the engine's defaults)
 * nor outlier options; an outliers job with `kind: 'outliers'` and its options but none of the detection-only fields.
 */
export function jobPayload(spec: JobSpec): JobSpec {
  if (kindOf(spec) === 'outliers') {
    const out: Record<string, unknown> = { ...spec };
    for (const k of DETECTION_ONLY_FIELDS) delete out[k];
    const o = Object.fromEntries(Object.entries(spec.outliers ?? {}).filter(([, v]) => v !== undefined));
    return { ...(out as JobSpec), kind: 'outliers', outliers: o as OutlierOptions };
  }
  const { detectors, outliers: _outliers, ...rest } = spec;
  return detectors && detectors.length ? { ...rest, detectors } : rest;
}

/**
 * What is wrong with an outliers job's options, or undefined: the sensitivity lies in [0, 1], the minimum duration is
 * a whole number of points from 1 to 10000 (the API's bounds).
 */
export function outlierProblem(o: OutlierOptions | undefined): string | undefined {
  if (!o) return undefined;
  if (o.sensitivity !== undefined && !(o.sensitivity >= 0 && o.sensitivity <= 1))
    return 'Sensitivity must be between 0 and 1';
  if (o.minDuration !== undefined && !(Number.isInteger(o.minDuration) && o.minDuration >= 1 && o.minDuration <= 10000))
    return 'Minimum duration must be a whole number of points from 1 to 10000';
  return undefined;
}

/** How the jobs page names a job's kind: `detection`, or `peer outliers (DBSCAN)` / `peer outliers (MAD)`. */
export function describeKind(spec: Pick<JobSpec, 'kind' | 'outliers'>): string {
  if (kindOf(spec) === 'anomaly') return 'detection';
  return `peer outliers (${spec.outliers?.algorithm === 'mad' ? 'MAD' : 'DBSCAN'})`;
}
