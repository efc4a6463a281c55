import {
  DataFrame,
  DataQueryError,
  DataQueryRequest,
  DataQueryResponse,
  DataSourceApi,
  DataSourceInstanceSettings,
  MetricFindValue,
  ScopedVars,
  TestDataSourceResponse,
} from '@grafana/data';
import { getTemplateSrv } from '@grafana/runtime';
import { of } from 'rxjs';

import { EngineClient, EngineError, toEngineError } from '../api';
import type { AnomalyMarker, DetectResponse, VigilDataSourceOptions, VigilQuery, VigilVariableQuery } from '../types';
import type {
  DriftList,
  Feedback,
  FeedbackVerdict,
  ForecastResponse,
  HealthResponse,
  Job,
  LogAnalysis,
  OutlierResult,
  SourceQuery,
} from '../../pkg/contract';
import { DEFAULT_QUERY, migrateQuery, migrateVariableQuery, validateQuery } from './migrations';
import {
  annotationFramesToEvents,
  detectionToFrames,
  driftToFrame,
  eventsToAnnotationFrame,
  forecastToFrames,
  logAnalysisToFrames,
  logTemplatesToFrame,
} from './transforms';
import { outliersToFrames } from './outlierTransforms';

/** The query's 1-10 sensitivity as the engine's 0-1 vote sensitivity (undefined stays undefined). */
export function toEngineSensitivity(s: number | undefined): number | undefined {
  if (s === undefined || !Number.isFinite(s)) return undefined;
  return Math.min(10, Math.max(1, s)) / 10;
}

/**
 * The Vigil data source: a frontend data source whose requests go through Grafana's data source proxy
 * to the engine (`routes` in plugin.json add the token). Query types: ad-hoc detection, a saved job's
 * results, forecast, drift, logs, peer-group outliers. Annotation queries use the same editor and return the anomaly frame.
 */
export class VigilDataSource extends DataSourceApi<VigilQuery, VigilDataSourceOptions> {
  readonly client: EngineClient;
  readonly engineUrl?: string;
  readonly defaultInterval?: string;

  constructor(instanceSettings: DataSourceInstanceSettings<VigilDataSourceOptions>) {
    super(instanceSettings);
    this.client = new EngineClient(instanceSettings.url ?? `/api/datasources/proxy/uid/${instanceSettings.uid}`);
    this.engineUrl = instanceSettings.jsonData?.url;
    this.defaultInterval = instanceSettings.jsonData?.defaultInterval;
    // Annotation queries reuse the query editor; only the anomaly frame becomes annotations.
    this.annotations = {
      getDefaultQuery: () => ({ ...DEFAULT_QUERY }),
      processEvents: (_anno, frames) => of(annotationFramesToEvents(frames)),
    };
  }

  override getDefaultQuery(): Partial<VigilQuery> {
    return { ...DEFAULT_QUERY };
  }

  override filterQuery(query: VigilQuery): boolean {
    return !query.hide;
  }

  /** Replace dashboard variables in the text fields of a query's source and job. */
  applyTemplateVariables(query: VigilQuery, scopedVars: ScopedVars): VigilQuery {
    const t = getTemplateSrv();
    const r = (s: string | undefined) => (s === undefined ? undefined : t.replace(s, scopedVars));
    const q = migrateQuery(query);
    let source: SourceQuery | undefined = q.source;
    if (source?.type === 'prometheus') source = { ...source, query: r(source.query) ?? '' };
    else if (source?.type === 'elasticsearch') {
      source = {
        ...source,
        index: r(source.index) ?? '',
        filter: r(source.filter),
        splitBy: r(source.splitBy),
        metric: { ...source.metric, field: r(source.metric.field) },
      };
    } else if (source?.type === 'file') source = { ...source, path: r(source.path) ?? '' };
    else if (source?.type === 'elasticsearch-logs') {
      source = { ...source, index: r(source.index) ?? '', filter: r(source.filter) };
    }
    return { ...q, source, jobId: r(q.jobId), interval: r(q.interval) };
  }

  async query(request: DataQueryRequest<VigilQuery>): Promise<DataQueryResponse> {
    const from = request.range.from.valueOf();
    const to = request.range.to.valueOf();
    const targets = request.targets.filter((t) => !t.hide);
    const errors: DataQueryError[] = [];
    const results = await Promise.all(
      targets.map(async (target) => {
        const q = this.applyTemplateVariables(target, request.scopedVars);
        const invalid = validateQuery(q);
        if (invalid) {
          errors.push({ refId: q.refId, message: invalid });
          return [] as DataFrame[];
        }
        try {
          return await this.runQuery(q, from, to, q.interval || this.defaultInterval || request.interval);
        } catch (err) {
          const e = toEngineError(err, `Query ${q.refId}`);
          errors.push({ refId: q.refId, message: e.message, status: e.status });
          return [] as DataFrame[];
        }
      })
    );
    const data = results.flat();
    return errors.length ? { data, errors, error: errors[0] } : { data };
  }

  /** Run one (migrated, interpolated, valid) query for the range `from`..`to` (epoch ms). */
  async runQuery(q: VigilQuery, from: number, to: number, interval: string | undefined): Promise<DataFrame[]> {
    switch (q.queryType ?? 'detect') {
      case 'detect': {
        const body = {
          source: q.source,
          from,
          to,
          interval,
          detectors: q.detectors?.length ? q.detectors : undefined,
          mode: q.mode,
          sensitivity: toEngineSensitivity(q.sensitivity),
        };
        const res = await this.client.post<DetectResponse>('/api/detect', body, `Detection for query ${q.refId}`);
        return detectionToFrames(res, q.refId);
      }
      case 'job': {
        const id = encodeURIComponent(q.jobId!);
        const [res, stored] = await Promise.all([
          this.client.get<DetectResponse>(`/api/jobs/${id}/results`, { from, to }, `Results of job ${q.jobId}`),
          this.client.get<{ anomalies: AnomalyMarker[] }>(
            `/api/jobs/${id}/anomalies`,
            { from, to },
            `Anomalies of job ${q.jobId}`
          ),
        ]);
        // Stored anomalies carry ids and feedback, which the panel needs to send feedback.
        const frames = detectionToFrames({ ...res, anomalies: [] }, q.refId).filter(
          (f) => (f.meta?.custom as { vigil?: string })?.vigil !== 'anomalies'
        );
        const events = stored.anomalies?.length ? stored.anomalies : (res.anomalies ?? []);
        frames.push(eventsToAnnotationFrame(events, q.refId));
        return frames;
      }
      case 'outliers': {
        if (q.jobId) {
          // what an `outliers` job stored
          const id = encodeURIComponent(q.jobId);
          const what = `Outliers of job ${q.jobId}`;
          const res = await this.client.get<OutlierResult>(`/api/jobs/${id}/outliers`, { from, to }, what);
          return outliersToFrames(res, q.refId);
        }
        const body = {
          source: q.source,
          from,
          to,
          interval,
          algorithm: q.algorithm,
          sensitivity: toEngineSensitivity(q.sensitivity),
          minDuration: q.minDuration,
        };
        const res = await this.client.post<OutlierResult>('/api/outliers', body, `Peer outliers for query ${q.refId}`);
        return outliersToFrames(res, q.refId);
      }
      case 'forecast': {
        const body = { source: q.source, from, to, interval, horizon: q.horizon, method: q.method };
        const res = await this.client.post<ForecastResponse>('/api/forecast', body, `Forecast for query ${q.refId}`);
        return forecastToFrames(res, q.refId);
      }
      case 'logs':
      case 'templates': {
        const body = { source: q.source, from, to, interval, rules: q.queryType === 'logs' };
        const what = q.queryType === 'logs' ? 'Log anomalies' : 'Log templates';
        const res = await this.client.post<LogAnalysis>('/api/logs/analyze', body, `${what} for query ${q.refId}`);
        return q.queryType === 'logs' ? logAnalysisToFrames(res, q.refId) : [logTemplatesToFrame(res, q.refId)];
      }
      case 'drift': {
        const res = await this.client.get<DriftList>('/api/drift', undefined, 'Drift status');
        const jobs = q.jobId ? res.jobs.filter((j) => j.jobId === q.jobId || j.name === q.jobId) : res.jobs;
        return [driftToFrame({ jobs }, q.refId)];
      }
      default:
        throw new EngineError(`Unknown query type ${String(q.queryType)}`);
    }
  }

  /**
   * "Save & test": the engine's health through the proxy, then an authenticated call so that a wrong
   * token is caught too. The message says which step failed and why.
   */
  async testDatasource(): Promise<TestDataSourceResponse> {
    if (!this.engineUrl) {
      return { status: 'error', message: 'Set the engine URL (for example http://vigil:8080) and save again.' };
    }
    let health: HealthResponse;
    try {
      health = await this.client.get<HealthResponse>('/api/health', undefined, `Engine health at ${this.engineUrl}`);
    } catch (err) {
      return { status: 'error', message: toEngineError(err, `Engine health at ${this.engineUrl}`).message };
    }
    if (!health || typeof health.status !== 'string') {
      return {
        status: 'error',
        message: `Engine health at ${this.engineUrl}: the response is not a Vigil health document; is the URL the engine's?`,
      };
    }
    try {
      await this.client.get<{ jobs: Job[] }>('/api/jobs', undefined, 'Authenticated request');
    } catch (err) {
      const e = toEngineError(err, 'Authenticated request (GET /api/jobs)');
      const msg =
        e.status === 401 || e.status === 403
          ? `The engine at ${this.engineUrl} is up (version ${health.version}) but rejected the token: ${e.message}`
          : e.message;
      return { status: 'error', message: msg };
    }
    const problems: string[] = [];
    if (health.store && !health.store.ok) problems.push(`store: ${health.store.error ?? 'not ok'}`);
    for (const [name, s] of Object.entries(health.sources ?? {})) {
      if (!s.ok) problems.push(`source ${name}: ${s.error ?? 'not ok'}`);
    }
    const jobs = health.jobs ? `${health.jobs.total} jobs, ${health.jobs.failing} failing` : 'no job status';
    if (health.status !== 'ok' || problems.length) {
      return {
        status: 'error',
        message: `Engine ${health.version} is reachable but degraded (${jobs}): ${problems.join('; ') || health.status}`,
      };
    }
    return { status: 'success', message: `Engine ${health.version} is healthy: ${jobs}.` };
  }

  /** Template variables: job names (value = job id; only jobs of one source type when `sourceType` is set) or the values of a label of the engine's result series. */
  override async metricFindQuery(query: VigilVariableQuery | string): Promise<MetricFindValue[]> {
    const q = migrateVariableQuery(query);
    if (q.kind === 'jobs') {
      const { jobs } = await this.listJobs();
      return jobs
        .filter((j) => !q.sourceType || j.source.type === q.sourceType)
        .map((j) => ({ text: j.name, value: j.id }));
    }
    if (!q.label) throw new EngineError('Label values: choose a label name');
    const label = getTemplateSrv().replace(q.label);
    const params: Record<string, string> = {};
    if (q.jobId) params['match[]'] = `{job="${getTemplateSrv().replace(q.jobId).replace(/"/g, '\\"')}"}`;
    const res = await this.client.get<{ status: string; data: string[] }>(
      `/api/v1/label/${encodeURIComponent(label)}/values`,
      params,
      `Values of label ${label}`
    );
    return (res.data ?? []).map((v) => ({ text: v, value: v }));
  }

  listJobs(): Promise<{ jobs: Job[] }> {
    return this.client.get<{ jobs: Job[] }>('/api/jobs', undefined, 'Jobs');
  }

  /** Send a verdict on an anomaly; returns the anomaly with its feedback. */
  sendFeedback(anomalyId: string, verdict: FeedbackVerdict, comment?: string): Promise<AnomalyMarker> {
    return this.client.post<AnomalyMarker>(
      `/api/anomalies/${encodeURIComponent(anomalyId)}/feedback`,
      { verdict, comment },
      `Feedback on anomaly ${anomalyId}`
    );
  }

  listFeedback(): Promise<{ feedback: Feedback[] }> {
    return this.client.get<{ feedback: Feedback[] }>('/api/feedback', undefined, 'Feedback');
  }
}
