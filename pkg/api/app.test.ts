/** The app's own parts: bearer auth, the schema errors and the one error handler (routes: routes/*.test.ts). */
import { useCpuJobApp } from '../../tests/helpers/api';

const api = useCpuJobApp();
const { get, post } = api;

describe('auth and errors', () => {
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
