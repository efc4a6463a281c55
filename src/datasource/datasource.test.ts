import { dateTime, DataQueryRequest, DataSourceInstanceSettings } from '@grafana/data';
import { of, throwError } from 'rxjs';

import type { VigilDataSourceOptions, VigilQuery } from '../types';
import { toEngineSensitivity, VigilDataSource } from './datasource';
import { frameKind } from './transforms';

type Call = { url: string; method?: string; data?: unknown; params?: Record<string, unknown> };
const calls: Call[] = [];
let respond: (c: Call) => { status: number; data: unknown };

jest.mock('@grafana/runtime', () => ({
  getBackendSrv: () => ({
    fetch: (c: Call) => {
      calls.push(c);
      const r = respond(c);
      return r.status < 400
        ? of({ data: r.data, status: r.status })
        : throwError(() => ({ status: r.status, data: r.data, statusText: '' }));
    },
  }),
  getTemplateSrv: () => ({ replace: (s: string) => s.replace('$host', 'web-1') }),
}));

const settings = {
  id: 1,
  uid: 'vigil',
  type: 'vigil-anomaly-datasource',
  name: 'Vigil',
  url: '/api/datasources/proxy/uid/vigil',
  jsonData: { url: 'http://vigil:8080' },
  meta: {},
} as unknown as DataSourceInstanceSettings<VigilDataSourceOptions>;

function request(targets: VigilQuery[]): DataQueryRequest<VigilQuery> {
  return {
    targets,
    range: { from: dateTime(1000), to: dateTime(5000), raw: { from: 'now-1h', to: 'now' } },
    interval: '1m',
    intervalMs: 60000,
    scopedVars: {},
    timezone: 'utc',
    app: 'dashboard',
    requestId: 'r',
    startTime: 0,
  };
}

const health = {
  status: 'ok',
  version: '0.1.0',
  store: { ok: true },
  sources: { prometheus: { ok: true } },
  jobs: { total: 2, failing: 0 },
};

beforeEach(() => {
  calls.length = 0;
});

describe('VigilDataSource.query', () => {
  const outlierAnswer = {
    algorithm: 'mad',
    sensitivity: 0.5,
    minDuration: 3,
    intervalMs: 60000,
    band: [{ t: 1000, median: 1, lower: 0, upper: 2 }],
    series: ['a', 'b', 'c'].map((h) => ({
      labels: { host: h },
      outlier: h === 'b',
      score: h === 'b' ? 90 : 10,
      intervals: h === 'b' ? [{ start: 1000, end: 1000 }] : [],
      points: [{ t: 1000, value: h === 'b' ? 9 : 1, score: 10, outlier: h === 'b' }],
    })),
    warnings: [],
  };

  it('asks for peer outliers ad hoc (sensitivity scaled) or reads an outliers job, and marks the frames', async () => {
    respond = () => ({ status: 200, data: outlierAnswer });
    const ds = new VigilDataSource(settings);
    const adhoc = await ds.query(
      request([
        {
          refId: 'A',
          queryType: 'outliers',
          source: { type: 'prometheus', query: 'cpu{host=~"$host"}' },
          algorithm: 'mad',
          sensitivity: 5,
          minDuration: 4,
        },
      ])
    );
    expect(calls[0]).toMatchObject({
      url: '/api/datasources/proxy/uid/vigil/engine/api/outliers',
      method: 'POST',
      data: {
        source: { type: 'prometheus', query: 'cpu{host=~"web-1"}' },
        from: 1000,
        to: 5000,
        algorithm: 'mad',
        sensitivity: 0.5,
        minDuration: 4,
      },
    });
    expect(adhoc.data.map(frameKind)).toEqual([
      'outlier band',
      'outlier series',
      'outlier series',
      'outlier series',
      'outlier periods',
    ]);
    const job = await ds.query(request([{ refId: 'B', queryType: 'outliers', jobId: 'peers 1' }]));
    expect(job.errors).toBeUndefined();
    expect(calls[1]).toMatchObject({
      url: '/api/datasources/proxy/uid/vigil/engine/api/jobs/peers%201/outliers',
      params: { from: 1000, to: 5000 },
    });
    expect(job.data).toHaveLength(5);
  });

  it('sends an ad-hoc detection through the proxy route with variables replaced and sensitivity scaled', async () => {
    respond = () => ({ status: 200, data: { series: [{ labels: {}, intervalMs: 60000, points: [] }], anomalies: [] } });
    const ds = new VigilDataSource(settings);
    const res = await ds.query(
      request([
        { refId: 'A', source: { type: 'prometheus', query: 'up{host="$host"}' }, sensitivity: 8, detectors: ['mad'] },
      ])
    );
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({
      url: '/api/datasources/proxy/uid/vigil/engine/api/detect',
      method: 'POST',
      data: {
        source: { type: 'prometheus', query: 'up{host="web-1"}' },
        from: 1000,
        to: 5000,
        interval: '1m',
        detectors: ['mad'],
        sensitivity: 0.8,
      },
    });
    expect(res.data.map(frameKind)).toEqual(['series', 'anomalies']);
    expect(res.errors).toBeUndefined();
  });

  it('refuses an incomplete query without calling the engine, and reports engine errors per query', async () => {
    respond = () => ({
      status: 400,
      data: { error: { code: 'invalid_input', message: 'no prometheus source is configured' } },
    });
    const ds = new VigilDataSource(settings);
    const res = await ds.query(request([{ refId: 'A' }, { refId: 'B', source: { type: 'prometheus', query: 'up' } }]));
    expect(calls).toHaveLength(1);
    expect(res.errors).toEqual([
      { refId: 'A', message: 'Enter a Prometheus query (PromQL)' },
      {
        refId: 'B',
        message: 'Detection for query B: no prometheus source is configured (invalid_input, HTTP 400)',
        status: 400,
      },
    ]);
  });

  it('asks the engine for the log analysis of an index: template series and log events as annotations', async () => {
    const event = {
      start: 2000,
      end: 3000,
      labels: { __name__: 'log_rule', rule: 'web-url-scan', key: 'ip-0123456789ab' },
      severity: 'major',
      score: 70,
      peak: 3000,
      detectors: { 'rule:web-url-scan': 70 },
      expected: 20,
      actual: 100,
      direction: 'above',
      confidence: 1,
      explanation: 'client ip-0123456789ab: web-url-scan: 100 lines',
      kind: 'rule',
      rule: 'web-url-scan',
      count: 100,
      examples: [{ time: 2000, message: 'ip-0123456789ab - - "GET /wp-login.php HTTP/1.1" 404' }],
    };
    respond = () => ({
      status: 200,
      data: {
        total: 3,
        sampled: false,
        lines: 3,
        intervalMs: 60000,
        templates: [{ id: '0', template: '<*> - - "GET <*> HTTP/<*>.<*>" <*>', count: 3 }],
        series: [
          {
            labels: { __name__: 'log_template_lines', template_id: '0' },
            template: '<*> - - "GET <*> HTTP/<*>.<*>" <*>',
            points: [{ t: 1000, value: 3 }],
          },
        ],
        events: [],
        ruleEvents: [event],
        warnings: [],
      },
    });
    const ds = new VigilDataSource(settings);
    const source = {
      type: 'elasticsearch-logs' as const,
      index: 'weblogs',
      timeField: 'timestamp',
      messageField: 'message',
    };
    const res = await ds.query(request([{ refId: 'L', queryType: 'logs', source }]));
    expect(calls[0]).toMatchObject({
      url: '/api/datasources/proxy/uid/vigil/engine/api/logs/analyze',
      method: 'POST',
      data: { source, from: 1000, to: 5000, interval: '1m', rules: true },
    });
    expect(res.data.map(frameKind)).toEqual(['series', 'anomalies']);
    expect(res.data[0].name).toBe('0: <*> - - "GET <*> HTTP/<*>.<*>" <*>');
    const text = res.data[1].fields.find((f: { name: string }) => f.name === 'text').values[0];
    expect(text).toContain('Example lines:\n  ip-0123456789ab - - "GET /wp-login.php HTTP/1.1" 404');

    calls.length = 0;
    const tpl = await ds.query(request([{ refId: 'T', queryType: 'templates', source }]));
    expect(calls[0].data).toMatchObject({ rules: false });
    expect(tpl.data[0].fields.map((f: { name: string }) => f.name)).toEqual([
      'id',
      'template',
      'lines',
      'first seen',
      'last seen',
    ]);
  });

  it('job results use the stored anomalies (ids, feedback) for the annotation frame', async () => {
    respond = (c) =>
      c.url.endsWith('/anomalies')
        ? {
            status: 200,
            data: {
              anomalies: [
                {
                  id: 'a1',
                  start: 2000,
                  end: 2000,
                  peak: 2000,
                  labels: {},
                  severity: 'major',
                  score: 60,
                  detectors: {},
                  expected: 1,
                  actual: 5,
                  direction: 'above',
                  confidence: 1,
                  explanation: '',
                },
              ],
            },
          }
        : { status: 200, data: { series: [], anomalies: [] } };
    const ds = new VigilDataSource(settings);
    const res = await ds.query(request([{ refId: 'A', queryType: 'job', jobId: 'j 1' }]));
    expect(calls.map((c) => c.url).sort()).toEqual([
      '/api/datasources/proxy/uid/vigil/engine/api/jobs/j%201/anomalies',
      '/api/datasources/proxy/uid/vigil/engine/api/jobs/j%201/results',
    ]);
    const anomalies = res.data.find((f) => frameKind(f) === 'anomalies')!;
    expect(anomalies.fields.find((f: { name: string }) => f.name === 'id').values).toEqual(['a1']);
  });
});

describe('VigilDataSource.testDatasource', () => {
  it('succeeds with the engine version and job counts', async () => {
    respond = (c) =>
      c.url.endsWith('/api/health') ? { status: 200, data: health } : { status: 200, data: { jobs: [] } };
    await expect(new VigilDataSource(settings).testDatasource()).resolves.toEqual({
      status: 'success',
      message: 'Engine 0.1.0 is healthy: 2 jobs, 0 failing.',
    });
  });

  it('says the engine is unreachable on a proxy 502', async () => {
    respond = () => ({ status: 502, data: '' });
    const r = await new VigilDataSource(settings).testDatasource();
    expect(r.status).toBe('error');
    expect(r.message).toContain('Engine health at http://vigil:8080: HTTP 502');
    expect(r.message).toContain('could not reach the engine');
  });

  it('says the token was rejected when health passes but an authenticated call gets 401', async () => {
    respond = (c) =>
      c.url.endsWith('/api/health')
        ? { status: 200, data: health }
        : {
            status: 401,
            data: { error: { code: 'unauthorized', message: 'the bearer token is not valid for this Vigil engine' } },
          };
    const r = await new VigilDataSource(settings).testDatasource();
    expect(r.message).toMatch(/up \(version 0\.1\.0\) but rejected the token: .*not valid/);
  });

  it('names the degraded parts and asks for a URL when none is set', async () => {
    respond = (c) =>
      c.url.endsWith('/api/health')
        ? {
            status: 200,
            data: {
              ...health,
              status: 'degraded',
              sources: { prometheus: { ok: false, error: 'connection refused' } },
            },
          }
        : { status: 200, data: { jobs: [] } };
    const r = await new VigilDataSource(settings).testDatasource();
    expect(r).toEqual({
      status: 'error',
      message: 'Engine 0.1.0 is reachable but degraded (2 jobs, 0 failing): source prometheus: connection refused',
    });
    const noUrl = new VigilDataSource({ ...settings, jsonData: {} });
    expect((await noUrl.testDatasource()).message).toMatch(/Set the engine URL/);
  });
});

describe('VigilDataSource.metricFindQuery', () => {
  it('lists jobs by name (value = id), only those of one source type when the variable asks', async () => {
    const jobs = [
      { id: 'j1', name: 'shop request rate', source: { type: 'prometheus', query: 'up' } },
      { id: 'j2', name: 'access log errors', source: { type: 'elasticsearch', index: 'weblogs-*' } },
      { id: 'j3', name: 'log templates', source: { type: 'elasticsearch-logs', index: 'weblogs-*' } },
    ];
    respond = () => ({ status: 200, data: { jobs } });
    const ds = new VigilDataSource(settings);
    expect(await ds.metricFindQuery({ kind: 'jobs' })).toEqual([
      { text: 'shop request rate', value: 'j1' },
      { text: 'access log errors', value: 'j2' },
      { text: 'log templates', value: 'j3' },
    ]);
    expect(await ds.metricFindQuery({ kind: 'jobs', sourceType: 'elasticsearch' })).toEqual([
      { text: 'access log errors', value: 'j2' },
    ]);
    expect(await ds.metricFindQuery({ kind: 'jobs', sourceType: 'prometheus' })).toEqual([
      { text: 'shop request rate', value: 'j1' },
    ]);
  });
});

describe('toEngineSensitivity', () => {
  it('maps 1-10 to 0.1-1 and clamps', () => {
    expect([1, 6, 10, 42, undefined].map(toEngineSensitivity)).toEqual([0.1, 0.6, 1, 1, undefined]);
  });
});
