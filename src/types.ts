/**
 * Types shared by the Vigil data source, panel and app: the saved query and options models, and the
 * engine's REST responses. Result shapes are imported (types only) from the engine's contract in
 * `pkg/ensemble/types.ts`; `src/` never imports engine runtime code.
 */
import type { DataQuery, DataSourceJsonData } from '@grafana/schema';
import type { AnomalyEvent, DetectionResult, SeriesResult, Severity } from '../pkg/ensemble/types';

export type { AnomalyEvent, DetectionResult, SeriesResult, Severity };

/** Current version of the saved query model; older saved queries are upgraded by `migrateQuery`. */
export const QUERY_SCHEMA_VERSION = 2;

/** What a query asks the engine for. */
export type QueryType = 'detect' | 'job' | 'forecast' | 'drift';

/** Elasticsearch/OpenSearch metric computed per time bucket. */
export type EsMetricType = 'count' | 'cardinality' | 'avg' | 'sum' | 'min' | 'max' | 'percentile' | 'error_rate';

export interface PrometheusSource {
  type: 'prometheus';
  /** a PromQL expression, e.g. `sum(rate(http_requests_total[5m]))` */
  query: string;
}

export interface ElasticsearchSource {
  type: 'elasticsearch';
  /** index name or pattern, e.g. `weblogs-*` */
  index: string;
  /** date field, e.g. `@timestamp` */
  timeField: string;
  metric: { type: EsMetricType; field?: string; percentile?: number };
  /** Lucene query string, e.g. `status:>=500` */
  filter?: string;
  /** terms field: one series per value */
  splitBy?: string;
  /** number of terms when splitting */
  size?: number;
}

export interface FileSource {
  type: 'file';
  /** CSV or NDJSON (optionally gzipped), relative to the engine's file source root */
  path: string;
  timeField?: string;
  valueField?: string;
  labelFields?: string[];
}

/** Where an ad-hoc detection or forecast reads its series (the engine's `SourceQuery`). */
export type SourceQuery = PrometheusSource | ElasticsearchSource | FileSource;

export type VoteMode = 'majority' | 'any';
export type ForecastMethod = 'prophet' | 'ets' | 'mstl';

/**
 * A Vigil query as saved in a dashboard (schema version 2).
 *
 * - `detect`: run the ensemble over `source` for the dashboard range.
 * - `job`: read a saved job's results (`jobId`).
 * - `forecast`: forecast `source` `horizon` points past the range end.
 * - `drift`: drift status of every job (or one `jobId`).
 */
export interface VigilQuery extends DataQuery {
  schemaVersion?: number;
  queryType?: QueryType;
  source?: SourceQuery;
  jobId?: string;
  /** detector names; empty or missing means the engine's defaults */
  detectors?: string[];
  /**
   * 1 (only the strongest anomalies) to 10 (flags more); sent to the engine as `sensitivity / 10` (the engine's
   * 0-1 vote sensitivity, whose default 0.6 is this scale's 6)
   */
  sensitivity?: number;
  mode?: VoteMode;
  /** bucket width, e.g. `5m`; missing means the dashboard's interval */
  interval?: string;
  /** forecast horizon in points */
  horizon?: number;
  method?: ForecastMethod;
}

/** Data source settings (`jsonData`); the token lives in `secureJsonData.token`. */
export interface VigilDataSourceOptions extends DataSourceJsonData {
  /** the engine's base URL as Grafana's server reaches it, e.g. `http://vigil:8080` */
  url?: string;
  /** default detection interval, e.g. `1m` */
  defaultInterval?: string;
}

export interface VigilSecureJsonData {
  token?: string;
}

/** A template variable query. */
export interface VigilVariableQuery {
  /** `jobs`: job names (value = id); `labelValues`: values of `label` across the series of `jobId` or all jobs */
  kind: 'jobs' | 'labelValues';
  label?: string;
  jobId?: string;
}

// ---------------------------------------------------------------------------------------------------------------
// Engine REST responses (see the REST contract; times are epoch ms)

export interface ApiErrorBody {
  error: { code: string; message: string };
}

export interface HealthResponse {
  status: 'ok' | 'degraded';
  version: string;
  store: { ok: boolean; error?: string };
  sources: Record<string, { ok: boolean; error?: string; lastCheck?: number }>;
  jobs: { total: number; failing: number };
}

export interface ForecastPoint {
  t: number;
  mean: number | null;
  lower: number | null;
  upper: number | null;
}

export interface ForecastSeries {
  labels: Record<string, string>;
  points: ForecastPoint[];
}

export interface ForecastResponse {
  series: ForecastSeries[];
}

export type Verdict = 'false_positive' | 'expected' | 'confirmed';

/** An anomaly as the engine stores it (job results and `/api/jobs/:id/anomalies`). */
export type StoredAnomaly = AnomalyEvent & {
  id?: string;
  jobId?: string;
  feedback?: { verdict: Verdict; at?: number };
};

/** A detection result (ad-hoc or a job's); a job's anomalies carry ids and feedback. */
export type DetectResponse = Omit<DetectionResult, 'anomalies'> & {
  anomalies: StoredAnomaly[];
  forecast?: ForecastSeries[];
};

export interface DriftStatus {
  jobId: string;
  name: string;
  labels?: Record<string, string>;
  drifting: boolean;
  pValue: number | null;
  statistic: number | null;
  checkedAt: number | null;
}

export interface DriftResponse {
  jobs: DriftStatus[];
}

export interface JobSpec {
  name: string;
  source: SourceQuery;
  detectors?: string[];
  params?: Record<string, Record<string, unknown>>;
  interval: string;
  trainingWindow: string;
  threshold?: number;
  mode?: VoteMode;
  labels?: Record<string, string>;
}

export interface Job extends JobSpec {
  id: string;
  enabled: boolean;
  createdAt: number;
  updatedAt: number;
  lastRun?: { at: number; ok: boolean; error?: string; durationMs: number };
  anomalies24h: number;
  drift?: { drifting: boolean; pValue: number | null };
}

export interface BacktestResponse {
  events: AnomalyEvent[];
  count: number;
  series: SeriesResult[];
}

export interface FeedbackEntry {
  id: string;
  anomalyId: string;
  jobId?: string;
  verdict: Verdict;
  comment?: string;
  at: number;
}
