import { InputError, ParameterError } from '../core/errors';
import { createRng } from '../core/random';
import { driftStatus } from './ksDrift';
import { autocorrelationTime } from '../features/autocorrelation';
import { driftResiduals, driftTest, learnDriftReference } from './seasonalDrift';

const STEP = 300_000; // 5 minutes
const DAY = 288; // points per day
const T0 = Date.UTC(2026, 0, 5);

/** A daily sine of amplitude 10 plus unit white noise, `days` long, with `shift` added from point `at` on. */
function sine(seed: number, n: number, shift = 0, at = Infinity) {
  const rng = createRng(seed);
  const t = Float64Array.from({ length: n }, (_, i) => T0 + i * STEP);
  const v = Float64Array.from({ length: n }, (_, i) => 50 + 10 * Math.sin((2 * Math.PI * i) / DAY) + rng.normal());
  for (let i = 0; i < n; i++) if (i >= at) v[i] += shift;
  return { t, v };
}

function ar1(seed: number, n: number, phi: number) {
  const rng = createRng(seed);
  const v = new Float64Array(n);
  let x = rng.normal();
  for (let i = 0; i < n; i++) {
    x = phi * x + Math.sqrt(1 - phi * phi) * rng.normal();
    v[i] = x;
  }
  return { t: Float64Array.from({ length: n }, (_, i) => T0 + i * STEP), v };
}

describe('seasonal drift', () => {
  const ref = 8 * DAY; // a job's first run: a warm-up day and a 7-day training window

  test('a stationary daily sine with noise does not drift over the next days, where the raw KS test did', () => {
    const s = sine(7, 14 * DAY);
    const model = learnDriftReference(s.t.subarray(0, ref), s.v.subarray(0, ref), STEP);
    expect(model.period).toBe(DAY);
    let drifting = 0;
    let rawDrifting = 0;
    let windows = 0;
    for (let end = ref + 240; end <= s.v.length; end += 12) {
      windows++;
      if (driftTest(model, s.t.subarray(end - 240, end), s.v.subarray(end - 240, end)).drifting) drifting++;
      if (driftStatus(s.v.subarray(ref - 1000, ref), s.v.subarray(end - 240, end)).drift) rawDrifting++;
    }
    expect(windows).toBeGreaterThan(100);
    expect(drifting / windows).toBeLessThan(0.02);
    // the comparison of unlike with like this replaces: most windows of part of a day looked like drift
    expect(rawDrifting / windows).toBeGreaterThan(0.5);
  });

  test('a level shift of 2 sd on the seasonal series drifts within a quarter of the recent window', () => {
    const at = 10 * DAY;
    const s = sine(11, 12 * DAY, 2, at);
    const model = learnDriftReference(s.t.subarray(0, ref), s.v.subarray(0, ref), STEP);
    let delay = -1;
    for (let end = ref + 240; end <= s.v.length; end++) {
      const d = driftTest(model, s.t.subarray(end - 240, end), s.v.subarray(end - 240, end));
      if (end - 1 < at) expect(d.drifting).toBe(false);
      else if (d.drifting) {
        delay = end - 1 - at;
        break;
      }
    }
    expect(delay).toBeGreaterThanOrEqual(0);
    expect(delay).toBeLessThan(60);
  });

  test('an autocorrelated stationary series does not drift; its effective sample size is much smaller', () => {
    const s = ar1(3, 14 * DAY, 0.9);
    const model = learnDriftReference(s.t.subarray(0, ref), s.v.subarray(0, ref), STEP);
    expect(model.period).toBe(0);
    expect(model.tau).toBeGreaterThan(8);
    expect(model.tau).toBeLessThan(40);
    let drifting = 0;
    let windows = 0;
    for (let end = ref + 240; end <= s.v.length; end += 12) {
      windows++;
      const d = driftTest(model, s.t.subarray(end - 240, end), s.v.subarray(end - 240, end));
      expect(d.effective[1]).toBeLessThan(240 / 8);
      if (d.drifting) drifting++;
    }
    expect(drifting / windows).toBeLessThan(0.05);
  });

  test('autocorrelation time: 1 for white noise and constants, about (1 + phi) / (1 - phi) for AR(1)', () => {
    const rng = createRng(5);
    expect(autocorrelationTime(Float64Array.from({ length: 4000 }, () => rng.normal()))).toBeLessThan(1.3);
    expect(autocorrelationTime(new Float64Array(100).fill(3))).toBe(1);
    const tau = autocorrelationTime(ar1(9, 20000, 0.8).v);
    expect(tau).toBeGreaterThan(7);
    expect(tau).toBeLessThan(11);
  });

  test('residuals take the baseline of their phase of the day', () => {
    const s = sine(1, 4 * DAY);
    const model = learnDriftReference(s.t, s.v, STEP);
    // the same phase a week later: residuals are small although the raw values span the whole sine
    const later = Float64Array.from({ length: DAY }, (_, i) => T0 + (7 * DAY + i) * STEP);
    const clean = Float64Array.from({ length: DAY }, (_, i) => 50 + 10 * Math.sin((2 * Math.PI * i) / DAY));
    const r = driftResiduals(model, later, clean);
    expect(Math.max(...r.map(Math.abs))).toBeLessThan(1);
    expect(r.reduce((a, v) => a + Math.abs(v), 0) / r.length).toBeLessThan(0.3);
  });

  test('bad input is a clear error, and the inputs are not mutated', () => {
    const s = sine(2, 3 * DAY);
    const copy = Float64Array.from(s.v);
    const model = learnDriftReference(s.t, s.v, STEP);
    driftTest(model, s.t.subarray(0, 100), s.v.subarray(0, 100));
    expect(s.v).toEqual(copy);
    expect(() => learnDriftReference(s.t.subarray(0, 10), s.v.subarray(0, 10), STEP)).toThrow(InputError);
    expect(() => learnDriftReference(s.t, s.v.subarray(1), STEP)).toThrow(/timestamps/);
    expect(() => learnDriftReference(s.t, s.v, 0)).toThrow(ParameterError);
    expect(() => driftTest(model, s.t.subarray(0, 5), s.v.subarray(0, 5))).toThrow(/recent window needs 20/);
    expect(() => driftTest(model, s.t.subarray(0, 50), s.v.subarray(0, 50), 1)).toThrow(ParameterError);
  });
});
