import type { Series } from '../core/series';

/** Metric pushed down to Elasticsearch/OpenSearch as a `date_histogram` sub-aggregation. */
export interface EsMetric {
  type: 'count' | 'cardinality' | 'avg' | 'sum' | 'min' | 'max' | 'percentile' | 'error_rate';
  field?: string;
  percentile?: number;
}

/**
 * What to read and from where. `source` optionally names a configured instance (default: the first one of
 * that type).
 */
export type SourceQuery =
  | { type: 'prometheus'; query: string; source?: string }
  | {
      type: 'elasticsearch';
      index: string;
      timeField: string;
      metric: EsMetric;
      filter?: string;
      splitBy?: string;
      size?: number;
      source?: string;
    }
  | {
      type: 'file';
      path: string;
      timeField?: string;
      valueField?: string;
      labelFields?: string[];
      source?: string;
    };

export type SourceType = SourceQuery['type'];

/**
 * A source as the service sees it. Implementations (`seriesSources.ts`) wrap the HTTP clients and the file reader; tests use fakes.
 */
export interface SeriesSource {
  /** instance name, e.g. `prometheus` or `prod-es` */
  readonly name: string;
  readonly type: SourceType;
  /**
   * Series for `query` over [from, to] (epoch ms), aggregated by the source where it can (step / date histogram)
   * to `intervalMs`.
   * @throws SourceError when the source is down, slow or answers garbage; InputError for a malformed query
   */
  fetch(query: SourceQuery, from: number, to: number, intervalMs: number): Promise<Series[]>;
  /** Resolves when the source answers; rejects with SourceError naming why not. */
  health(): Promise<void>;
}
