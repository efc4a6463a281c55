import { ParameterError } from '../core/errors';
import type { DetectorInput } from '../detectors/types';
import { fitCalibration, probabilityToScore, tailProbability } from './calibration';
import { fitEnsemble, scoreEnsemble } from './ensemble';
import { severityOf } from '../contract/rules';
import { buildEvents } from './events';

function noisy(n: number, seed = 99): DetectorInput {
  let s = seed;
  const rnd = () => (s = (s * 1103515245 + 12345) % 2147483648) / 2147483648 - 0.5;
  return {
    timestamps: Float64Array.from({ length: n }, (_, i) => i * 300_000),
    values: Float64Array.from({ length: n }, () => 50 + rnd() * 6),
    intervalMs: 300_000,
  };
}

describe('calibration', () => {
  test('maps raw scores to decreasing tail probabilities with an exponential tail', () => {
    const raw = Float64Array.from({ length: 1000 }, (_, i) => i / 100);
    const cal = fitCalibration(raw);
    expect(tailProbability(cal, -1)).toBe(1);
    expect(tailProbability(cal, 5)).toBeCloseTo(0.5, 1);
    const p9 = tailProbability(cal, 9.5);
    const p20 = tailProbability(cal, 20);
    expect(p9).toBeLessThan(0.1);
    expect(p20).toBeLessThan(p9);
    expect(p20).toBeGreaterThan(0);
    expect(tailProbability(cal, NaN)).toBeNaN();
    expect(JSON.parse(JSON.stringify(cal))).toEqual(cal);
  });

  test('a few huge training outliers do not calibrate themselves away', () => {
    const raw = Float64Array.from({ length: 200 }, (_, i) => (i % 10) / 5);
    raw[50] = raw[120] = raw[170] = 40;
    const p = tailProbability(fitCalibration(raw), 40);
    expect(p).toBeLessThan(1e-6);
  });

  test('probability to 0-100 score', () => {
    expect(probabilityToScore(1)).toBe(0);
    expect(probabilityToScore(1e-3)).toBeCloseTo(50);
    expect(probabilityToScore(1e-9)).toBe(100);
    expect(probabilityToScore(NaN)).toBeNaN();
  });
});

describe('ensemble', () => {
  test('finds an injected spike, says which detectors saw it, and stays quiet elsewhere', () => {
    const input = noisy(600);
    const values = Float64Array.from(input.values);
    values[400] = 120;
    const withSpike = { ...input, values };
    const model = fitEnsemble(withSpike, { detectors: ['zscore', 'mad', 'iqr', 'spike'] });
    const out = scoreEnsemble(model, withSpike);
    expect(out.anomalous[400]).toBe(1);
    expect(out.score[400]).toBeGreaterThanOrEqual(75);
    expect(out.direction[400]).toBe(1);
    expect(out.confidence[400]).toBeGreaterThanOrEqual(0.5);
    const flagged = Array.from(out.anomalous).reduce((a, b) => a + b, 0);
    expect(flagged).toBeLessThanOrEqual(3);
    const events = buildEvents({ __name__: 'latency' }, withSpike, out);
    const ev = events.find((e) => e.start === withSpike.timestamps[400])!;
    expect(ev.severity).toBe('critical');
    expect(ev.actual).toBe(120);
    expect(ev.expected).toBeGreaterThan(45);
    expect(ev.expected).toBeLessThan(55);
    expect(Object.keys(ev.detectors).length).toBeGreaterThanOrEqual(2);
    expect(ev.explanation).toMatch(/latency was 120, above the expected/);
  });

  test('majority needs half the detectors; any needs one', () => {
    const input = noisy(400);
    const values = Float64Array.from(input.values);
    values[300] = 47; // within noise for most detectors
    const model = fitEnsemble({ ...input, values }, { detectors: ['zscore', 'mad'], mode: 'any' });
    const anyOut = scoreEnsemble(model, { ...input, values });
    const majority = scoreEnsemble({ ...model, options: { ...model.options, mode: 'majority' } }, { ...input, values });
    const nAny = anyOut.anomalous.reduce((a, b) => a + b, 0);
    const nMaj = majority.anomalous.reduce((a, b) => a + b, 0);
    expect(nMaj).toBeLessThanOrEqual(nAny);
  });

  test('online calibration uses only the past and matches the fitted shape', () => {
    const input = noisy(500);
    const model = fitEnsemble(
      { ...input, values: input.values.subarray(0, 100), timestamps: input.timestamps.subarray(0, 100) },
      { detectors: ['zscore'] }
    );
    const a = scoreEnsemble(model, input, { calibration: 'online' });
    const values = Float64Array.from(input.values);
    values[499] = 1000; // a change at the end must not alter earlier online scores
    const b = scoreEnsemble(model, { ...input, values }, { calibration: 'online' });
    expect(Array.from(a.score.subarray(0, 499))).toEqual(Array.from(b.score.subarray(0, 499)));
    expect(b.anomalous[499]).toBe(1);
  });

  test('models are plain JSON and rebuild the same scores', () => {
    const input = noisy(300);
    const model = fitEnsemble(input, {});
    const again = scoreEnsemble(JSON.parse(JSON.stringify(model)), input);
    expect(Array.from(again.score)).toEqual(Array.from(scoreEnsemble(model, input).score));
  });

  test('bad options are refused with the option named', () => {
    const input = noisy(50);
    expect(() => fitEnsemble(input, { detectors: [] })).toThrow(ParameterError);
    expect(() => fitEnsemble(input, { detectors: ['zscore', 'zscore'] })).toThrow(/twice/);
    expect(() => fitEnsemble(input, { mode: 'most' as never })).toThrow(/mode/);
    expect(() => fitEnsemble(input, { threshold: 200 })).toThrow(/threshold/);
    expect(() => fitEnsemble(input, { weights: { zscore: -1 } })).toThrow(/weight of "zscore"/);
  });

  test('severity bands', () => {
    expect(severityOf(80)).toBe('critical');
    expect(severityOf(50)).toBe('major');
    expect(severityOf(25)).toBe('minor');
    expect(severityOf(10)).toBe('warning');
  });
});
