import { auth, MIN, SPIKE, T0, useCpuJobApp } from '../../tests/helpers/api';

const api = useCpuJobApp();
const { get } = api;

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
          job_id: api.jobId,
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
    const res = await api.app.inject({
      method: 'POST',
      url: '/api/v1/query',
      headers: { ...auth, 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'query=1%2B1&time=4',
    });
    expect(res.json()).toEqual({ status: 'success', data: { resultType: 'scalar', result: [4, '2'] } });
  });

  it('applies the 5-minute lookback', async () => {
    // newest point at T0 - 1m: seen while it is at most 5 minutes old (Prometheus 2.x: window [t - 5m, t])
    const stale = await get(`/api/v1/query?query=vigil_anomaly_score&time=${(T0 + 4 * MIN + 1000) / 1000}`);
    expect(stale.json().data.result).toHaveLength(0);
    const fresh = await get(`/api/v1/query?query=vigil_anomaly_score&time=${(T0 + 4 * MIN) / 1000}`);
    expect(fresh.json().data.result).toHaveLength(1);
  });

  it('answers a range query (POST form-encoded, as Grafana sends it) with a matrix', async () => {
    const res = await api.app.inject({
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
    ['histogram_quantile(0.9, vigil_anomaly_score)', /function "histogram_quantile" is not supported/],
    ['vigil_anomaly_score{', /parse error/],
    ['count_values("v", vigil_anomaly_score)', /aggregation "count_values" is not supported/],
    ['vigil_anomaly_score @ 100', /@ modifier .* is not supported/],
    ['rate(vigil_anomaly_score)', /expected type range vector in call to function "rate"/],
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
