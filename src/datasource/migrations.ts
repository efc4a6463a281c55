/**
 * Upgrades of saved Vigil queries to the current model (`QUERY_SCHEMA_VERSION`), and defaults for new
 * ones. Pure functions: the input is never mutated.
 *
 * Version history of the saved query:
 * - v1 (pre-release dashboards): `{ queryType: 'anomalies' | 'job' | 'forecast' | 'drift', expr?: string,
 *   esIndex?, esTimeField?, esMetric?, esFilter?, detector?: string, sensitivity?: 'low' | 'medium' | 'high',
 *   job?: string }`; a query with no `schemaVersion` but with `expr` or `detector` is v1.
 * - v2 (current): `VigilQuery` (`source` object, `detectors` array, `sensitivity` 1-10).
 */
import { DEFAULT_HORIZON, DEFAULT_SENSITIVITY } from '../constants';
import { ES_METRIC_TYPES, esMetricProblem } from '../../pkg/contract/rules';
import { QUERY_SCHEMA_VERSION, QueryType, VigilQuery, VigilVariableQuery } from '../types';
import type { EsMetricType, SourceQuery } from '../../pkg/contract';

/** The query a user sees when adding a Vigil query: ad-hoc detection on a Prometheus query. */
export const DEFAULT_QUERY: Omit<VigilQuery, 'refId'> = {
  schemaVersion: QUERY_SCHEMA_VERSION,
  queryType: 'detect',
  source: { type: 'prometheus', query: '' },
  detectors: [],
  sensitivity: DEFAULT_SENSITIVITY,
  mode: 'majority',
};

const LEGACY_SENSITIVITY: Record<string, number> = { low: 3, medium: 6, high: 8 };
const LEGACY_TYPES: Record<string, QueryType> = {
  anomalies: 'detect',
  detect: 'detect',
  adhoc: 'detect',
  job: 'job',
  forecast: 'forecast',
  drift: 'drift',
  logs: 'logs',
  templates: 'templates',
  outliers: 'outliers',
};
const ES_METRICS: readonly EsMetricType[] = ES_METRIC_TYPES;

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

function clampSensitivity(v: unknown): number | undefined {
  if (typeof v === 'string' && v in LEGACY_SENSITIVITY) return LEGACY_SENSITIVITY[v];
  const n = typeof v === 'number' ? v : typeof v === 'string' ? Number(v) : NaN;
  if (!Number.isFinite(n)) return undefined;
  return Math.min(10, Math.max(1, Math.round(n)));
}

function migrateV1Source(q: Record<string, unknown>): SourceQuery {
  const index = str(q.esIndex) ?? str(q.index);
  if (index) {
    const metricType = str(q.esMetric) as EsMetricType | undefined;
    return {
      type: 'elasticsearch',
      index,
      timeField: str(q.esTimeField) ?? str(q.timeField) ?? '@timestamp',
      metric: {
        type: metricType && ES_METRICS.includes(metricType) ? metricType : 'count',
        ...(str(q.esField) ? { field: str(q.esField) } : {}),
      },
      ...(str(q.esFilter) ? { filter: str(q.esFilter) } : {}),
      ...(str(q.esSplitBy) ? { splitBy: str(q.esSplitBy) } : {}),
    };
  }
  return { type: 'prometheus', query: str(q.expr) ?? '' };
}

/**
 * Bring any saved query (v1, v2, or a bare `{ refId }` from a new panel or the Mixed data source) to
 * the current model, filling defaults for missing fields. Unknown fields are kept; unknown future
 * versions are returned unchanged.
 *
 * @param raw the saved query as stored in the dashboard JSON
 * @returns a new `VigilQuery` with `schemaVersion === QUERY_SCHEMA_VERSION`
 */
export function migrateQuery(raw: VigilQuery | (Record<string, unknown> & { refId: string })): VigilQuery {
  const q = raw as Record<string, unknown> & { refId: string };
  const version = typeof q.schemaVersion === 'number' ? q.schemaVersion : undefined;
  if (version !== undefined && version > QUERY_SCHEMA_VERSION) return { ...(raw as VigilQuery) };

  if (version === undefined && ('expr' in q || 'detector' in q || 'esIndex' in q || q.queryType === 'anomalies')) {
    // v1 -> v2
    const {
      expr: _e,
      detector,
      esIndex: _i,
      esTimeField: _t,
      esMetric: _m,
      esField: _f,
      esFilter: _x,
      esSplitBy: _s,
      job,
      ...rest
    } = q;
    const queryType = LEGACY_TYPES[String(q.queryType ?? 'anomalies')] ?? 'detect';
    const migrated: VigilQuery = {
      ...(rest as VigilQuery),
      schemaVersion: QUERY_SCHEMA_VERSION,
      queryType,
      source: migrateV1Source(q),
      detectors: str(detector) ? [detector as string] : [],
      sensitivity: clampSensitivity(q.sensitivity) ?? DEFAULT_SENSITIVITY,
      mode: q.mode === 'any' ? 'any' : 'majority',
    };
    if (str(job)) migrated.jobId = job as string;
    if (queryType === 'forecast' && migrated.horizon === undefined) migrated.horizon = DEFAULT_HORIZON;
    return migrated;
  }

  // v2 (or none): fill defaults
  const queryType = (LEGACY_TYPES[String(q.queryType ?? 'detect')] ?? 'detect') as QueryType;
  const source = isRecord(q.source) ? (q.source as unknown as SourceQuery) : DEFAULT_QUERY.source;
  const out: VigilQuery = {
    ...(raw as VigilQuery),
    schemaVersion: QUERY_SCHEMA_VERSION,
    queryType,
    source: { ...(source as SourceQuery) },
    detectors: Array.isArray(q.detectors)
      ? (q.detectors as unknown[]).filter((d): d is string => typeof d === 'string')
      : [],
    sensitivity: clampSensitivity(q.sensitivity) ?? DEFAULT_SENSITIVITY,
    mode: q.mode === 'any' ? 'any' : 'majority',
  };
  if (queryType === 'forecast' && out.horizon === undefined) out.horizon = DEFAULT_HORIZON;
  return out;
}

/**
 * What is wrong with a query before it is sent, or undefined when it can run. The text names the
 * missing field so the editor and the error shown in the panel agree.
 */
export function validateQuery(q: VigilQuery): string | undefined {
  const type = q.queryType ?? 'detect';
  if (type === 'job' && !q.jobId) return 'Choose a job to show its results';
  if (type === 'logs' || type === 'templates') {
    const s = q.source;
    if (s?.type !== 'elasticsearch-logs') return 'Set the Elasticsearch/OpenSearch index whose log messages to read';
  }
  // peer outliers read an outliers job's results (jobId) or judge a source query
  const adhocOutliers = type === 'outliers' && !q.jobId;
  if (type === 'detect' || type === 'forecast' || adhocOutliers || type === 'logs' || type === 'templates') {
    const s = q.source;
    if (!s) return 'Set a source query';
    if (s.type === 'elasticsearch-logs') {
      if (!s.index.trim()) return 'Enter an Elasticsearch index or pattern';
      if (!s.timeField.trim()) return 'Enter the time field of the index';
      if (!s.messageField.trim()) return 'Enter the field holding the log message';
    }
    if (s.type === 'prometheus' && !s.query.trim()) return 'Enter a Prometheus query (PromQL)';
    if (s.type === 'file' && !s.path.trim()) return 'Enter the path of a CSV or NDJSON file on the engine';
    if (s.type === 'elasticsearch') {
      if (!s.index.trim()) return 'Enter an Elasticsearch index or pattern';
      if (!s.timeField.trim()) return 'Enter the time field of the index';
      const problem = esMetricProblem(s.metric);
      if (problem === 'field') return `The ${s.metric.type} metric needs a field`;
      if (problem === 'percentile') return 'The percentile metric needs a percentile between 0 and 100';
    }
  }
  if (q.minDuration !== undefined && !(Number.isInteger(q.minDuration) && q.minDuration > 0)) {
    return 'Minimum duration must be a positive whole number of points';
  }
  if (q.horizon !== undefined && !(Number.isInteger(q.horizon) && q.horizon > 0)) {
    return 'Forecast horizon must be a positive whole number of points';
  }
  return undefined;
}

/** The source types a jobs variable can be narrowed to. */
export const VARIABLE_SOURCE_TYPES: ReadonlyArray<SourceQuery['type']> = [
  'prometheus',
  'elasticsearch',
  'elasticsearch-logs',
  'file',
];

function isSourceType(v: unknown): v is SourceQuery['type'] {
  return typeof v === 'string' && (VARIABLE_SOURCE_TYPES as readonly string[]).includes(v);
}

/**
 * Upgrade a saved variable query: v1 stored a bare string (`jobs` or `label_values(name)`). A jobs query keeps its
 * `sourceType` filter when it names a known source type (an unknown one is dropped: every job).
 */
export function migrateVariableQuery(raw: unknown): VigilVariableQuery {
  if (typeof raw === 'string') {
    const m = /^\s*label_values\(\s*([A-Za-z_][A-Za-z0-9_]*)\s*\)\s*$/.exec(raw);
    if (m) return { kind: 'labelValues', label: m[1] };
    return { kind: 'jobs' };
  }
  if (isRecord(raw) && (raw.kind === 'jobs' || raw.kind === 'labelValues')) {
    return {
      kind: raw.kind,
      ...(str(raw.label) ? { label: str(raw.label) } : {}),
      ...(str(raw.jobId) ? { jobId: str(raw.jobId) } : {}),
      ...(raw.kind === 'jobs' && isSourceType(raw.sourceType) ? { sourceType: raw.sourceType } : {}),
    };
  }
  return { kind: 'jobs' };
}
