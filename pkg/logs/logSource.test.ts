import type { ElasticsearchLogQuery } from '../contract/sources';
import type { EsLogMessage, EsLogQuery, EsLogSample } from '../sources/elasticsearch';
import { ElasticsearchLogSource, logQueryKey, type LogQueryState } from './logSource';
import { Redactor } from './redact';

const MIN = 60_000;
const T0 = Date.UTC(2024, 0, 1);

/** A fake client over fixed messages, honouring the range and the bound like the real one. */
function fakeClient(messages: EsLogMessage[], calls: EsLogQuery[] = []) {
  return {
    async logMessages(q: EsLogQuery): Promise<EsLogSample> {
      calls.push(q);
      const inRange = messages.filter((m) => m.time >= q.startMs && m.time < q.endMs);
      const max = q.maxDocs ?? 10_000;
      return { messages: inRange.slice(0, max), total: inRange.length, sampled: inRange.length > max };
    },
    async info() {
      return { flavour: 'opensearch' as const, version: '2.19.0' };
    },
  };
}

const query: ElasticsearchLogQuery = {
  type: 'elasticsearch-logs',
  index: 'logs',
  timeField: '@timestamp',
  messageField: 'message',
};

function messages(): EsLogMessage[] {
  const out: EsLogMessage[] = [];
  for (let i = 0; i < 60; i++) {
    out.push({ time: T0 + i * MIN, message: `GET /item/${i} 200 from 10.0.0.${i % 5}`, fields: {} });
    if (i % 10 === 0)
      out.push({ time: T0 + i * MIN + 1, message: `Failed password for root from 10.9.9.${i}`, fields: {} });
  }
  return out;
}

describe('ElasticsearchLogSource', () => {
  it('turns templates into series of lines per interval, mining redacted messages', async () => {
    const calls: EsLogQuery[] = [];
    const src = new ElasticsearchLogSource('es', fakeClient(messages(), calls), {
      redactor: new Redactor({ key: 'k-123456789' }),
    });
    const series = await src.fetch(query, T0, T0 + 60 * MIN - 1, 10 * MIN);
    expect(calls[0]).toMatchObject({ index: 'logs', messageField: 'message', startMs: T0, endMs: T0 + 60 * MIN });
    expect(series.map((s) => s.labels)).toEqual([
      { __name__: 'log_template_lines', template_id: '0' },
      { __name__: 'log_template_lines', template_id: '1' },
    ]);
    expect(Array.from(series[0].values)).toEqual([10, 10, 10, 10, 10, 10]);
    expect(Array.from(series[1].values)).toEqual([1, 1, 1, 1, 1, 1]);
    expect((await src.templates(query)).map((t) => t.template)).toEqual([
      'GET <*> <*> from ip-<*>',
      'Failed password for user-<*> from ip-<*>',
    ]);
    expect(JSON.stringify(await src.templates(query))).not.toMatch(/10\.0\.0|root/);
  });

  it('saves its miner after each fetch and resumes from the store, without learning old lines twice', async () => {
    const saved = new Map<string, LogQueryState>();
    const store = {
      load: async (k: string) => saved.get(k),
      save: async (k: string, s: LogQueryState) => {
        saved.set(k, s);
      },
    };
    const first = new ElasticsearchLogSource('es', fakeClient(messages()), { store });
    await first.fetch(query, T0, T0 + 30 * MIN, MIN);
    const key = logQueryKey('es', query);
    expect(saved.get(key)!.newest).toBe(T0 + 30 * MIN);
    const again = new ElasticsearchLogSource('es', fakeClient(messages()), { store });
    await again.fetch(query, T0, T0 + 60 * MIN - 1, MIN); // overlaps the first fetch
    const counts = Object.fromEntries((await again.templates(query)).map((t) => [t.template, t.count]));
    expect(counts).toEqual({ 'GET <*> <*> from <*>': 60, 'Failed password for root from <*>': 6 });
  });

  it('scales sampled counts by the sampling ratio, and refuses queries of another type', async () => {
    const src = new ElasticsearchLogSource('es', fakeClient(messages()));
    const series = await src.fetch({ ...query, maxDocs: 33 }, T0, T0 + 60 * MIN - 1, 60 * MIN);
    const sum = series.reduce((s, x) => s + x.values[0], 0);
    expect(sum).toBeCloseTo(66);
    await expect(src.fetch({ type: 'prometheus', query: 'up' }, 0, 1, 1)).rejects.toThrow(/reads log messages/);
    await expect(src.health()).resolves.toBeUndefined();
  });
});
