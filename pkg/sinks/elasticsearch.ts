import { SourceError } from '../core/errors';
import { HttpEndpoint, type HttpAuth, type HttpServices, defaultHttpServices } from '../sources/http';
import type { AnomalySink } from '../jobs/runner';
import type { StoredAnomaly } from '../contract/results';

export interface EsSinkOptions {
  url: string;
  /** index name (default `vigil-anomalies`) */
  index?: string;
  auth?: HttpAuth;
  timeoutMs?: number;
}

/**
 * Writes anomaly records to an Elasticsearch/OpenSearch index over plain HTTP (`PUT /<index>/_doc/<id>`, so a
 * re-written event replaces its document). Documents carry `@timestamp` (the event start) for Kibana/Grafana.
 */
export class ElasticsearchAnomalySink implements AnomalySink {
  readonly index: string;
  private readonly http: HttpEndpoint;

  constructor(opts: EsSinkOptions, services: HttpServices = defaultHttpServices()) {
    this.index = opts.index ?? 'vigil-anomalies';
    this.http = new HttpEndpoint(
      'anomaly sink',
      { url: opts.url, auth: opts.auth, timeoutMs: opts.timeoutMs },
      services
    );
  }

  /** The document written for an anomaly. */
  static document(a: StoredAnomaly): Record<string, unknown> {
    return {
      '@timestamp': new Date(a.start).toISOString(),
      end: new Date(a.end).toISOString(),
      peak: new Date(a.peak).toISOString(),
      job_id: a.jobId,
      labels: a.labels,
      severity: a.severity,
      score: a.score,
      direction: a.direction,
      expected: Number.isFinite(a.expected) ? a.expected : null,
      actual: Number.isFinite(a.actual) ? a.actual : null,
      confidence: a.confidence,
      detectors: a.detectors,
      explanation: a.explanation,
    };
  }

  /** @throws SourceError when the index refuses the document */
  async write(a: StoredAnomaly): Promise<void> {
    const res = await this.http.request('PUT', `/${encodeURIComponent(this.index)}/_doc/${encodeURIComponent(a.id)}`, {
      contentType: 'application/json',
      text: JSON.stringify(ElasticsearchAnomalySink.document(a)),
    });
    if (res.status >= 300) {
      throw new SourceError(
        'anomaly sink',
        `writing to index ${this.index} failed: HTTP ${res.status} ${res.text.slice(0, 300)}`
      );
    }
  }
}
