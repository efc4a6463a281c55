import { ParameterError } from '../core/errors';
import { iqrDetector } from './iqr';
import { madDetector } from './mad';
import { DETECTORS, getDetector, type AnyDetector } from './registry';
import { seasonalResidual } from './seasonalDifference';
import { spikeDetector } from './spike';
import type { DetectorInput } from './types';
import { zscoreDetector } from './zscore';

/** Seeded noisy level with one spike at `at`. */
function series(n: number, at: number, jump: number): DetectorInput {
  let s = 12345;
  const rnd = () => (s = (s * 1103515245 + 12345) % 2147483648) / 2147483648 - 0.5;
  const values = Float64Array.from({ length: n }, (_, i) => 100 + rnd() * 4 + (i === at ? jump : 0));
  const timestamps = Float64Array.from({ length: n }, (_, i) => i * 60_000);
  return { timestamps, values, intervalMs: 60_000 };
}

const cases: [string, AnyDetector][] = [
  ['zscore', zscoreDetector],
  ['mad', madDetector],
  ['iqr', iqrDetector],
  ['spike', spikeDetector],
];

describe.each(cases)('%s detector', (_name, detector) => {
  const input = series(300, 200, 60);

  test('scores the injected spike above every other point', () => {
    const out = detector.score(detector.fit(input, {}), input);
    const spikeScore = out.score[200];
    for (let i = 0; i < 300; i++)
      if (i !== 200 && !Number.isNaN(out.score[i])) expect(out.score[i]).toBeLessThan(spikeScore);
    expect(out.expected[200]).toBeGreaterThan(95);
    expect(out.expected[200]).toBeLessThan(105);
    expect(out.lower[200]).toBeLessThan(out.upper[200]);
  });

  test('never mutates its input and is deterministic', () => {
    const copy = Float64Array.from(input.values);
    const model = detector.fit(input, {});
    const a = detector.score(model, input);
    const b = detector.score(JSON.parse(JSON.stringify(model)), input);
    expect(Array.from(input.values)).toEqual(Array.from(copy));
    expect(Array.from(a.score)).toEqual(Array.from(b.score));
  });

  test('leaves missing points unscored and survives a constant series', () => {
    const gappy = { ...input, values: Float64Array.from(input.values, (v, i) => (i % 7 === 0 ? NaN : v)) };
    const out = detector.score(detector.fit(gappy, {}), gappy);
    expect(out.score[7]).toBeNaN();
    const flat = { ...input, values: new Float64Array(300).fill(5) };
    const flatOut = detector.score(detector.fit(flat, {}), flat);
    expect(
      Array.from(flatOut.score)
        .filter((x) => !Number.isNaN(x))
        .every((x) => x === 0)
    ).toBe(true);
  });

  test('rejects invalid parameters with a ParameterError naming them', () => {
    expect(() => detector.fit(input, { window: 0 } as never)).toThrow(ParameterError);
    expect(() => detector.fit(input, { window: 0 } as never)).toThrow(/window/);
  });
});

test('the registry names unknown detectors and lists the known ones', () => {
  expect(() => getDetector('nope')).toThrow(/unknown detector "nope"; known detectors: .*zscore/);
  for (const [name, d] of Object.entries(DETECTORS)) expect(d.name).toBe(name);
});

test('seasonal residuals compare a point with the same phase of past seasons', () => {
  const values = Float64Array.from({ length: 96 }, (_, i) => (i % 24) * 10 + (i === 80 ? 500 : 0));
  const { residual, baseline } = seasonalResidual(values, 24);
  expect(residual[10]).toBeNaN(); // first season has no history
  expect(residual[50]).toBe(0);
  expect(baseline[80]).toBe(80);
  expect(residual[80]).toBe(500);
});

test('season-aware z-score sees a drop that a plain rolling window misses', () => {
  const n = 24 * 10;
  const values = Float64Array.from(
    { length: n },
    (_, i) => 50 + 40 * Math.sin((2 * Math.PI * i) / 24) + ((i * 7919) % 13) / 13
  );
  values[24 * 8 + 6] = 10; // at the daily peak (about 90) the value falls to 10, still inside the daily range
  const input = {
    timestamps: Float64Array.from({ length: n }, (_, i) => i * 3_600_000),
    values,
    intervalMs: 3_600_000,
  };
  const plain = zscoreDetector.score(zscoreDetector.fit(input, {}), input).score[24 * 8 + 6];
  const seasonal = zscoreDetector.score(zscoreDetector.fit(input, { season: 24 }), input).score[24 * 8 + 6];
  expect(plain).toBeLessThan(3);
  expect(seasonal).toBeGreaterThan(10);
});
