import { cpuJobSpec, MIN, SPIKE, T0, useCpuJobApp } from '../../../tests/helpers/api';

const api = useCpuJobApp();
const { get, post } = api;

describe('backtests, results and anomalies of jobs', () => {
  it('backtests a saved job and an unsaved spec', async () => {
    const saved = await post(`/api/jobs/${api.jobId}/backtest`, { from: T0 - 26 * 60 * MIN, to: T0 });
    expect(saved.statusCode).toBe(200);
    const r = saved.json();
    expect(r.count).toBe(r.events.length);
    expect(r.events.map((e: { peak: number }) => e.peak)).toContain(SPIKE);
    const unsaved = await post('/api/backtest', { ...cpuJobSpec, from: T0 - 26 * 60 * MIN, to: T0 });
    expect(unsaved.json().count).toBe(r.count);
  });

  it('serves the stored results and anomalies of the scheduler run', async () => {
    const res = (await get(`/api/jobs/${api.jobId}/results?from=${T0 - 60 * MIN}&to=${T0}`)).json();
    expect(res.series).toHaveLength(1);
    expect(res.series[0].labels).toEqual({ __name__: 'cpu', instance: 'a', job: 'node', team: 'sre' });
    expect(res.series[0].points).toHaveLength(60);
    const spike = res.series[0].points.find((p: { t: number }) => p.t === SPIKE);
    expect(spike).toMatchObject({ anomaly: true, value: expect.any(Number) });
    const anomalies = (await get(`/api/jobs/${api.jobId}/anomalies?from=${T0 - 60 * MIN}&to=${T0}`)).json().anomalies;
    expect(anomalies.length).toBeGreaterThanOrEqual(1);
    expect(anomalies.find((a: { peak: number }) => a.peak === SPIKE)).toMatchObject({
      id: expect.any(String),
      jobId: api.jobId,
      direction: 'above',
    });
    const job = (await get(`/api/jobs/${api.jobId}`)).json();
    expect(job.lastRun).toMatchObject({ ok: true });
    expect(job.anomalies24h).toBeGreaterThanOrEqual(1);
  });
});
