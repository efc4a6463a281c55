import { auth, MIN, SPIKE, T0, useCpuJobApp } from '../../../tests/helpers/api';

const api = useCpuJobApp();
const { get, post } = api;

describe('feedback and drift', () => {
  it('stores a verdict on an anomaly and lists it', async () => {
    const anomalies = (await get(`/api/jobs/${api.jobId}/anomalies?from=${T0 - 60 * MIN}&to=${T0}`)).json().anomalies;
    const a = anomalies.find((x: { peak: number }) => x.peak === SPIKE);
    const res = await post(`/api/anomalies/${a.id}/feedback`, { verdict: 'confirmed', comment: 'real incident' });
    expect(res.statusCode).toBe(200);
    expect(res.json().feedback).toMatchObject({ verdict: 'confirmed', comment: 'real incident' });
    const list = (await get('/api/feedback')).json().feedback;
    expect(list[0]).toMatchObject({ anomalyId: a.id, jobId: api.jobId, verdict: 'confirmed' });
    // with the anomaly judged: when, which series, how bad
    expect(list[0].anomaly).toEqual({
      start: a.start,
      end: a.end,
      peak: SPIKE,
      labels: a.labels,
      severity: a.severity,
      score: a.score,
    });
    expect((await post(`/api/anomalies/${a.id}/feedback`, { verdict: 'meh' })).statusCode).toBe(400);
    expect((await post('/api/anomalies/nope/feedback', { verdict: 'expected' })).statusCode).toBe(404);
  });

  it('withdraws the verdicts on an anomaly (undo)', async () => {
    const anomalies = (await get(`/api/jobs/${api.jobId}/anomalies?from=${T0 - 60 * MIN}&to=${T0}`)).json().anomalies;
    const a = anomalies.find((x: { peak: number }) => x.peak === SPIKE);
    await post(`/api/anomalies/${a.id}/feedback`, { verdict: 'false_positive' });
    const del = (path: string) => api.app.inject({ method: 'DELETE', url: path, headers: auth });
    const res = await del(`/api/anomalies/${a.id}/feedback`);
    expect(res.statusCode).toBe(200);
    expect(res.json().id).toBe(a.id);
    expect(res.json().feedback).toBeUndefined();
    expect(
      (await get('/api/feedback')).json().feedback.filter((f: { anomalyId: string }) => f.anomalyId === a.id)
    ).toEqual([]);
    expect((await del('/api/anomalies/nope/feedback')).statusCode).toBe(404);
  });

  it('reports drift per job series', async () => {
    const d = (await get('/api/drift')).json().jobs;
    expect(d).toHaveLength(1);
    expect(d[0]).toMatchObject({
      jobId: api.jobId,
      name: 'cpu',
      drifting: expect.any(Boolean),
      pValue: expect.any(Number),
      checkedAt: T0 + 10_000,
    });
  });
});
