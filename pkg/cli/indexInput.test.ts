import { InputError } from '../core/errors';
import type { EsHistogramQuery, EsSearchResponse } from '../sources/elasticsearch';
import { detectFile } from './detect';
import { elasticsearchAuthFromEnv, isIndexUrl, loadIndex } from './indexInput';

const T0 = Date.UTC(2018, 7, 1);
const DAY = 86_400_000;

/** A server answering `search` with one web-log document (none for other time fields) and recording histograms. */
function fakeClient(doc: Record<string, unknown> | undefined) {
  const searches: { index: string; body: Record<string, unknown> }[] = [];
  const histograms: EsHistogramQuery[] = [];
  return {
    searches,
    histograms,
    async search(index: string, body: Record<string, unknown>): Promise<EsSearchResponse> {
      searches.push({ index, body });
      const field = Object.keys((body.query as { range: object }).range)[0];
      const hit = doc && field in doc ? [{ _source: doc }] : [];
      return { hits: { total: { value: hit.length ? 42 : 0 }, hits: hit } };
    },
    async histogram(q: EsHistogramQuery) {
      histograms.push(q);
      return ['requests', 'errors', 'error_rate', 'bytes'].map((name) => ({
        labels: { __name__: name },
        timestamps: Float64Array.of(T0),
        values: Float64Array.of(1),
      }));
    },
  };
}

const weblog = { timestamp: '2018-08-01T10:00:00Z', response: 200, clientip: '10.0.0.1', agent: 'curl', bytes: 5 };

describe('vigil detect on an index URL', () => {
  it('tells index URLs from files', () => {
    expect(isIndexUrl('http://localhost:9200/weblogs')).toBe(true);
    expect(isIndexUrl('HTTPS://es.example.org/logs-*')).toBe(true);
    expect(isIndexUrl('data/weblogs.json.gz')).toBe(false);
  });

  it('finds the fields in the newest document and aggregates the range in the server', async () => {
    const client = fakeClient(weblog);
    const input = await loadIndex(
      'http://localhost:9200/prefix/weblogs',
      { from: T0, to: T0 + DAY, splitBy: 'host', quiet: true },
      { client }
    );
    expect(client.searches[0]).toMatchObject({
      index: 'weblogs',
      body: { size: 1, query: { range: { timestamp: { gte: T0, lt: T0 + DAY } } } },
    });
    expect(client.histograms).toHaveLength(1);
    const q = client.histograms[0];
    expect(q).toMatchObject({ index: 'weblogs', timeField: 'timestamp', startMs: T0, endMs: T0 + DAY });
    expect(q.intervalMs).toBe(3_600_000);
    expect(q.metrics.unique_clients).toMatchObject({ type: 'cardinality', field: 'clientip' });
    expect(q.metrics.sessions).toMatchObject({ type: 'sessions', clientField: 'clientip', agentField: 'agent' });
    expect(q.splitBy).toEqual({ field: 'host', size: 10 });
    // the default metrics of access logs: the error count rather than the error rate
    expect(input.series.map((s) => s.labels.__name__)).toEqual(['requests', 'errors', 'bytes']);
    expect(input).toMatchObject({ kind: 'logs', records: 42 });
    expect(input.description).toMatch(/index weblogs.*time "timestamp", status "response", client "clientip"/);
  });

  it('refuses a missing range, a bad URL, metrics and an empty range, naming what is wrong', async () => {
    const client = fakeClient(weblog);
    const range = { from: T0, to: T0 + DAY, quiet: true };
    await expect(loadIndex('http://localhost:9200/weblogs', { quiet: true }, { client })).rejects.toThrow(
      /--since and --until/
    );
    await expect(loadIndex('http://localhost:9200/weblogs', { ...range, to: T0 }, { client })).rejects.toThrow(
      /--since must be before --until/
    );
    await expect(loadIndex('http://localhost:9200/', range, { client })).rejects.toThrow(/names no index/);
    await expect(loadIndex('http://localhost:9200/w', { ...range, kind: 'metrics' }, { client })).rejects.toThrow(
      InputError
    );
    await expect(loadIndex('http://localhost:9200/w', range, { client: fakeClient(undefined) })).rejects.toThrow(
      /no document in the range with a time field \(looked for timestamp, @timestamp/
    );
    await expect(
      loadIndex('http://localhost:9200/w', range, { client: fakeClient({ timestamp: 1, message: 'x' }) })
    ).rejects.toThrow(/no HTTP status field found; use --status-field/);
    expect(client.histograms).toHaveLength(0);
  });

  it('refuses --since and --until with a file', async () => {
    await expect(detectFile('data.csv', { kind: 'auto', since: '2018-08-01', quiet: true })).rejects.toThrow(
      /--since and --until apply to an index URL/
    );
    await expect(
      detectFile('http://localhost:9200/w', { kind: 'auto', since: 'yesterday', quiet: true })
    ).rejects.toThrow(/--since: "yesterday" is not a time/);
  });

  it('takes the credentials from the environment as vigil serve does', () => {
    expect(elasticsearchAuthFromEnv({})).toBeUndefined();
    expect(elasticsearchAuthFromEnv({ VIGIL_ELASTICSEARCH_API_KEY: 'k' })).toEqual({ type: 'apikey', key: 'k' });
    expect(elasticsearchAuthFromEnv({ VIGIL_ELASTICSEARCH_USERNAME: 'u', VIGIL_ELASTICSEARCH_PASSWORD: 'p' })).toEqual({
      type: 'basic',
      username: 'u',
      password: 'p',
    });
  });
});
