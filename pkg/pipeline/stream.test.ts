import { decodeState, encodeState } from '../core/stateCodec';
import { InputError } from '../core/errors';
import { lcg } from '../../tests/helpers/streams';
import { detect, runSeries } from './detect';
import { advanceStream, defaultWarmup, startStream, type StreamState } from './stream';

const HOUR = 3_600_000;
const T0 = Date.UTC(2024, 0, 1);

/** Hourly requests: a daily rhythm with Poisson-like noise, a spike and an outage. */
function requests(days: number): { timestamps: Float64Array; values: Float64Array } {
  const rnd = lcg(21);
  const n = days * 24;
  const values = Float64Array.from({ length: n }, (_, i) => {
    const h = i % 24;
    const base = 20 + 60 * Math.max(0, Math.sin((Math.PI * (h - 6)) / 14));
    return Math.round(base + (rnd() - 0.5) * 2 * Math.sqrt(base));
  });
  values[24 * 15 + 13] = 600; // a spike
  for (let k = 0; k < 3; k++) values[24 * 17 + 11 + k] = 0; // a three-hour outage at midday
  return { timestamps: Float64Array.from({ length: n }, (_, i) => T0 + i * HOUR), values };
}

describe('detection stream', () => {
  const { timestamps, values } = requests(21);

  test('advancing in chunks, with the state saved and restored between them, gives what one pass gives', () => {
    const one = startStream({}, HOUR, values);
    const whole = advanceStream(one, { __name__: 'requests' }, timestamps, values);
    let state: StreamState = startStream({}, HOUR, values);
    const scores: number[] = [];
    const events: number[] = [];
    for (let a = 0; a < timestamps.length; a += 50) {
      const out = advanceStream(
        state,
        { __name__: 'requests' },
        timestamps.subarray(a, a + 50),
        values.subarray(a, a + 50)
      );
      scores.push(...out.score);
      events.push(...out.closed.map((e) => e.start));
      state = decodeState(encodeState(state));
    }
    expect(scores).toEqual(Array.from(whole.score));
    expect(events).toEqual(whole.closed.map((e) => e.start));
  });

  test('finds the spike and the outage as one event each, bands in the series’ units, never below 0', () => {
    const run = runSeries({ labels: { __name__: 'requests' }, timestamps, values });
    const out = run.output!;
    expect(run.state!.transform).toBe('sqrt'); // counts get the Anscombe transform
    const events = [...out.closed, ...(out.open ? [out.open] : [])];
    const spike = events.filter((e) => e.start === timestamps[24 * 15 + 13]);
    const outage = events.filter((e) => e.start === timestamps[24 * 17 + 11]);
    expect(spike).toHaveLength(1);
    expect(outage).toHaveLength(1);
    expect(outage[0].direction).toBe('below');
    expect(outage[0].expected).toBeGreaterThan(40);
    expect(events.length).toBeLessThanOrEqual(4);
    for (let i = 0; i < out.lower.length; i++)
      if (Number.isFinite(out.lower[i])) expect(out.lower[i]).toBeGreaterThanOrEqual(0);
  });

  test('the warm-up shows no band and raises no event', () => {
    const run = runSeries({ labels: {}, timestamps, values });
    const warm = defaultWarmup(HOUR);
    expect(warm).toBe(288); // two days, but at least 288 points: twelve days of hours
    const out = run.output!;
    for (let i = 0; i < warm; i++) {
      expect(out.expected[i]).toBeNaN();
      expect(out.anomaly[i]).toBe(0);
    }
    expect(Number.isFinite(out.expected[warm + 30])).toBe(true);
  });

  test('refuses points off the stream’s grid or out of order', () => {
    const state = startStream({}, HOUR, values);
    advanceStream(state, {}, timestamps.subarray(0, 10), values.subarray(0, 10));
    expect(() => advanceStream(state, {}, Float64Array.of(timestamps[5]), Float64Array.of(1))).toThrow(InputError);
    expect(() => advanceStream(state, {}, Float64Array.of(timestamps[10] + 1000), Float64Array.of(1))).toThrow(/grid/);
    expect(() => startStream({}, 0, values)).toThrow(/interval/);
    expect(() => startStream({ warmup: -1 }, HOUR, values)).toThrow(/warmup/);
  });
});

describe('detect', () => {
  test('judges every series it can, and says why it cannot judge the others', () => {
    const { timestamps, values } = requests(21);
    const report = detect([
      { labels: { __name__: 'ok' }, timestamps, values },
      { labels: { __name__: 'short' }, timestamps: timestamps.subarray(0, 5), values: values.subarray(0, 5) },
      { labels: { __name__: 'one' }, timestamps: timestamps.subarray(0, 1), values: values.subarray(0, 1) },
    ]);
    expect(report.series).toHaveLength(3);
    expect(report.warnings.join('\n')).toMatch(/short.*5 points, at least 10/);
    expect(report.warnings.join('\n')).toMatch(/one.*fewer than two points/);
    expect(report.series[1].points.every((p) => p.score === null)).toBe(true);
  });

  test('survives constant, all-missing-but-ten and huge inputs', () => {
    const n = 500;
    const ts = Float64Array.from({ length: n }, (_, i) => T0 + i * HOUR);
    const constant = new Float64Array(n).fill(7);
    const sparse = new Float64Array(n).fill(NaN);
    for (let i = 0; i < 10; i++) sparse[i * 40] = i;
    const huge = Float64Array.from({ length: n }, (_, i) => (i % 2 ? 1e300 : -1e300));
    const report = detect([
      { labels: { k: 'constant' }, timestamps: ts, values: constant },
      { labels: { k: 'sparse' }, timestamps: ts, values: sparse },
      { labels: { k: 'huge' }, timestamps: ts, values: huge },
    ]);
    expect(report.anomalies.filter((e) => e.labels.k === 'constant')).toHaveLength(0);
    for (const s of report.series)
      for (const p of s.points) if (p.score !== null) expect(Number.isFinite(p.score)).toBe(true);
  });
});
