/**
 * The small pure rules the engine and the Grafana plugin share: the value sets of the contract's enums, the
 * severity bands of the anomaly score, and the checks on a source query that a JSON Schema cannot say. No
 * dependencies, so the plugin imports this file at run time without pulling in the schemas.
 */

/** Metrics an Elasticsearch/OpenSearch query can compute per time bucket. */
export const ES_METRIC_TYPES = [
  'count',
  'cardinality',
  'avg',
  'sum',
  'min',
  'max',
  'percentile',
  'error_rate',
] as const;

/** Severity bands of the 0-100 anomaly score, worst first. */
export const SEVERITIES = ['critical', 'major', 'minor', 'warning'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** How detector votes combine: `majority` needs more than half the weight to vote, `any` needs one. */
export const VOTE_MODES = ['majority', 'any'] as const;
export type VoteMode = (typeof VOTE_MODES)[number];

/** Forecast methods: Prophet, AutoETS, MSTL (seasonal decomposition with an ETS trend). */
export const FORECAST_METHODS = ['prophet', 'ets', 'mstl'] as const;
export type ForecastMethod = (typeof FORECAST_METHODS)[number];

/** What a job does: score each series against its own past (`anomaly`), or flag the series of a group that behave
 * unlike their peers (`outliers`). */
export const JOB_KINDS = ['anomaly', 'outliers'] as const;
export type JobKind = (typeof JOB_KINDS)[number];

/** Peer-group outlier algorithms: per-timestamp 1-D DBSCAN over the group, or the group's double MAD. */
export const OUTLIER_ALGORITHMS = ['dbscan', 'mad'] as const;
export type OutlierAlgorithm = (typeof OUTLIER_ALGORITHMS)[number];

/** Which side of a forecast threshold is a breach. */
export const BREACH_DIRECTIONS = ['above', 'below'] as const;
export type BreachDirection = (typeof BREACH_DIRECTIONS)[number];

/** A job's life: never run, every series still learning (no band, no events), or judging. */
export const JOB_STATUSES = ['pending', 'warming_up', 'ready'] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];

/** A user's verdict on an anomaly. */
export const FEEDBACK_VERDICTS = ['false_positive', 'expected', 'confirmed'] as const;
export type FeedbackVerdict = (typeof FEEDBACK_VERDICTS)[number];

/**
 * Severity band of a 0-100 anomaly score: 75+ critical, 50+ major, 25+ minor, else warning (NaN: warning).
 * @example severityOf(80) // 'critical'
 */
export function severityOf(score: number): Severity {
  if (score >= 75) return 'critical';
  if (score >= 50) return 'major';
  if (score >= 25) return 'minor';
  return 'warning';
}

/**
 * What an Elasticsearch metric lacks, or undefined when it can run: every metric but `count` and `error_rate`
 * needs a `field` (error_rate reads `status` unless told), and a `percentile` given must lie in (0, 100)
 * (default 95). Each side words the problem for its reader (the API's error, the query editor's hint).
 *
 * @returns `'field'` or `'percentile'`: the member of the metric that is missing or out of range
 */
export function esMetricProblem(metric: {
  type: string;
  field?: string;
  percentile?: number;
}): 'field' | 'percentile' | undefined {
  if (metric.type !== 'count' && metric.type !== 'error_rate' && !metric.field) return 'field';
  if (
    metric.type === 'percentile' &&
    metric.percentile !== undefined &&
    !(metric.percentile > 0 && metric.percentile < 100)
  ) {
    return 'percentile';
  }
  return undefined;
}

/**
 * The anomaly-score threshold (0-100) that a 0-1 sensitivity stands for: 75 at 0 (least sensitive) down to 25 at 1,
 * linearly (values outside 0-1 are clamped). Ad-hoc detection takes a sensitivity; a job keeps the threshold.
 * @example sensitivityThreshold(0.6) // 45
 */
export function sensitivityThreshold(sensitivity: number): number {
  return 75 - 50 * Math.min(1, Math.max(0, sensitivity));
}

/**
 * A comma-separated list of names as users write it (`--label-fields host,region` on the command line, the editors'
 * Label fields): each name trimmed, empty ones dropped.
 * @example parseNameList('host, region,') // ['host', 'region']
 */
export function parseNameList(text: string): string[] {
  return text
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '');
}
