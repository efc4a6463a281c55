import { MIN, T0, useCpuJobApp } from '../../../tests/helpers/api';

const api = useCpuJobApp();
const { get, post } = api;

describe('the legacy API (train, baseline, detect latest)', () => {
  it('trains a baseline, reads it, and detects on the latest value', async () => {
    const train = await post('/api/train', {
      series: 'cpu-a',
      source: { type: 'prometheus', query: 'cpu' },
      from: T0 - 12 * 60 * MIN,
      to: T0 - 10 * MIN,
      interval: '1m',
      detectors: ['zscore', 'mad'],
    });
    expect(train.statusCode).toBe(200);
    expect(train.json()).toMatchObject({
      series: 'cpu-a',
      points: 711,
      detectors: ['zscore', 'mad'],
      thresholds: { anomalyScore: expect.any(Number) },
    });
    const bl = (await get('/api/baseline/cpu-a')).json();
    expect(bl.lower).toBeLessThan(bl.upper);
    const normal = (await post('/api/detect/latest', { series: 'cpu-a', value: bl.expected })).json();
    expect(normal).toMatchObject({ anomalous: false, consensus: 'normal' });
    // the training window holds a +40 spike 20 minutes earlier, inside the six-hour refractory window: a new event
    // (anomalous) needs a spike that escalates, at least twice as strong beyond score 100
    const spike = (await post('/api/detect/latest', { series: 'cpu-a', value: bl.upper + 200 })).json();
    expect(spike).toMatchObject({
      anomalous: true,
      consensus: 'anomaly',
      direction: 'above',
      confidence: expect.any(Number),
    });
    expect(spike.methods.map((m: { name: string }) => m.name)).toEqual(['zscore', 'mad']);
    expect(spike.methods.every((m: { vote: boolean }) => m.vote)).toBe(true);
    const fromSource = await post('/api/detect/latest', { series: 'cpu-a' });
    expect(fromSource.statusCode).toBe(200);
    expect(fromSource.json().timestamp).toBe(T0);
    expect((await get('/api/baseline/unknown')).statusCode).toBe(404);
  });
});
