import { MIN, T0, useCpuJobApp } from '../../../tests/helpers/api';

const api = useCpuJobApp();
const { get, post } = api;

describe('forecast', () => {
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
    const byJob = await get(`/api/forecast?jobId=${api.jobId}&horizon=5`);
    expect(byJob.statusCode).toBe(200);
    expect(byJob.json().series[0].points).toHaveLength(5);
  });
});
