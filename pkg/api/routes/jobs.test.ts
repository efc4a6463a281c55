import { auth, cpuJobSpec, useCpuJobApp } from '../../../tests/helpers/api';

const api = useCpuJobApp();
const { get, post } = api;

describe('jobs', () => {
  it('creates, lists, reads, updates, disables, enables and deletes', async () => {
    api.clock.t += 1; // list order is creation time
    const created = await post('/api/jobs', { ...cpuJobSpec, name: 'tmp' });
    expect(created.statusCode).toBe(201);
    const job = created.json();
    expect(job).toMatchObject({ name: 'tmp', enabled: true, anomalies24h: 0, interval: '1m' });
    expect((await get('/api/jobs')).json().jobs.map((j: { name: string }) => j.name)).toEqual(['cpu', 'tmp']);
    expect((await get(`/api/jobs/${job.id}`)).json().name).toBe('tmp');
    const put = await api.app.inject({
      method: 'PUT',
      url: `/api/jobs/${job.id}`,
      headers: auth,
      payload: { ...cpuJobSpec, name: 'tmp2', threshold: 60 },
    });
    expect(put.json()).toMatchObject({ name: 'tmp2', threshold: 60 });
    expect((await post(`/api/jobs/${job.id}/disable`, {})).json().enabled).toBe(false);
    expect((await post(`/api/jobs/${job.id}/enable`, {})).json().enabled).toBe(true);
    expect((await api.app.inject({ method: 'DELETE', url: `/api/jobs/${job.id}`, headers: auth })).statusCode).toBe(
      204
    );
    const gone = await get(`/api/jobs/${job.id}`);
    expect(gone.statusCode).toBe(404);
    expect(gone.json().error.message).toMatch(job.id);
  });

  it('refuses a job with a bad interval or unknown detector', async () => {
    const bad = await post('/api/jobs', { ...cpuJobSpec, interval: 'often' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.message).toMatch(/interval "often"/);
    const det = await post('/api/jobs', { ...cpuJobSpec, detectors: ['zscore', 'bogus'] });
    expect(det.statusCode).toBe(400);
    expect(det.json().error.message).toMatch(/bogus/);
  });
});

describe('job size limits', () => {
  it('refuses labels and params over their size limit, naming the field', async () => {
    const labels = Object.fromEntries(Array.from({ length: 400 }, (_, i) => [`k${i}`, 'v'.repeat(60)]));
    const res = await post('/api/jobs', { ...cpuJobSpec, name: 'big', labels });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.message).toMatch(
      /^field "labels": \d+ bytes of JSON is more than the limit of 16384 bytes/
    );
    const params = { zscore: { note: 'x'.repeat(20_000) } };
    const p = await post('/api/jobs', { ...cpuJobSpec, name: 'big', params });
    expect(p.statusCode).toBe(400);
    expect(p.json().error.message).toMatch(/^field "params": /);
    expect((await get('/api/jobs')).json().jobs.map((j: { name: string }) => j.name)).not.toContain('big');
  });
});
