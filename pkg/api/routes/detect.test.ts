import { MIN, SPIKE, T0, startTestApp, useCpuJobApp } from '../../../tests/helpers/api';
import { SourceError } from '../../core/errors';
import { InlinePool, PoolBusyError } from '../../pool/pool';

const api = useCpuJobApp();
const { post } = api;

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
    api.prom.fail = new SourceError('prometheus', 'connect ECONNREFUSED 127.0.0.1:9090');
    // a range not asked before: an identical request within 5 s is answered from the result cache
    const body2 = { ...body, from: body.from - MIN };
    try {
      const down = await post('/api/detect', body2);
      expect(down.statusCode).toBe(502);
      expect(down.json().error).toEqual({
        code: 'source_error',
        message: 'prometheus: connect ECONNREFUSED 127.0.0.1:9090',
      });
      api.prom.fail = new SourceError('prometheus', 'request timed out after 30000 ms');
      expect((await post('/api/detect', body2)).statusCode).toBe(504);
      api.prom.fail = new SourceError('prometheus', 'query_range failed: bad_data: parse error (HTTP 400)', 400);
      const badQuery = await post('/api/detect', body2);
      expect(badQuery.statusCode).toBe(400);
      expect(badQuery.json().error).toMatchObject({
        code: 'invalid_query',
        message: expect.stringMatching(/bad_data/),
      });
    } finally {
      api.prom.fail = undefined;
    }
  });
});

describe('POST /api/detect limits', () => {
  const body = { source: { type: 'prometheus', query: 'cpu' }, from: T0 - 60 * MIN, to: T0, interval: '1m' };

  it('refuses a request over the points limit or outside the years 1-9999, naming the field and the limit', async () => {
    const res = await post('/api/detect', { ...body, from: T0 - 400 * 86_400_000 });
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatchObject({
      code: 'invalid_input',
      message: expect.stringMatching(/^field "interval": \d+ points per series .* more than the limit of 200000/),
    });
    const far = await post('/api/detect', { ...body, from: -1e17 });
    expect(far.statusCode).toBe(400);
    expect(far.json().error.message).toMatch(/^field "from": .*between the years 1 and 9999/);
    const forecast = await post('/api/forecast', { ...body, from: T0 - 400 * 86_400_000 });
    expect(forecast.statusCode).toBe(400);
    expect(forecast.json().error.message).toMatch(/more than the limit/);
  });

  it('answers 429 with Retry-After when the detection queue is full', async () => {
    const busyPool = new InlinePool();
    const busy = new PoolBusyError('detection is busy: 64 requests are waiting for 2 worker threads; retry in 3 s', 3);
    busyPool.detectJson = async () => Promise.reject(busy);
    busyPool.forecast = async () => Promise.reject(busy);
    const other = await startTestApp({ clock: api.clock, sources: () => [api.prom], deps: { pool: busyPool } });
    try {
      for (const url of ['/api/detect', '/api/forecast']) {
        const res = await other.post(url, body);
        expect(res.statusCode).toBe(429);
        expect(res.headers['retry-after']).toBe('3');
        expect(res.json().error).toEqual({ code: 'busy', message: busy.message });
      }
    } finally {
      await other.close();
    }
  });
});
