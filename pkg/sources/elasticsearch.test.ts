import { InputError, SourceError } from '../core/errors';
import {
  buildLogCountRequest,
  buildLogPageRequest,
  buildLogSampleRequest,
  logHitsToMessages,
  ElasticsearchHttpClient,
  accessLogHistogramQuery,
  bucketGrid,
  buildHistogramRequest,
  indexNameProblem,
  checkSearchResponse,
  describeEsError,
  histogramResponseToSeries,
  parseElasticsearchAnswer,
  type EsHistogramQuery,
  type EsSearchResponse,
} from './elasticsearch';
import type { FetchLike } from './http';

const HOUR = 3_600_000;
const T0 = Date.parse('2018-07-22T00:00:00Z');

// Recorded from OpenSearch 2.19.1 (the weblogs index), trimmed to what the parser reads.
const HIST_ANSWER: EsSearchResponse = {
  timed_out: false,
  _shards: { total: 1, failed: 0 },
  aggregations: {
    vigil_time: {
      buckets: [
        {
          key_as_string: '2018-07-22T00:00:00.000Z',
          key: 1532217600000,
          doc_count: 2,
          m1: { doc_count: 0 },
          m2: { doc_count: 0 },
          m3: { value: 1 },
          m4: { value: 12438 },
          m5: { value: 1 },
          m7: {
            values: [
              { key: 50, value: 6219 },
              { key: 95, value: 6219 },
            ],
          },
          m8: { value: 6219 },
        },
        {
          key_as_string: '2018-07-22T01:00:00.000Z',
          key: 1532221200000,
          doc_count: 0,
          m1: { doc_count: 0 },
          m2: { doc_count: 0 },
          m3: { value: 0 },
          m4: { value: 0 },
          m5: { value: 0 },
          m7: {
            values: [
              { key: 50, value: null },
              { key: 95, value: null },
            ],
          },
          m8: { value: null },
        },
      ],
    },
  },
};
const SCRIPT_ERROR = {
  error: {
    root_cause: [{ type: 'script_exception', reason: 'compile error', script_stack: ['...'] }],
    type: 'search_phase_execution_exception',
    reason: 'all shards failed',
    failed_shards: [
      {
        shard: 0,
        index: 'weblogs',
        reason: {
          type: 'script_exception',
          reason: 'compile error',
          caused_by: {
            type: 'illegal_argument_exception',
            reason: "unexpected character ['\\u].",
            caused_by: { type: 'lexer_no_viable_alt_exception', reason: null },
          },
        },
      },
    ],
  },
  status: 400,
};
const NOT_FOUND = {
  error: {
    root_cause: [{ type: 'index_not_found_exception', reason: 'no such index [nope]', index: 'nope' }],
    type: 'index_not_found_exception',
    reason: 'no such index [nope]',
  },
  status: 404,
};

function accessQuery(): EsHistogramQuery {
  const q = accessLogHistogramQuery({ index: 'weblogs', startMs: T0, endMs: T0 + 2 * HOUR, intervalMs: HOUR });
  q.metrics.p = { type: 'percentiles', field: 'bytes', percents: [50, 95] };
  q.metrics.avg = { type: 'avg', field: 'bytes' };
  return q;
}

describe('buildHistogramRequest', () => {
  it('pushes everything down: size 0, range + query string, date_histogram with empty buckets, sub-aggregations', () => {
    const q = accessQuery();
    q.query = 'extension:deb';
    const body = buildHistogramRequest(q) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(body.size).toBe(0);
    expect(body.query.bool.filter).toEqual([
      { range: { timestamp: { gte: T0, lt: T0 + 2 * HOUR, format: 'epoch_millis' } } },
      { query_string: { query: 'extension:deb', analyze_wildcard: true } },
    ]);
    const h = body.aggs.vigil_time;
    expect(h.date_histogram).toEqual({
      field: 'timestamp',
      fixed_interval: '3600000ms',
      min_doc_count: 0,
      extended_bounds: { min: T0, max: T0 + HOUR },
    });
    expect(h.aggs.m1).toEqual({ filter: { range: { response: { gte: 400 } } } });
    expect(h.aggs.m3).toEqual({ cardinality: { field: 'clientip', precision_threshold: 3000 } });
    expect(h.aggs.m4).toEqual({ sum: { field: 'bytes' } });
    expect(h.aggs.m5.scripted_metric.params).toEqual({
      client: 'clientip',
      agent: 'agent',
      timeField: 'timestamp',
      gap: 1_800_000,
      sep: '\u0000',
    });
    expect(h.aggs.m7).toEqual({ percentiles: { field: 'bytes', percents: [50, 95], keyed: false } });
    expect(h.aggs.m0).toBeUndefined(); // count is doc_count
    expect(h.aggs.m6).toBeUndefined(); // requests_per_session is a ratio of two aggregated metrics
  });

  it('puts a terms split (top N by count) above the histogram', () => {
    const q = { ...accessQuery(), splitBy: { field: 'host', size: 3 } };
    const body = buildHistogramRequest(q) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(body.aggs.vigil_split.terms).toEqual({ field: 'host', size: 3, order: { _count: 'desc' } });
    expect(body.aggs.vigil_split.aggs.vigil_time.date_histogram.fixed_interval).toBe('3600000ms');
  });

  it('refuses bad queries with a message naming the problem', () => {
    const base: EsHistogramQuery = {
      index: 'w',
      timeField: 't',
      startMs: 0,
      endMs: HOUR,
      intervalMs: 60_000,
      metrics: { n: { type: 'count' } },
    };
    expect(() => buildHistogramRequest({ ...base, endMs: 0 })).toThrow(/need finite startMs < endMs/);
    expect(() => buildHistogramRequest({ ...base, intervalMs: 0.5 })).toThrow(/intervalMs must be a positive integer/);
    expect(() => buildHistogramRequest({ ...base, index: 'a b' })).toThrow(/index "a b" cannot contain " "/);
    expect(() => buildHistogramRequest({ ...base, metrics: {} })).toThrow(/at least one metric/);
    expect(() => buildHistogramRequest({ ...base, metrics: { x: { type: 'median' } as never } })).toThrow(
      /metric "x": unknown type "median"/
    );
    expect(() =>
      buildHistogramRequest({
        ...base,
        metrics: { n: { type: 'count' }, r: { type: 'ratio', numerator: 'n', denominator: 'zz' } },
      })
    ).toThrow(/ratio refers to unknown metric "zz"/);
    expect(() =>
      buildHistogramRequest({ ...base, metrics: { p: { type: 'percentiles', field: 'b', percents: [120] } } })
    ).toThrow(/percents must be numbers in \[0, 100\]/);
    expect(() => buildHistogramRequest({ ...base, startMs: 0, endMs: 100 * 86_400_000, intervalMs: 60_000 })).toThrow(
      /buckets exceed 65536/
    );
  });
});

describe('bucketGrid', () => {
  it('is epoch-aligned and covers [start, end)', () => {
    expect(Array.from(bucketGrid(T0 + 10, T0 + 2 * HOUR, HOUR))).toEqual([T0, T0 + HOUR]);
    expect(Array.from(bucketGrid(T0, T0 + 2 * HOUR + 1, HOUR))).toEqual([T0, T0 + HOUR, T0 + 2 * HOUR]);
  });
});

describe('histogramResponseToSeries', () => {
  it('maps a recorded answer to labelled series with counts 0 and averages/ratios NaN for empty buckets', () => {
    const out = histogramResponseToSeries(accessQuery(), HIST_ANSWER);
    const v = (name: string, extra: Record<string, string> = {}) =>
      Array.from(
        out.find((s) => s.labels.__name__ === name && Object.entries(extra).every(([k, x]) => s.labels[k] === x))!
          .values
      );
    expect(out.map((s) => s.labels.__name__)).toEqual([
      'requests',
      'errors',
      'error_rate',
      'unique_clients',
      'bytes',
      'sessions',
      'requests_per_session',
      'p',
      'p',
      'avg',
    ]);
    expect(Array.from(out[0].timestamps)).toEqual([T0, T0 + HOUR]);
    expect(v('requests')).toEqual([2, 0]);
    expect(v('errors')).toEqual([0, 0]);
    expect(v('error_rate')).toEqual([0, NaN]);
    expect(v('unique_clients')).toEqual([1, 0]);
    expect(v('bytes')).toEqual([12438, 0]);
    expect(v('sessions')).toEqual([1, 0]);
    expect(v('requests_per_session')).toEqual([2, NaN]);
    expect(v('p', { percentile: '95' })).toEqual([6219, NaN]);
    expect(v('avg')).toEqual([6219, NaN]);
  });

  it('fills buckets the server left out and labels split series by the terms key', () => {
    const q: EsHistogramQuery = {
      index: 'w',
      timeField: 't',
      startMs: T0,
      endMs: T0 + 3 * HOUR,
      intervalMs: HOUR,
      metrics: { n: { type: 'count' }, mx: { type: 'max', field: 'b' } },
      splitBy: { field: 'status', size: 5 },
    };
    const res: EsSearchResponse = {
      aggregations: {
        vigil_split: {
          buckets: [
            { key: 404, doc_count: 3, vigil_time: { buckets: [{ key: T0 + HOUR, doc_count: 3, m1: { value: 7 } }] } },
          ],
        },
      },
    };
    const out = histogramResponseToSeries(q, res);
    expect(out.map((s) => s.labels)).toEqual([
      { __name__: 'n', status: '404' },
      { __name__: 'mx', status: '404' },
    ]);
    expect(Array.from(out[0].values)).toEqual([0, 3, 0]);
    expect(Array.from(out[1].values)).toEqual([NaN, 7, NaN]);
  });

  it('refuses answers without the aggregation or with buckets off the grid', () => {
    const q = accessQuery();
    expect(() => histogramResponseToSeries(q, {})).toThrow(/no aggregations/);
    expect(() => histogramResponseToSeries(q, { aggregations: { other: {} } })).toThrow(/no "vigil_time"/);
    expect(() =>
      histogramResponseToSeries(q, { aggregations: { vigil_time: { buckets: [{ key: T0 + 1, doc_count: 1 }] } } })
    ).toThrow(/off the query grid/);
  });
});

describe('error bodies', () => {
  it('names the root cause type and reason, with the deeper cause when the root says little', () => {
    expect(describeEsError(NOT_FOUND.error, 404)).toBe('index_not_found_exception: no such index [nope]');
    expect(describeEsError(SCRIPT_ERROR.error, 400)).toBe(
      "script_exception: compile error: unexpected character ['\\u]."
    );
    expect(describeEsError('plain string error', 500)).toBe('plain string error');
    expect(describeEsError(undefined, 401)).toBe('unauthorized (check the credentials)');
  });

  it('parseElasticsearchAnswer throws SourceErrors with the HTTP status', () => {
    let err: unknown;
    try {
      parseElasticsearchAnswer('search nope', 404, JSON.stringify(NOT_FOUND));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(SourceError);
    expect((err as SourceError).message).toBe(
      'elasticsearch: search nope failed: index_not_found_exception: no such index [nope] (HTTP 404)'
    );
    expect((err as SourceError).status).toBe(404);
    expect(() => parseElasticsearchAnswer('search', 401, 'Unauthorized')).toThrow(/HTTP 401 unauthorized/);
    expect(() => parseElasticsearchAnswer('search', 200, '<html>proxy</html>')).toThrow(
      /answer is not JSON \(HTTP 200, body starts "<html>proxy/
    );
  });

  it('refuses partial answers (timed out, failed shards)', () => {
    expect(() => checkSearchResponse('search', { timed_out: true })).toThrow(/timed out on the server/);
    expect(() =>
      checkSearchResponse('search', {
        _shards: {
          total: 3,
          failed: 1,
          failures: [{ reason: { type: 'query_shard_exception', reason: 'bad field' } }],
        },
      })
    ).toThrow('elasticsearch: search: 1 of 3 shards failed (query_shard_exception: bad field)');
  });
});

describe('ElasticsearchHttpClient', () => {
  function recorder(status: number, body: unknown) {
    const calls: { url: string; method: string; headers: Record<string, string>; body?: string }[] = [];
    const fetch: FetchLike = async (url, init) => {
      calls.push({ url, method: init.method, headers: init.headers, body: init.body });
      return { status, text: async () => JSON.stringify(body) };
    };
    return { fetch, calls };
  }

  it('POSTs the histogram body to <index>/_search with API-key auth', async () => {
    const { fetch, calls } = recorder(200, HIST_ANSWER);
    const es = new ElasticsearchHttpClient(
      { url: 'https://es:9200/', auth: { type: 'apikey', id: 'id1', apiKey: 'k' } },
      { fetch }
    );
    const out = await es.histogram(accessQuery());
    expect(calls[0].url).toBe('https://es:9200/weblogs/_search');
    expect(calls[0].method).toBe('POST');
    expect(calls[0].headers['content-type']).toBe('application/json');
    expect(calls[0].headers.authorization).toBe('ApiKey ' + Buffer.from('id1:k').toString('base64'));
    expect(JSON.parse(calls[0].body!)).toEqual(buildHistogramRequest(accessQuery()));
    expect(out).toHaveLength(10);
  });

  it('sends basic auth and reads the flavour and version from GET /', async () => {
    const { fetch, calls } = recorder(200, { version: { number: '8.15.0', build_flavor: 'default' } });
    const es = new ElasticsearchHttpClient(
      { url: 'http://es:9200', auth: { type: 'basic', username: 'elastic', password: 'pw' } },
      { fetch }
    );
    expect(await es.info()).toEqual({ flavour: 'elasticsearch', version: '8.15.0' });
    expect(calls[0].headers.authorization).toBe('Basic ' + Buffer.from('elastic:pw').toString('base64'));
  });

  it('requires a usable API key', () => {
    expect(() => new ElasticsearchHttpClient({ url: 'http://es:9200', auth: { type: 'apikey' } })).toThrow(
      /API key auth needs/
    );
  });

  it('times out with a clear message', async () => {
    const slow: FetchLike = (_url, init) =>
      new Promise((_resolve, reject) => init.signal?.addEventListener('abort', () => reject(init.signal?.reason)));
    await expect(
      new ElasticsearchHttpClient({ url: 'http://es:9200', timeoutMs: 30 }, { fetch: slow }).info()
    ).rejects.toThrow('elasticsearch: GET http://es:9200/ timed out after 30 ms');
  });
});

describe('log message requests', () => {
  const q = {
    index: 'logs-*',
    timeField: '@timestamp',
    messageField: 'message',
    levelField: 'log.level',
    fields: ['client.ip'],
    startMs: 1000,
    endMs: 2000,
    query: 'service:api',
  };

  it('counts, pages in time order and samples with a seed, over the same filter', () => {
    const filter = {
      bool: {
        filter: [
          { range: { '@timestamp': { gte: 1000, lt: 2000, format: 'epoch_millis' } } },
          { query_string: { query: 'service:api', analyze_wildcard: true } },
        ],
      },
    };
    expect(buildLogCountRequest(q)).toEqual({ size: 0, track_total_hits: true, query: filter });
    expect(buildLogPageRequest(q, 1000, 500)).toEqual({
      from: 1000,
      size: 500,
      track_total_hits: false,
      _source: ['@timestamp', 'message', 'log.level', 'client.ip'],
      query: filter,
      sort: [{ '@timestamp': { order: 'asc' } }],
    });
    expect(buildLogSampleRequest({ ...q, seed: 7 }, 300)).toMatchObject({
      size: 300,
      query: { function_score: { query: filter, random_score: { seed: 7, field: '_seq_no' }, boost_mode: 'replace' } },
    });
  });

  it('rejects a bound above the result window and a missing field, naming them', () => {
    expect(() => buildLogCountRequest({ ...q, maxDocs: 10_001 })).toThrow(/maxDocs must be an integer in \[1, 10000\]/);
    expect(() => buildLogCountRequest({ ...q, messageField: '' })).toThrow(/messageField is required/);
    expect(() => buildLogCountRequest({ ...q, endMs: 1000 })).toThrow(/must be before end/);
  });

  it('reads messages, times, levels and fields from hits, in time order', () => {
    const got = logHitsToMessages(q, [
      {
        _source: {
          '@timestamp': '2024-01-01T00:00:02Z',
          message: 'b',
          log: { level: 'error' },
          client: { ip: '1.1.1.1' },
        },
      },
      { _source: { '@timestamp': 1704067201000, message: 'a' } },
      { _source: { '@timestamp': '1704067200', message: 'c' } },
      { _source: { '@timestamp': 'x' } },
    ]);
    expect(got).toEqual([
      { time: 1704067200000, message: 'c', fields: { 'client.ip': undefined } },
      { time: 1704067201000, message: 'a', fields: { 'client.ip': undefined } },
      { time: 1704067202000, message: 'b', level: 'error', fields: { 'client.ip': '1.1.1.1' } },
    ]);
  });
});

describe('index names as Elasticsearch defines them', () => {
  it.each([
    ['weblogs', undefined],
    ['logs-*', undefined],
    ['logs-2024.01.*,metrics,-logs-old', undefined],
    ['remote:logs-*', undefined],
    ['.hidden-index', undefined],
    ['..', 'cannot be ".."'],
    ['.', 'cannot be "."'],
    ['../_search', 'cannot contain "/"'],
    ['Logs', 'must be lowercase'],
    ['_all', 'cannot start with -, _ or +'],
    ['-logs', 'cannot start with -, _ or +'],
    ['+x', 'cannot start with -, _ or +'],
    ['a b', 'cannot contain " "'],
    ['a#b', 'cannot contain "#"'],
    ['a?b', 'cannot contain "?"'],
    ['a\\b', 'cannot contain "\\\\"'],
    ['a|b', 'cannot contain "|"'],
    ['a,,b', 'has an empty name in its list'],
    ['x'.repeat(256), 'has a name longer than 255 bytes'],
    ['', 'is empty'],
  ])('%j -> %s', (name, problem) => {
    expect(indexNameProblem(name)).toBe(problem);
  });

  it('is stricter for a concrete index (no wildcards or lists)', () => {
    expect(indexNameProblem('vigil-anomalies', false)).toBeUndefined();
    expect(indexNameProblem('logs-*', false)).toBe('cannot contain "*"');
    expect(indexNameProblem('a,b', false)).toBe('cannot contain ","');
  });

  it("refuses a bad index before any request, as the caller's mistake naming the field", async () => {
    const calls: string[] = [];
    const client = new ElasticsearchHttpClient(
      { url: 'http://es:9200/prefix' },
      {
        fetch: async (url) => {
          calls.push(url);
          return { status: 200, text: async () => '{}' };
        },
      }
    );
    const err = await client.search('..', {}).catch((e: Error) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as Error).message).toMatch(/field "index": index "\.\." cannot be "\.\."/);
    expect(calls).toEqual([]);
  });
});
