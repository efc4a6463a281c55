import { startTestApp, useCpuJobApp } from '../../../tests/helpers/api';

const api = useCpuJobApp();
const { get } = api;

describe('GET /api/health', () => {
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
});

describe('health probes', () => {
  it('tells liveness from readiness, without a token; the report shows the detection pool', async () => {
    const live = await get('/api/health/live', {});
    expect(live.statusCode).toBe(200);
    expect(live.json()).toEqual({ status: 'live' });
    const ready = await get('/api/health/ready', {});
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toEqual({ status: 'ready', store: { ok: true } });
    const report = (await get('/api/health', {})).json();
    expect(report.detection).toMatchObject({ threads: expect.any(Number), queued: 0, maxQueue: 64 });
  });

  it('answers 503 unready when the store fails, while liveness stays 200 and the report says degraded', async () => {
    const other = await startTestApp({ clock: api.clock, sources: () => [] });
    await other.repo.store.close();
    try {
      const unready = await other.get('/api/health/ready', {});
      expect(unready.statusCode).toBe(503);
      expect(unready.json()).toMatchObject({ status: 'unready', store: { ok: false, error: expect.any(String) } });
      expect((await other.get('/api/health/live', {})).statusCode).toBe(200);
      const h = await other.get('/api/health', {});
      expect(h.statusCode).toBe(200);
      expect(h.json()).toMatchObject({ status: 'degraded', store: { ok: false } });
    } finally {
      await other.scheduler.stop();
      await other.app.close();
    }
  });
});
