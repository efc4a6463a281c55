/**
 * The wire contract of the Vigil engine, written once: TypeBox schemas (JSON Schema for fastify's validation and
 * the OpenAPI document) and their TypeScript types, plus the pure rules both the engine and the Grafana plugin
 * use. No Node dependencies: the plugin imports it (types, and the rules from `rules.ts` and `detectors.ts`).
 */
export * from './api';
export * from './common';
export * from './detectors';
export * from './incidents';
export * from './jobs';
export * from './legacy';
export * from './logs';
export * from './outliers';
export * from './promapi';
export * from './results';
export {
  BREACH_DIRECTIONS,
  type BreachDirection,
  ES_METRIC_TYPES,
  esMetricProblem,
  FEEDBACK_VERDICTS,
  FORECAST_METHODS,
  type ForecastMethod,
  JOB_KINDS,
  JOB_STATUSES,
  type JobStatus,
  OUTLIER_ALGORITHMS,
  SEVERITIES,
  severityOf,
  VOTE_MODES,
} from './rules';
export * from './sources';
