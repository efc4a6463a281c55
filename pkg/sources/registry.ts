import { InputError } from '../core/errors';
import type { SeriesSource } from './types';
import type { SourceQuery } from '../contract/sources';

/**
 * The configured sources, looked up by a query's `type` and optional instance name. Clients are added by the
 * service's start-up (`pkg/api/server.ts`) from the config; tests add fakes.
 */
export class SourceRegistry {
  private readonly clients: SeriesSource[];
  constructor(clients: SeriesSource[] = []) {
    this.clients = [...clients];
  }

  add(client: SeriesSource): void {
    this.clients.push(client);
  }

  list(): SeriesSource[] {
    return [...this.clients];
  }

  /**
   * The client that serves `query`.
   * @throws InputError naming the missing source type or instance
   */
  get(query: SourceQuery): SeriesSource {
    const ofType = this.clients.filter((c) => c.type === query.type);
    if (query.source !== undefined) {
      const c = ofType.find((x) => x.name === query.source);
      if (!c) {
        throw new InputError(
          `no ${query.type} source named "${query.source}" is configured (configured: ${ofType.map((x) => x.name).join(', ') || 'none'})`,
          { field: 'source.source' }
        );
      }
      return c;
    }
    if (ofType.length === 0) {
      throw new InputError(
        `no ${query.type} source is configured; add one under "sources" in the config (configured types: ${
          [...new Set(this.clients.map((c) => c.type))].join(', ') || 'none'
        })`,
        { field: 'source.type' }
      );
    }
    return ofType[0];
  }
}
