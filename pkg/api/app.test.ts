import type { FastifyInstance } from 'fastify';
import { SourceError } from '../core/errors';
import { EngineMetrics } from '../promapi/metrics';
import { defaultEngine } from '../jobs/engine';
import { JobRunner } from '../jobs/runner';
import { Scheduler } from '../jobs/scheduler';
import { SourceRegistry } from '../sources/registry';
import { ManualClock, MemorySeriesSource } from '../../tests/helpers/jobs';
import { Repo } from '../store/repo';
import { SqliteStore } from '../store/sqlite';
import { buildApp } from './app';

const MIN = 60_000;
const T0 = Date.UTC(2026, 0, 5, 12, 0, 0);
const TOKEN = 'test-token-123';
const auth = { authorization: `Bearer ${TOKEN}` };
const SPIKE = T0 - 30 * MIN;

function noise(t: number): number {
  const x = Math.sin(t / 7919) * 43758.5453;
  return x - Math.floor(x) - 0.5;
}

let app: FastifyInstance;
let repo: Repo;
let clock: ManualClock;
let prom: MemorySeriesSource;
let es: MemorySeriesSource;
let scheduler: Scheduler;
let jobId: string;

const spec = {
  name: 'cpu',
  source: { type: 'prometheus', query: 'cpu' },
  detectors: ['zscore', 'mad'],
  interval: '1m',
  trainingWindow: '1d',
  labels: { team: 'sre' },
  forecastHorizon: 6,
};

beforeAll(async () => {
  repo = new Repo(await SqliteStore.open());
  clock = new ManualClock(T0 + 10_000);
  prom = new MemorySeriesSource(
    'prometheus',
    'prometheus',
    [{ __name__: 'cpu', instance: 'a', job: 'node' }],
    (_l, t) => {
      return 50 + 5 * Math.sin((2 * Math.PI * t) / (60 * MIN)) + noise(t) + (t === SPIKE ? 40 : 0);
    }
  );
  es = new MemorySeriesSource('logs', 'elasticsearch', [{ __name__: 'count' }], () => 1);
  const sources = new SourceRegistry([prom, es]);
  const runner = new JobRunner({ repo, sources, engine: defaultEngine, clock });
  const metrics = new EngineMetrics(repo, () => clock.now(), false);
  scheduler = new Scheduler({ repo, runner, clock, onRun: (j, ok, ms) => metrics.observeRun(j.name, ok, ms) });
  app = await buildApp({ apiToken: TOKEN, repo, sources, scheduler, metrics, clock, healthTimeoutMs: 200 });
  const res = await app.inject({ method: 'POST', url: '/api/jobs', headers: auth, payload: spec });
  expect(res.statusCode).toBe(201);
  jobId = res.json().id;
  expect(await scheduler.runNow(jobId)).toBe(true);
});

afterAll(async () => {
  await scheduler.stop();
  await app.close();
  await repo.store.close();
});

const get = (url: string, headers: Record<string, string> = auth) => app.inject({ method: 'GET', url, headers });
const post = (url: string, payload: unknown, headers: Record<string, string> = auth) =>
  app.inject({ method: 'POST', url, headers, payload: payload as object });

describe('auth and errors', () => {
  it('serves health without a token', async () => {
    const res = await get('/api/health', {});
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      status: 'ok',
      version: expect.any(String),
      store: { ok: true },
      sources: { prometheus: { ok: true }, logs: { ok: true } },
      jobs: { total: 1, failing: 0 },
    });
  });

  it.each(['/api/jobs', '/metrics', '/api/openapi.json', '/api/drift'])('refuses %s without a token', async (url) => {
    const res = await get(url, {});
    expect(res.statusCode).toBe(401);
    expect(res.json().error).toEqual({ code: 'unauthorized', message: expect.stringMatching(/Authorization: Bearer/) });
    expect(res.headers['www-authenticate']).toMatch(/Bearer/);
  });

  it('refuses a wrong token, and answers the Prometheus API in its own error shape', async () => {
    expect((await get('/api/jobs', { authorization: 'Bearer nope-nope-nope' })).json().error.message).toMatch(
      /not valid/
    );
    const res = await get('/api/v1/query?query=up', { authorization: 'Basic abc' });
    expect(res.statusCode).toBe(401);
    expect(res.json()).toMatchObject({ status: 'error', errorType: 'unauthorized' });
  });

  it('rejects a body that fails the schema, naming the field', async () => {
    const res = await post('/api/jobs', { source: { type: 'prometheus', query: 'up' } });
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatchObject({ code: 'bad_request', message: expect.stringMatching(/name/) });
    const bad = await post('/api/detect', { source: { type: 'prometheus', query: 'up' }, from: 'yesterday', to: 1 });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.message).toMatch(/from/);
  });

  it('answers unknown routes with the error shape', async () => {
    const res = await get('/api/nope');
    expect(res.statusCode).toBe(404);
    expect(res.json().error.code).toBe('not_found');
  });
});

describe('POST /api/detect', () => {
  const body = {
    source: { type: 'prometheus', query: 'cpu' },
    from: T0 - 6 * 60 * MIN,
    to: T0,
    interval: '1m',
    detectors: ['zscore', 'mad'],
  };

  it('returns series with expected value, band, score and the anomaly event', async () => {
    const res = await post('/api/detect', body);
    expect(res.statusCode).toBe(200);
    const r = res.json();
    expect(r.series).toHaveLength(1);
    expect(r.series[0].points).toHaveLength(361);
    expect(r.series[0].points[200]).toEqual({
      t: expect.any(Number),
      value: expect.any(Number),
      expected: expect.any(Number),
      lower: expect.any(Number),
      upper: expect.any(Number),
      score: expect.any(Number),
      anomaly: expect.any(Boolean),
    });
    expect(r.anomalies.map((a: { peak: number }) => a.peak)).toContain(SPIKE);
  });

  it('maps bad input, parameters and source failures to clear errors', async () => {
    const range = await post('/api/detect', { ...body, to: body.from });
    expect(range.statusCode).toBe(400);
    expect(range.json().error).toMatchObject({
      code: 'invalid_input',
      message: expect.stringMatching(/"to".*after "from"/),
    });
    const det = await post('/api/detect', { ...body, detectors: ['nope'] });
    expect(det.statusCode).toBe(400);
    expect(det.json().error).toMatchObject({ code: 'invalid_parameter', message: expect.stringMatching(/nope/) });
    const none = await post('/api/detect', { ...body, source: { type: 'file', path: 'x.csv' } });
    expect(none.statusCode).toBe(400);
    expect(none.json().error.message).toMatch(/no file source is configured/);
    prom.fail = new SourceError('prometheus', 'connect ECONNREFUSED 127.0.0.1:9090');
    try {
      const down = await post('/api/detect', body);
      expect(down.statusCode).toBe(502);
      expect(down.json().error).toEqual({
        code: 'source_error',
        message: 'prometheus: connect ECONNREFUSED 127.0.0.1:9090',
      });
      prom.fail = new SourceError('prometheus', 'request timed out after 30000 ms');
      expect((await post('/api/detect', body)).statusCode).toBe(504);
      prom.fail = new SourceError('prometheus', 'query_range failed: bad_data: parse error (HTTP 400)', 400);
      const badQuery = await post('/api/detect', body);
      expect(badQuery.statusCode).toBe(400);
      expect(badQuery.json().error).toMatchObject({
        code: 'invalid_query',
        message: expect.stringMatching(/bad_data/),
      });
    } finally {
      prom.fail = undefined;
    }
  });
});

describe('jobs', () => {
  it('creates, lists, reads, updates, disables, enables and deletes', async () => {
    clock.t += 1; // list order is creation time
    const created = await post('/api/jobs', { ...spec, name: 'tmp' });
    expect(created.statusCode).toBe(201);
    const job = created.json();
    expect(job).toMatchObject({ name: 'tmp', enabled: true, anomalies24h: 0, interval: '1m' });
    expect((await get('/api/jobs')).json().jobs.map((j: { name: string }) => j.name)).toEqual(['cpu', 'tmp']);
    expect((await get(`/api/jobs/${job.id}`)).json().name).toBe('tmp');
    const put = await app.inject({
      method: 'PUT',
      url: `/api/jobs/${job.id}`,
      headers: auth,
      payload: { ...spec, name: 'tmp2', threshold: 60 },
    });
    expect(put.json()).toMatchObject({ name: 'tmp2', threshold: 60 });
    expect((await post(`/api/jobs/${job.id}/disable`, {})).json().enabled).toBe(false);
    expect((await post(`/api/jobs/${job.id}/enable`, {})).json().enabled).toBe(true);
    expect((await app.inject({ method: 'DELETE', url: `/api/jobs/${job.id}`, headers: auth })).statusCode).toBe(204);
    const gone = await get(`/api/jobs/${job.id}`);
    expect(gone.statusCode).toBe(404);
    expect(gone.json().error.message).toMatch(job.id);
  });

  it('refuses a job with a bad interval or unknown detector', async () => {
    const bad = await post('/api/jobs', { ...spec, interval: 'often' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.message).toMatch(/interval "often"/);
    const det = await post('/api/jobs', { ...spec, detectors: ['zscore', 'bogus'] });
    expect(det.statusCode).toBe(400);
    expect(det.json().error.message).toMatch(/bogus/);
  });

  it('backtests a saved job and an unsaved spec', async () => {
    const saved = await post(`/api/jobs/${jobId}/backtest`, { from: T0 - 26 * 60 * MIN, to: T0 });
    expect(saved.statusCode).toBe(200);
    const r = saved.json();
    expect(r.count).toBe(r.events.length);
    expect(r.events.map((e: { peak: number }) => e.peak)).toContain(SPIKE);
    const unsaved = await post('/api/backtest', { ...spec, from: T0 - 26 * 60 * MIN, to: T0 });
    expect(unsaved.json().count).toBe(r.count);
  });

  it('serves the stored results and anomalies of the scheduler run', async () => {
    const res = (await get(`/api/jobs/${jobId}/results?from=${T0 - 60 * MIN}&to=${T0}`)).json();
    expect(res.series).toHaveLength(1);
    expect(res.series[0].labels).toEqual({ __name__: 'cpu', instance: 'a', job: 'node', team: 'sre' });
    expect(res.series[0].points).toHaveLength(60);
    const spike = res.series[0].points.find((p: { t: number }) => p.t === SPIKE);
    expect(spike).toMatchObject({ anomaly: true, value: expect.any(Number) });
    const anomalies = (await get(`/api/jobs/${jobId}/anomalies?from=${T0 - 60 * MIN}&to=${T0}`)).json().anomalies;
    expect(anomalies.length).toBeGreaterThanOrEqual(1);
    expect(anomalies.find((a: { peak: number }) => a.peak === SPIKE)).toMatchObject({
      id: expect.any(String),
      jobId,
      direction: 'above',
    });
    const job = (await get(`/api/jobs/${jobId}`)).json();
    expect(job.lastRun).toMatchObject({ ok: true });
    expect(job.anomalies24h).toBeGreaterThanOrEqual(1);
  });
});

describe('feedback and drift', () => {
  it('stores a verdict on an anomaly and lists it', async () => {
    const anomalies = (await get(`/api/jobs/${jobId}/anomalies?from=${T0 - 60 * MIN}&to=${T0}`)).json().anomalies;
    const a = anomalies.find((x: { peak: number }) => x.peak === SPIKE);
    const res = await post(`/api/anomalies/${a.id}/feedback`, { verdict: 'confirmed', comment: 'real incident' });
    expect(res.statusCode).toBe(200);
    expect(res.json().feedback).toMatchObject({ verdict: 'confirmed', comment: 'real incident' });
    const list = (await get('/api/feedback')).json().feedback;
    expect(list[0]).toMatchObject({ anomalyId: a.id, jobId, verdict: 'confirmed' });
    expect((await post(`/api/anomalies/${a.id}/feedback`, { verdict: 'meh' })).statusCode).toBe(400);
    expect((await post('/api/anomalies/nope/feedback', { verdict: 'expected' })).statusCode).toBe(404);
  });

  it('reports drift per job series', async () => {
    const d = (await get('/api/drift')).json().jobs;
    expect(d).toHaveLength(1);
    expect(d[0]).toMatchObject({
      jobId,
      name: 'cpu',
      drifting: expect.any(Boolean),
      pValue: expect.any(Number),
      checkedAt: T0 + 10_000,
    });
  });
});

describe('forecast and the seed API', () => {
  it('forecasts a source query and a saved job', async () => {
    const res = await post('/api/forecast', {
      source: { type: 'prometheus', query: 'cpu' },
      from: T0 - 6 * 60 * MIN,
      to: T0,
      interval: '1m',
      horizon: 12,
      method: 'ets',
    });
    expect(res.statusCode).toBe(200);
    const pts = res.json().series[0].points;
    expect(pts).toHaveLength(12);
    expect(pts[0].t).toBe(T0 + MIN);
    expect(pts[0].lower).toBeLessThanOrEqual(pts[0].mean);
    expect(pts[0].upper).toBeGreaterThanOrEqual(pts[0].mean);
    const byJob = await get(`/api/forecast?jobId=${jobId}&horizon=5`);
    expect(byJob.statusCode).toBe(200);
    expect(byJob.json().series[0].points).toHaveLength(5);
  });

  it('trains a baseline, reads it, and detects on the latest value', async () => {
    const train = await post('/api/train', {
      series: 'cpu-a',
      source: { type: 'prometheus', query: 'cpu' },
      from: T0 - 12 * 60 * MIN,
      to: T0 - 10 * MIN,
      interval: '1m',
      detectors: ['zscore', 'mad'],
    });
    expect(train.statusCode).toBe(200);
    expect(train.json()).toMatchObject({
      series: 'cpu-a',
      points: 711,
      detectors: ['zscore', 'mad'],
      thresholds: { anomalyScore: expect.any(Number) },
    });
    const bl = (await get('/api/baseline/cpu-a')).json();
    expect(bl.lower).toBeLessThan(bl.upper);
    const normal = (await post('/api/detect/latest', { series: 'cpu-a', value: bl.expected })).json();
    expect(normal).toMatchObject({ anomalous: false, consensus: 'normal' });
    const spike = (await post('/api/detect/latest', { series: 'cpu-a', value: bl.upper + 60 })).json();
    expect(spike).toMatchObject({
      anomalous: true,
      consensus: 'anomaly',
      direction: 'above',
      confidence: expect.any(Number),
    });
    expect(spike.methods.map((m: { name: string }) => m.name)).toEqual(['zscore', 'mad']);
    expect(spike.methods.every((m: { vote: boolean }) => m.vote)).toBe(true);
    const fromSource = await post('/api/detect/latest', { series: 'cpu-a' });
    expect(fromSource.statusCode).toBe(200);
    expect(fromSource.json().timestamp).toBe(T0);
    expect((await get('/api/baseline/unknown')).statusCode).toBe(404);
  });
});

describe('Prometheus-compatible API', () => {
  const q = (query: string, extra = '') =>
    get(`/api/v1/query?query=${encodeURIComponent(query)}&time=${(T0 - MIN) / 1000}${extra}`);

  it('answers an instant query in Prometheus format', async () => {
    const res = await q('vigil_anomaly_score{job="cpu"}');
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.status).toBe('success');
    expect(body.data.resultType).toBe('vector');
    expect(body.data.result).toEqual([
      {
        metric: {
          __name__: 'vigil_anomaly_score',
          exported_job: 'node',
          instance: 'a',
          job: 'cpu',
          job_id: jobId,
          metric: 'cpu',
          team: 'sre',
        },
        value: [(T0 - MIN) / 1000, expect.stringMatching(/^\d+(\.\d+)?$/)],
      },
    ]);
    const bands = (await q('vigil_expected'))
      .json()
      .data.result.map((r: { metric: { bound: string } }) => r.metric.bound)
      .sort();
    expect(bands).toEqual(['lower', 'mean', 'upper']);
  });

  it('serves the forecast written by the job run, past the last point', async () => {
    const res = await get(
      `/api/v1/query_range?query=${encodeURIComponent('vigil_forecast{bound="mean"}')}&start=${T0 / 1000}&end=${(T0 + 10 * MIN) / 1000}&step=60`
    );
    const r = res.json().data.result;
    expect(r).toHaveLength(1);
    expect(r[0].metric).toMatchObject({ __name__: 'vigil_forecast', bound: 'mean', job: 'cpu' });
    // forecast points at T0 .. T0+5m; the lookback carries the last one for 5 more minutes
    expect(r[0].values[0][0]).toBe(T0 / 1000);
    expect(Number(r[0].values[0][1])).toBeGreaterThan(40);
    expect(Number(r[0].values[0][1])).toBeLessThan(60);
  });

  it("answers Grafana's data source test query (1+1) as a scalar", async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/query',
      headers: { ...auth, 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'query=1%2B1&time=4',
    });
    expect(res.json()).toEqual({ status: 'success', data: { resultType: 'scalar', result: [4, '2'] } });
  });

  it('applies the 5-minute lookback', async () => {
    // newest point at T0 - 1m: seen while it is less than 5 minutes old (window (t - 5m, t])
    const stale = await get(`/api/v1/query?query=vigil_anomaly_score&time=${(T0 + 4 * MIN) / 1000}`);
    expect(stale.json().data.result).toHaveLength(0);
    const fresh = await get(`/api/v1/query?query=vigil_anomaly_score&time=${(T0 + 4 * MIN - 1000) / 1000}`);
    expect(fresh.json().data.result).toHaveLength(1);
  });

  it('answers a range query (POST form-encoded, as Grafana sends it) with a matrix', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/query_range',
      headers: { ...auth, 'content-type': 'application/x-www-form-urlencoded' },
      payload: `query=${encodeURIComponent('max by (job) (vigil_anomalous)')}&start=${(SPIKE - 2 * MIN) / 1000}&end=${(SPIKE + 2 * MIN) / 1000}&step=60`,
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().data).toEqual({
      resultType: 'matrix',
      result: [
        {
          metric: { job: 'cpu' },
          values: [
            [(SPIKE - 2 * MIN) / 1000, '0'],
            [(SPIKE - MIN) / 1000, '0'],
            [SPIKE / 1000, '1'],
            [(SPIKE + MIN) / 1000, expect.any(String)],
            [(SPIKE + 2 * MIN) / 1000, expect.any(String)],
          ],
        },
      ],
    });
  });

  it('filters with a comparison, as an alert rule does', async () => {
    const at = (t: number) =>
      get(`/api/v1/query?query=${encodeURIComponent('vigil_anomaly_score > 50')}&time=${t / 1000}`);
    expect((await at(SPIKE)).json().data.result).toHaveLength(1);
    expect((await at(SPIKE - 5 * MIN)).json().data.result).toHaveLength(0);
  });

  it('serves labels, label values, series, metadata and buildinfo', async () => {
    expect((await get('/api/v1/labels')).json().data).toEqual(
      expect.arrayContaining(['__name__', 'job', 'job_id', 'bound', 'instance', 'team'])
    );
    expect((await get('/api/v1/label/__name__/values')).json().data).toEqual([
      'vigil_anomalous',
      'vigil_anomaly_score',
      'vigil_drift',
      'vigil_drift_p_value',
      'vigil_expected',
      'vigil_forecast',
    ]);
    expect((await get('/api/v1/label/job/values')).json().data).toEqual(['cpu']);
    const series = await get(`/api/v1/series?${encodeURIComponent('match[]')}=vigil_expected`);
    expect(series.json().data).toHaveLength(3);
    const noMatch = await get('/api/v1/series');
    expect(noMatch.statusCode).toBe(400);
    expect(noMatch.json()).toEqual({ status: 'error', errorType: 'bad_data', error: 'no match[] parameter provided' });
    expect((await get('/api/v1/metadata')).json().data.vigil_anomalous[0]).toMatchObject({ type: 'gauge' });
    expect((await get('/api/v1/status/buildinfo')).json().data.version).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it.each([
    ['rate(vigil_anomaly_score[5m])', /function "rate" is not supported/],
    ['vigil_anomaly_score{', /parse error/],
    ['quantile(0.9, vigil_anomaly_score)', /aggregation "quantile" is not supported/],
  ])('refuses %j with bad_data', async (query, message) => {
    const res = await q(query);
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({ status: 'error', errorType: 'bad_data', error: expect.stringMatching(message) });
  });

  it('refuses too many points and bad steps like Prometheus', async () => {
    const many = await get(`/api/v1/query_range?query=vigil_anomalous&start=0&end=100000&step=1`);
    expect(many.json().error).toMatch(/exceeded maximum resolution of 11,000 points/);
    const zero = await get(`/api/v1/query_range?query=vigil_anomalous&start=0&end=100&step=0`);
    expect(zero.json().error).toMatch(/zero or negative query resolution step/);
  });
});

describe('/metrics and OpenAPI', () => {
  it('exposes engine metrics and the newest result values', async () => {
    const res = await get('/metrics');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/text\/plain/);
    const text = res.body;
    expect(text).toMatch(/vigil_job_runs_total\{job="cpu",outcome="ok"\} 1/);
    expect(text).toMatch(/vigil_detection_duration_seconds_bucket\{le="0.005",kind="adhoc"\}/);
    expect(text).toMatch(/vigil_result_series 1/);
    expect(Number(/vigil_store_bytes (\d+)/.exec(text)?.[1])).toBeGreaterThan(10_000);
    expect(text).toMatch(/vigil_jobs\{state="enabled"\} 1/);
    expect(text).toMatch(
      new RegExp(
        `vigil_anomaly_score\\{job="cpu",job_id="${jobId}",metric="cpu",instance="a",exported_job="node",team="sre"\\} [0-9.]+`
      )
    );
    expect(text).toMatch(/vigil_expected\{[^}]*bound="upper"\} [0-9.]+/);
    expect(text).toMatch(/vigil_drift_p_value\{/);
  });

  it('serves the OpenAPI document generated from the route schemas', async () => {
    const doc = (await get('/api/openapi.json')).json();
    expect(doc.openapi).toBe('3.0.3');
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/api/jobs',
        '/api/jobs/{id}/backtest',
        '/api/detect',
        '/api/v1/query_range',
        '/api/train',
      ])
    );
    expect(doc.paths['/api/jobs'].post.requestBody.content['application/json'].schema.required).toEqual([
      'name',
      'source',
    ]);
  });
});
