import { MIN, T0, useCpuJobApp } from '../../../tests/helpers/api';

const api = useCpuJobApp();
const { get, post } = api;

describe('/metrics and OpenAPI', () => {
  it('exposes engine metrics and the newest result values', async () => {
    // an ad-hoc detection, so that its latency is exported beside the job run's
    const body = { source: { type: 'prometheus', query: 'cpu' }, from: T0 - 60 * MIN, to: T0, interval: '1m' };
    expect((await post('/api/detect', body)).statusCode).toBe(200);
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
        `vigil_anomaly_score\\{job="cpu",job_id="${api.jobId}",metric="cpu",instance="a",exported_job="node",team="sre"\\} [0-9.]+`
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
