import { useCpuJobApp } from '../../../tests/helpers/api';

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
