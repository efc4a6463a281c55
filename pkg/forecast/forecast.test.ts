import { InputError, ParameterError } from '../core/errors';
import { createSeries } from '../core/series';
import { etsForecast, mstlForecast } from './ets';
import { forecast } from './forecast';

const HOUR = 3_600_000;
const T0 = Date.UTC(2024, 0, 1);

function seasonal(n: number) {
  const t: number[] = [];
  const v: number[] = [];
  for (let i = 0; i < n; i++) {
    t.push(T0 + i * HOUR);
    v.push(50 + 10 * Math.sin((2 * Math.PI * i) / 24) + 0.5 * Math.sin(i * 1.3));
  }
  return { t, v };
}

function mae(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += Math.abs(a[i] - b[i]);
  return s / a.length;
}

describe('forecast', () => {
  const { t, v } = seasonal(24 * 12);
  const train = createSeries({ __name__: 'load' }, t.slice(0, -24), v.slice(0, -24));
  const heldOut = v.slice(-24);

  it.each(['prophet', 'mstl', 'ets'] as const)(
    '%s returns horizon points past the end with an ordered band',
    (method) => {
      const f = forecast(train, { horizon: 24, method });
      expect(f.method).toBe(method);
      expect(f.labels).toEqual({ __name__: 'load' });
      expect(f.intervalMs).toBe(HOUR);
      expect(f.timestamps.length).toBe(24);
      expect(f.timestamps[0]).toBe(t[t.length - 25] + HOUR);
      expect(f.timestamps[23]).toBe(t[t.length - 1]);
      for (let k = 0; k < 24; k++) {
        expect(f.lower[k]).toBeLessThanOrEqual(f.mean[k]);
        expect(f.upper[k]).toBeGreaterThanOrEqual(f.mean[k]);
      }
    }
  );

  it('seasonal methods forecast a held-out day far better than non-seasonal ETS', () => {
    const ets = mae(forecast(train, { horizon: 24, method: 'ets' }).mean, heldOut);
    const prophet = mae(forecast(train, { horizon: 24, method: 'prophet' }).mean, heldOut);
    const mstl = mae(forecast(train, { horizon: 24, method: 'mstl', periods: [24] }).mean, heldOut);
    expect(prophet).toBeLessThan(1.5);
    expect(mstl).toBeLessThan(1.5);
    expect(ets).toBeGreaterThan(3 * Math.max(prophet, mstl));
  });

  it('covers most held-out points with a 95% band', () => {
    const f = forecast(train, { horizon: 24, level: 0.95, method: 'prophet' });
    const inside = heldOut.filter((x, k) => x >= f.lower[k] && x <= f.upper[k]).length;
    expect(inside).toBeGreaterThanOrEqual(20);
  });

  it('falls back to ets when mstl has no period', () => {
    expect(forecast(train, { horizon: 5, method: 'mstl', periods: [] }).method).toBe('ets');
  });

  it('regularises irregular input onto the inferred grid', () => {
    const irregular = createSeries(
      {},
      [0, 60_000, 120_000, 150_000, 240_000, 300_000, 360_000, 420_000, 480_000, 540_000, 600_000, 660_000],
      [1, 2, 3, 3, 5, 6, 7, 8, 9, 10, 11, 12]
    );
    const f = forecast(irregular, { horizon: 2, method: 'ets' });
    expect(f.intervalMs).toBe(60_000);
    expect(Array.from(f.timestamps)).toEqual([720_000, 780_000]);
  });

  it('rejects bad options and too-short series with clear errors', () => {
    expect(() => forecast(train, { method: 'arima' as 'ets' })).toThrow(/method must be one of prophet, ets, mstl/);
    expect(() => forecast(train, { horizon: 0 })).toThrow(ParameterError);
    expect(() => forecast(train, { level: 0 })).toThrow(ParameterError);
    const short = createSeries({ a: '1' }, [0, 1000, 2000], [1, 2, 3]);
    expect(() => forecast(short, { method: 'ets' })).toThrow(InputError);
    expect(() => forecast(short, { method: 'ets' })).toThrow(/a="1"/);
    expect(() => forecast(createSeries({}, [0], [1]))).toThrow(/two distinct timestamps/);
  });
});

describe('etsForecast / mstlForecast', () => {
  it('interpolate gaps and validate periods', () => {
    const y = Float64Array.from({ length: 100 }, (_, i) => (i % 10 === 0 ? NaN : 10 + (i % 24)));
    expect(etsForecast(y, 3, 0.9).mean.every(Number.isFinite)).toBe(true);
    expect(() => mstlForecast(y, [1], 3, 0.9)).toThrow(ParameterError);
    expect(() => mstlForecast(y, [60], 3, 0.9)).toThrow(/needs at least 120 points/);
    expect(() => etsForecast(y, 1.5, 0.9)).toThrow(/horizon/);
  });
});
