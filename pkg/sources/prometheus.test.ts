import { SourceError } from '../core/errors';
import type { FetchLike } from './http';
import {
  PrometheusHttpClient,
  gridLength,
  matrixToSeries,
  parsePrometheusAnswer,
  parseSampleValue,
  queryDataToSeries,
  type PromMatrixItem,
} from './prometheus';

// Shapes recorded from Prometheus 2.42 (Debian) serving the NAB backfill.
const RANGE_ANSWER = {
  status: 'success',
  data: {
    resultType: 'matrix',
    result: [
      {
        metric: { __name__: 'nab_value', corpus: 'realAWSCloudwatch', series: 'ec2_cpu_utilization_ac20cd' },
        values: [
          [1396452000, '42.91'],
          [1396452300, '43.756'],
          [1396452900, '42.488'],
        ],
      },
    ],
  },
};
const ERROR_ANSWER = {
  status: 'error',
  errorType: 'bad_data',
  error: '1:11: parse error: unexpected end of input inside braces',
};
const SCALAR_ANSWER = { status: 'success', data: { resultType: 'scalar', result: [1392388200, '3'] } };
const VECTOR_ANSWER = {
  status: 'success',
  data: {
    resultType: 'vector',
    result: [
      { metric: { __name__: 'nab_value', series: 'a' }, value: [1392388200, '0.132'] },
      { metric: { __name__: 'nab_value', series: 'b' }, value: [1392388200, 'NaN'] },
    ],
  },
};

interface Call {
  url: string;
  method: string;
  headers: Record<string, string>;
  body?: string;
}

function recorder(answers: { status: number; body: string }[]): { fetch: FetchLike; calls: Call[] } {
  const calls: Call[] = [];
  const fetch: FetchLike = async (url, init) => {
    calls.push({ url, method: init.method, headers: init.headers, body: init.body });
    const a = answers[Math.min(calls.length - 1, answers.length - 1)];
    return { status: a.status, statusText: '', text: async () => a.body };
  };
  return { fetch, calls };
}

describe('matrixToSeries', () => {
  it('lays samples on the full step grid with NaN for missing steps, timestamps in epoch ms', () => {
    const grid = { startMs: 1396452000_000, endMs: 1396453200_000, stepMs: 300_000 };
    const [s] = matrixToSeries(RANGE_ANSWER.data.result as unknown as PromMatrixItem[], grid);
    expect(s.labels).toEqual({
      __name__: 'nab_value',
      corpus: 'realAWSCloudwatch',
      series: 'ec2_cpu_utilization_ac20cd',
    });
    expect(Array.from(s.timestamps)).toEqual([0, 1, 2, 3, 4].map((k) => 1396452000_000 + k * 300_000));
    expect(Array.from(s.values)).toEqual([42.91, 43.756, NaN, 42.488, NaN]);
  });

  it('keeps raw sample times without a grid and parses NaN/Inf', () => {
    const [s] = matrixToSeries([
      {
        metric: {},
        values: [
          [1.5, 'NaN'],
          [2.25, '+Inf'],
          [3, '-Inf'],
        ],
      },
    ]);
    expect(Array.from(s.timestamps)).toEqual([1500, 2250, 3000]);
    expect(Array.from(s.values)).toEqual([NaN, Infinity, -Infinity]);
  });

  it('refuses a sample off the grid instead of misplacing it', () => {
    expect(() =>
      matrixToSeries([{ metric: {}, values: [[10.5, '1']] }], { startMs: 0, endMs: 20_000, stepMs: 10_000 })
    ).toThrow(/not on the query grid/);
  });

  it('rejects malformed samples with a SourceError', () => {
    expect(() => matrixToSeries([{ metric: {}, values: [['x', '1'] as unknown as [number, string]] }])).toThrow(
      SourceError
    );
    expect(() => parseSampleValue('abc')).toThrow(/"abc" is not a number/);
  });

  it('counts grid points inclusively', () => {
    expect(gridLength({ startMs: 0, endMs: 600_000, stepMs: 300_000 })).toBe(3);
    expect(gridLength({ startMs: 0, endMs: 599_999, stepMs: 300_000 })).toBe(2);
  });
});

describe('queryDataToSeries', () => {
  it('turns a vector into single-point series and a scalar into one unlabelled series', () => {
    const v = queryDataToSeries(VECTOR_ANSWER.data as never);
    expect(v.map((s) => s.labels.series)).toEqual(['a', 'b']);
    expect(v[0].timestamps[0]).toBe(1392388200_000);
    expect(v[0].values[0]).toBe(0.132);
    expect(Number.isNaN(v[1].values[0])).toBe(true);
    const s = queryDataToSeries(SCALAR_ANSWER.data as never);
    expect(s).toHaveLength(1);
    expect(s[0].labels).toEqual({});
    expect(s[0].values[0]).toBe(3);
  });

  it('refuses a string result', () => {
    expect(() => queryDataToSeries({ resultType: 'string', result: [1, 'x'] })).toThrow(/string, not series/);
  });
});

describe('parsePrometheusAnswer', () => {
  it('turns an error envelope into a SourceError with errorType and error', () => {
    let err: unknown;
    try {
      parsePrometheusAnswer('query_range', 400, JSON.stringify(ERROR_ANSWER));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(SourceError);
    expect((err as SourceError).message).toBe(
      'prometheus: query_range failed: bad_data: 1:11: parse error: unexpected end of input inside braces (HTTP 400)'
    );
    expect((err as SourceError).status).toBe(400);
  });

  it('names non-JSON answers, quoting the start of the body', () => {
    expect(() => parsePrometheusAnswer('query', 502, '<html><body>Bad Gateway</body></html>')).toThrow(
      /query: answer is not JSON \(HTTP 502, body starts "<html><body>Bad Gateway/
    );
    expect(() => parsePrometheusAnswer('query', 200, '')).toThrow(/empty body/);
  });

  it('explains 401 without a Prometheus body and refuses JSON that is not an API envelope', () => {
    expect(() => parsePrometheusAnswer('labels', 401, 'Unauthorized')).toThrow(
      /HTTP 401 unauthorized \(check the credentials\)/
    );
    expect(() => parsePrometheusAnswer('labels', 200, '{"foo":1}')).toThrow(/not a Prometheus API response/);
  });
});

describe('PrometheusHttpClient', () => {
  it('POSTs a form-encoded query_range like Grafana and returns grid-filled series', async () => {
    const { fetch, calls } = recorder([{ status: 200, body: JSON.stringify(RANGE_ANSWER) }]);
    const src = new PrometheusHttpClient(
      { url: 'http://prom:9090/', auth: { type: 'basic', username: 'u', password: 'p w' } },
      { fetch }
    );
    const out = await src.queryRange('nab_value{series="x"}', 1396452000_000, 1396453200_000, 300_000);
    expect(calls).toHaveLength(1);
    expect(calls[0].url).toBe('http://prom:9090/api/v1/query_range');
    expect(calls[0].method).toBe('POST');
    expect(calls[0].headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(calls[0].headers.authorization).toBe('Basic ' + Buffer.from('u:p w').toString('base64'));
    const form = new URLSearchParams(calls[0].body);
    expect(form.get('query')).toBe('nab_value{series="x"}');
    expect(form.get('start')).toBe('1396452000.000');
    expect(form.get('end')).toBe('1396453200.000');
    expect(form.get('step')).toBe('300');
    expect(out[0].values.length).toBe(5);
  });

  it('uses GET with a query string when asked, and bearer auth', async () => {
    const { fetch, calls } = recorder([{ status: 200, body: JSON.stringify(SCALAR_ANSWER) }]);
    const src = new PrometheusHttpClient(
      { url: 'http://prom:9090', method: 'GET', auth: { type: 'bearer', token: 't0k' } },
      { fetch }
    );
    await src.query('scalar(count(nab_value))', 1392388200_000);
    expect(calls[0].method).toBe('GET');
    expect(calls[0].url).toBe(
      'http://prom:9090/api/v1/query?query=scalar%28count%28nab_value%29%29&time=1392388200.000'
    );
    expect(calls[0].headers.authorization).toBe('Bearer t0k');
  });

  it('sends label and series look-ups with match[] and sorts names', async () => {
    const { fetch, calls } = recorder([
      { status: 200, body: '{"status":"success","data":["series","__name__","corpus"]}' },
      { status: 200, body: '{"status":"success","data":["b","a"]}' },
      { status: 200, body: '{"status":"success","data":[{"__name__":"nab_value","series":"a"}]}' },
    ]);
    const src = new PrometheusHttpClient({ url: 'http://prom:9090' }, { fetch });
    expect(await src.labelNames({ match: ['nab_value'] })).toEqual(['__name__', 'corpus', 'series']);
    expect(new URLSearchParams(calls[0].body).getAll('match[]')).toEqual(['nab_value']);
    expect(await src.labelValues('series')).toEqual(['a', 'b']);
    expect(calls[1].method).toBe('GET');
    expect(calls[1].url).toBe('http://prom:9090/api/v1/label/series/values');
    expect(await src.series(['nab_value', 'up'], { startMs: 0, endMs: 1000 })).toEqual([
      { __name__: 'nab_value', series: 'a' },
    ]);
    const form = new URLSearchParams(calls[2].body);
    expect(form.getAll('match[]')).toEqual(['nab_value', 'up']);
    expect(form.get('end')).toBe('1.000');
  });

  it('refuses bad bounds before sending anything', async () => {
    const { fetch, calls } = recorder([{ status: 200, body: '{}' }]);
    const src = new PrometheusHttpClient({ url: 'http://prom:9090' }, { fetch });
    await expect(src.queryRange('up', 10, 5, 1)).rejects.toThrow(/end .* is before start/);
    await expect(src.queryRange('up', 0, 10, 0)).rejects.toThrow(/step must be a positive/);
    await expect(src.queryRange('up', 0, 86_400_000, 1000)).rejects.toThrow(/exceeds Prometheus' limit of 11000/);
    await expect(src.queryRange('  ', 0, 10, 1)).rejects.toThrow(/expression is empty/);
    await expect(src.series([])).rejects.toThrow(/match\[\] selector is required/);
    expect(calls).toHaveLength(0);
  });

  it('turns transport failures into SourceErrors: refused, timeout', async () => {
    const refused: FetchLike = async () => {
      throw Object.assign(new TypeError('fetch failed'), {
        cause: { code: 'ECONNREFUSED', message: 'connect ECONNREFUSED' },
      });
    };
    await expect(new PrometheusHttpClient({ url: 'http://prom:9090' }, { fetch: refused }).query('up')).rejects.toThrow(
      'prometheus: cannot connect to http://prom:9090: connection refused (is it running?)'
    );
    const slow: FetchLike = (_url, init) =>
      new Promise((_resolve, reject) => {
        init.signal?.addEventListener('abort', () => reject(init.signal?.reason));
      });
    await expect(
      new PrometheusHttpClient({ url: 'http://prom:9090', timeoutMs: 50 }, { fetch: slow }).query('up')
    ).rejects.toThrow(/POST http:\/\/prom:9090\/api\/v1\/query timed out after 50 ms/);
  });

  it('rejects invalid URLs and timeouts at construction', () => {
    expect(() => new PrometheusHttpClient({ url: 'localhost:9090' })).toThrow(/must use http or https|not a valid URL/);
    expect(() => new PrometheusHttpClient({ url: 'http://x', timeoutMs: 0 })).toThrow(/timeoutMs must be a positive/);
  });

  it('hides credentials embedded in the URL from error messages', async () => {
    const failing: FetchLike = async () => {
      throw Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNRESET', message: 'socket hang up' } });
    };
    await expect(
      new PrometheusHttpClient({ url: 'http://user:secret@prom:9090' }, { fetch: failing }).query('up')
    ).rejects.toThrow('prometheus: POST http://***@prom:9090/api/v1/query failed: ECONNRESET: socket hang up');
  });
});
