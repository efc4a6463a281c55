/**
 * The log messages of an Elasticsearch/OpenSearch index as a source of series: each mined template becomes a
 * series of its lines per interval, which jobs and ad-hoc detection judge like any metric. The template miner of
 * each log query lives as long as the service and its state is saved in the store after each fetch, so a job's
 * templates (and their ids, which label its series) persist across runs and restarts.
 *
 * Messages are redacted before they are mined (`redact.ts`), so the saved templates hold no client address or
 * user name. Reads are bounded: at most `maxDocs` documents per fetch, a seeded random sample when more match
 * (`ElasticsearchHttpClient.logMessages`), whose counts are scaled up by the sampling ratio.
 */

import type { ElasticsearchLogQuery, SourceQuery } from '../contract/sources';
import { InputError } from '../core/errors';
import type { Series } from '../core/series';
import type { ElasticsearchHttpClient, EsLogQuery, EsLogSample } from '../sources/elasticsearch';
import type { SeriesSource } from '../sources/types';
import { TemplateMiner, type TemplateInfo, type TemplateMinerState } from './miner';
import type { Redactor } from './redact';

/** Saved state of one log query's miner. */
export interface LogQueryState {
  version: 1;
  miner: TemplateMinerState;
  /** newest message time mined (epoch ms): older messages of later fetches are matched, not learnt again */
  newest: number;
}

/** Where miners are saved (the store's `log_templates`). */
export interface LogTemplateStore {
  load(key: string): Promise<LogQueryState | undefined>;
  save(key: string, state: LogQueryState): Promise<void>;
}

/** Options of the log source. */
export interface LogSourceOptions {
  store?: LogTemplateStore;
  redactor?: Redactor | null;
  /** most template series a fetch returns, the templates with most lines in the range (default 50) */
  maxSeries?: number;
}

/** The identity of a log query's stream of messages: one miner per source, index, message field and filter. */
export function logQueryKey(sourceName: string, q: ElasticsearchLogQuery): string {
  return JSON.stringify([sourceName, q.index, q.messageField, q.filter ?? '']);
}

/** The client's query for a log query. */
export function esLogQuery(q: ElasticsearchLogQuery, from: number, to: number, allFields = false): EsLogQuery {
  return {
    index: q.index,
    timeField: q.timeField,
    messageField: q.messageField,
    ...(q.levelField ? { levelField: q.levelField } : {}),
    ...(q.filter ? { query: q.filter } : {}),
    ...(q.maxDocs ? { maxDocs: q.maxDocs } : {}),
    startMs: from,
    endMs: to,
    ...(allFields ? { allFields: true } : {}),
  };
}

/** Log messages of an index as template series (see the module docs). */
export class ElasticsearchLogSource implements SeriesSource {
  readonly type = 'elasticsearch-logs' as const;
  private readonly miners = new Map<string, { miner: TemplateMiner; newest: number }>();

  constructor(
    readonly name: string,
    private readonly client: Pick<ElasticsearchHttpClient, 'logMessages' | 'info'>,
    private readonly options: LogSourceOptions = {}
  ) {}

  /**
   * The messages of a log query over [from, to), a bounded sample when more match, as the client returns them.
   * @throws SourceError from the server; InputError for a query that is not a log query
   */
  async sample(query: SourceQuery, from: number, to: number, allFields = false): Promise<EsLogSample> {
    const q = this.check(query);
    return this.client.logMessages(esLogQuery(q, from, to, allFields));
  }

  /**
   * Template series over [from, to]: lines per interval of the `maxSeries` templates with most lines in the
   * range, on the epoch-aligned grid of `intervalMs` (0 where a template has no line).
   */
  async fetch(query: SourceQuery, from: number, to: number, intervalMs: number): Promise<Series[]> {
    const q = this.check(query);
    if (!(intervalMs > 0)) throw new InputError(`interval must be positive, got ${intervalMs}`);
    const sample = await this.client.logMessages(esLogQuery(q, from, to + 1));
    const key = logQueryKey(this.name, q);
    const entry = await this.minerFor(key);
    const redactor = this.options.redactor;
    const ids: string[] = [];
    const times: number[] = [];
    for (const m of sample.messages) {
      if (!Number.isFinite(m.time)) continue;
      const text = redactor ? redactor.text(m.message) : m.message;
      let id: string | undefined;
      if (m.time <= entry.newest) id = entry.miner.match(text)?.id;
      if (id === undefined) id = entry.miner.add(text, m.time).id;
      entry.newest = Math.max(entry.newest, m.time);
      ids.push(id);
      times.push(m.time);
    }
    await this.options.store?.save(key, { version: 1, miner: entry.miner.toJSON(), newest: entry.newest });
    const start = Math.floor(from / intervalMs) * intervalMs;
    const buckets = Math.max(1, Math.floor((to - start) / intervalMs) + 1);
    const scale = sample.sampled && sample.messages.length > 0 ? sample.total / sample.messages.length : 1;
    const counts = new Map<string, Float64Array>();
    ids.forEach((id, i) => {
      const b = Math.floor((times[i] - start) / intervalMs);
      if (b < 0 || b >= buckets) return;
      let c = counts.get(id);
      if (!c) counts.set(id, (c = new Float64Array(buckets)));
      c[b] += scale;
    });
    const total = (v: Float64Array) => v.reduce((s, x) => s + x, 0);
    const timestamps = Float64Array.from({ length: buckets }, (_, b) => start + b * intervalMs);
    return [...counts.entries()]
      .sort((a, b) => total(b[1]) - total(a[1]) || (a[0] < b[0] ? -1 : 1))
      .slice(0, this.options.maxSeries ?? 50)
      .map(([id, values]) => ({
        labels: { __name__: 'log_template_lines', template_id: id },
        timestamps,
        values,
      }));
  }

  /**
   * The template of each message as the query's miner has it (redacted as it was mined), without learning: call
   * after `fetch` mined them. Null for a message no template matches.
   */
  async templatesOf(
    query: SourceQuery,
    messages: readonly string[]
  ): Promise<({ id: string; template: string } | null)[]> {
    const q = this.check(query);
    const { miner } = await this.minerFor(logQueryKey(this.name, q));
    const redactor = this.options.redactor;
    return messages.map((m) => miner.match(redactor ? redactor.text(m) : m));
  }

  /** The templates mined so far for a log query (empty before its first fetch). */
  async templates(query: SourceQuery): Promise<TemplateInfo[]> {
    const q = this.check(query);
    return (await this.minerFor(logQueryKey(this.name, q))).miner.templates();
  }

  async health(): Promise<void> {
    await this.client.info();
  }

  private check(query: SourceQuery): ElasticsearchLogQuery {
    if (query.type !== 'elasticsearch-logs') {
      throw new InputError(`source "${this.name}" reads log messages; the query is of type ${query.type}`, {
        field: 'source.type',
      });
    }
    return query;
  }

  private async minerFor(key: string): Promise<{ miner: TemplateMiner; newest: number }> {
    const cached = this.miners.get(key);
    if (cached) return cached;
    const saved = await this.options.store?.load(key);
    // another call may have loaded it while this one waited
    const again = this.miners.get(key);
    if (again) return again;
    const entry = saved
      ? { miner: TemplateMiner.fromJSON(saved.miner), newest: saved.newest }
      : { miner: new TemplateMiner(), newest: 0 };
    this.miners.set(key, entry);
    return entry;
  }
}
