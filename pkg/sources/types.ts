import type { SourceQuery, SourceType } from '../contract/sources';
import type { Series } from '../core/series';

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
