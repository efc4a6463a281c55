/**
 * The plugin's own types: the saved query, the data source options and the variable query. Everything the
 * engine sends or receives is typed by its contract (`pkg/contract/`), which `src/` imports directly.
 */
import type { DataQuery, DataSourceJsonData } from '@grafana/schema';
import type {
  AnomalyEvent,
  DetectionResult,
  FeedbackVerdict,
  ForecastMethod,
  ForecastSeries,
  OutlierAlgorithm,
  SourceQuery,
  StoredAnomaly,
  VoteMode,
} from '../pkg/contract';

/** Current version of the saved query model; older saved queries are upgraded by `migrateQuery`. */
export const QUERY_SCHEMA_VERSION = 2;

/** What a query asks the engine for. */
export type QueryType = 'detect' | 'job' | 'forecast' | 'drift' | 'logs' | 'templates' | 'outliers';

/**
 * A Vigil query as saved in a dashboard (schema version 2).
 *
 * - `detect`: run the ensemble over `source` for the dashboard range.
 * - `job`: read a saved job's results (`jobId`).
 * - `forecast`: forecast `source` `horizon` points past the range end.
 * - `drift`: drift status of every job (or one `jobId`).
 * - `logs`: log anomalies and rule hits of the log messages of an Elasticsearch/OpenSearch index (`source` of type
 *   `elasticsearch-logs`), with each template's lines per interval.
 * - `templates`: the log templates mined from that index over the range, as a table.
 * - `outliers`: the series of `source` judged against each other (peer-group outliers): which leave the group, when.
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
  /** peer-group outliers: how the group is judged (default `dbscan`) */
  algorithm?: OutlierAlgorithm;
  /** peer-group outliers: consecutive outlying points before a series counts as an outlier (default 3) */
  minDuration?: number;
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
  /** `jobs` only: just the jobs whose source is of this type (e.g. `elasticsearch`); missing: every job */
  sourceType?: SourceQuery['type'];
}

/**
 * What the data source turns into frames: an ad-hoc DetectionResult or a job's stored results (anomalies with ids
 * and feedback), with the forecast when the query asked for one.
 */
export type DetectResponse = Omit<DetectionResult, 'anomalies'> & {
  anomalies: AnomalyMarker[];
  forecast?: ForecastSeries[];
};

/** An anomaly as the panel marks it: an event, with its id, job and feedback when a job stored it. */
export type AnomalyMarker = AnomalyEvent &
  Partial<Pick<StoredAnomaly, 'id' | 'jobId'>> & { feedback?: { verdict: FeedbackVerdict; at?: number } };
