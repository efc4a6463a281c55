import { InputError, ParameterError } from '../core/errors';
import { calendarSeasonalities, fitProphet, predictProphet } from './prophet';
import { loadProphetModule, loadProphetOptimizer } from './wasmstan';

const HOUR = 3_600_000;
const T0 = Date.UTC(2024, 0, 1);

/** 10 days hourly: daily sine + slow trend + deterministic wiggle */
function hourly(n = 240): { ts: Float64Array; y: Float64Array } {
  const ts = new Float64Array(n);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    ts[i] = T0 + i * HOUR;
    y[i] = 20 + 5 * Math.sin((2 * Math.PI * i) / 24) + 0.02 * i + 0.3 * Math.sin(i * 2.7);
  }
  return { ts, y };
}

describe('calendarSeasonalities', () => {
  it('enables a seasonality only when the data spans two periods at finer spacing', () => {
    expect(calendarSeasonalities(2 * 86_400_000, HOUR)).toEqual({ daily: true, weekly: false, yearly: false });
    expect(calendarSeasonalities(1.5 * 86_400_000, HOUR).daily).toBe(false);
    expect(calendarSeasonalities(20 * 86_400_000, 86_400_000)).toEqual({ daily: false, weekly: true, yearly: false });
  });
});

describe('fitProphet / predictProphet', () => {
  const { ts, y } = hourly();
  const fit = fitProphet(ts, y, HOUR);

  it('fits daily seasonality and tracks the history', () => {
    expect(fit.options.daily).toBe(true);
    expect(fit.options.weekly).toBe(false);
    const band = predictProphet(fit, ts);
    let mae = 0;
    for (let i = 0; i < y.length; i++) mae += Math.abs(band.mean[i] - y[i]) / y.length;
    expect(mae).toBeLessThan(0.5); // amplitude 5: the daily cycle is captured
    for (let i = 0; i < y.length; i++) expect(band.lower[i]).toBeLessThan(band.upper[i]);
  });

  it('rebuilds the exact augurs model from the compact JSON fit', () => {
    const { Prophet } = loadProphetModule();
    const direct = new Prophet({
      optimizer: loadProphetOptimizer(),
      uncertaintySamples: 0,
      dailySeasonality: { type: 'manual', enabled: true },
      weeklySeasonality: { type: 'manual', enabled: false },
      yearlySeasonality: { type: 'manual', enabled: false },
    });
    direct.fit({ ds: Array.from(ts, (t) => Math.round(t / 1000)), y: Array.from(y) }, { seed: 42 });
    const future = Float64Array.from({ length: 30 }, (_, k) => ts[ts.length - 1] + (k + 1) * HOUR);
    const want = direct.predict({ ds: Array.from(future, (t) => t / 1000) }).yhat.point;
    direct.free();
    const got = predictProphet(JSON.parse(JSON.stringify(fit)), future).mean;
    for (let k = 0; k < want.length; k++) expect(got[k]).toBeCloseTo(want[k], 9);
  });

  it('is deterministic', () => {
    expect(JSON.stringify(fitProphet(ts, y, HOUR))).toBe(JSON.stringify(fit));
  });

  it('gives a band close to augurs sampled predictive interval, widening into the future', () => {
    const { Prophet } = loadProphetModule();
    const sampled = new Prophet({
      optimizer: loadProphetOptimizer(),
      uncertaintySamples: 3000,
      intervalWidth: 0.95,
      dailySeasonality: { type: 'manual', enabled: true },
      weeklySeasonality: { type: 'manual', enabled: false },
      yearlySeasonality: { type: 'manual', enabled: false },
    });
    sampled.fit({ ds: Array.from(ts, (t) => Math.round(t / 1000)), y: Array.from(y) }, { seed: 42 });
    const at = Float64Array.from([ts[ts.length - 1] + HOUR, ts[ts.length - 1] + 200 * HOUR]);
    const s = sampled.predict({ ds: Array.from(at, (t) => t / 1000) }).yhat.intervals!;
    sampled.free();
    const ours = predictProphet(fit, at);
    for (let k = 0; k < at.length; k++) {
      const oursHalf = (ours.upper[k] - ours.lower[k]) / 2;
      const theirs = (s.upper[k] - s.lower[k]) / 2;
      expect(Math.abs(oursHalf - theirs) / theirs).toBeLessThan(0.2);
    }
    expect(ours.upper[1] - ours.lower[1]).toBeGreaterThan(ours.upper[0] - ours.lower[0]);
  });

  it('drops missing values and rejects too little data or bad options', () => {
    const gappy = Float64Array.from(y);
    for (let i = 0; i < gappy.length; i += 3) gappy[i] = NaN;
    expect(fitProphet(ts, gappy, HOUR).n).toBe(y.length - Math.ceil(y.length / 3));
    expect(() => fitProphet(ts.subarray(0, 5), y.subarray(0, 5), HOUR)).toThrow(InputError);
    expect(() => fitProphet(ts, y, HOUR, { level: 1.5 })).toThrow(ParameterError);
    expect(() => fitProphet(ts, y, HOUR, { growth: 'logistic' as 'linear' })).toThrow(/growth/);
  });
});
