/** Behavioural tests shared by the forecast-band detectors (prophet, ets, seasonal), plus each one's own cases. */
import { ParameterError } from '../core/errors';
import { regularInput, score } from '../../tests/helpers/streams';
import { etsDetector } from './ets';
import { prophetBatch, prophetDetector } from './prophet';
import type { AnyDetector } from './registry';
import { seasonalDetector } from './seasonal';

const HOUR = 3_600_000;

/** a noisy level with a slow drift: what non-seasonal ETS is for */
const level = (n: number) =>
  Array.from({ length: n }, (_, i) => 30 + 0.01 * i + 0.8 * Math.sin(i * 2.1) + 0.5 * Math.sin(i * 0.37));

const daily = (n: number) =>
  Array.from({ length: n }, (_, i) => 30 + 8 * Math.sin((2 * Math.PI * i) / 24) + 0.4 * Math.sin(i * 2.1));

describe.each([
  ['prophet', prophetDetector as AnyDetector, daily, { window: 24 * 6, refitEvery: 24 }],
  ['ets', etsDetector as AnyDetector, level, { window: 24 * 6, refitEvery: 24 }],
  ['seasonal', seasonalDetector as AnyDetector, daily, { window: 24 * 6, refitEvery: 24 }],
] as const)('%s detector', (_name, det, shape, params) => {
  it('scores a spike far above normal points and bands the expected value, from past points only', () => {
    const values = shape(24 * 8);
    values[24 * 7] += 30;
    const out = score(det, params, regularInput(values, HOUR));
    const spike = out.score[24 * 7];
    const others = Array.from(out.score.subarray(24 * 6, 24 * 8)).filter((s, i) => i !== 24 && Number.isFinite(s));
    expect(others.length).toBeGreaterThan(24);
    expect(spike).toBeGreaterThan(3);
    expect(spike).toBeGreaterThan(2 * Math.max(...others));
    const i = 24 * 7 + 3;
    expect(out.lower[i]).toBeLessThan(out.expected[i]);
    expect(out.upper[i]).toBeGreaterThan(out.expected[i]);
    expect(Math.abs(out.expected[i] - values[i])).toBeLessThan(out.upper[i] - out.lower[i]);
  });

  it('abstains on missing points', () => {
    const values = shape(24 * 8);
    values[24 * 7] = NaN;
    const out = score(det, params, regularInput(values, HOUR));
    expect(Number.isNaN(out.score[24 * 7])).toBe(true);
  });

  it('throws ParameterError for a bad level', () => {
    expect(() => det.init({ level: 2 }, { intervalMs: HOUR })).toThrow(ParameterError);
  });
});

test('prophet abstains instead of throwing on a too-short history', () => {
  const model = prophetBatch.fit(regularInput([1, 2, 3], HOUR), prophetBatch.params({}));
  expect(model.fit).toBeNull();
  expect(model.reason).toMatch(/at least 10/);
});
