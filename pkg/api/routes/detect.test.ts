import { MIN, SPIKE, T0, useCpuJobApp } from '../../../tests/helpers/api';
import { SourceError } from '../../core/errors';

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
    try {
      const down = await post('/api/detect', body);
      expect(down.statusCode).toBe(502);
      expect(down.json().error).toEqual({
        code: 'source_error',
        message: 'prometheus: connect ECONNREFUSED 127.0.0.1:9090',
      });
      api.prom.fail = new SourceError('prometheus', 'request timed out after 30000 ms');
      expect((await post('/api/detect', body)).statusCode).toBe(504);
      api.prom.fail = new SourceError('prometheus', 'query_range failed: bad_data: parse error (HTTP 400)', 400);
      const badQuery = await post('/api/detect', body);
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
