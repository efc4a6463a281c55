import { ParameterError } from '../core/errors';
import { regularInput, score } from '../../tests/helpers/streams';
import { iqrDetector } from './iqr';
import { madDetector } from './mad';
import { DETECTORS, getDetector, type AnyDetector } from './registry';
import { spikeDetector } from './spike';
import type { DetectorInput } from './types';
import { zscoreDetector } from './zscore';

/** Seeded noisy level with one spike at `at`. */
function series(n: number, at: number, jump: number): DetectorInput {
  let s = 12345;
  const rnd = () => (s = (s * 1103515245 + 12345) % 2147483648) / 2147483648 - 0.5;
  return regularInput(
    Array.from({ length: n }, (_, i) => 100 + rnd() * 4 + (i === at ? jump : 0)),
    60_000,
    0
  );
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
    const out = score(detector, {}, input);
    const spikeScore = out.score[200];
    for (let i = 0; i < 300; i++)
      if (i !== 200 && !Number.isNaN(out.score[i])) expect(out.score[i]).toBeLessThan(spikeScore);
    expect(out.expected[200]).toBeGreaterThan(95);
    expect(out.expected[200]).toBeLessThan(105);
    expect(out.lower[200]).toBeLessThan(out.upper[200]);
  });

  test('leaves missing points unscored and survives a constant series', () => {
    const gappy = { ...input, values: Float64Array.from(input.values, (v, i) => (i % 7 === 0 ? NaN : v)) };
    const out = score(detector, {}, gappy);
    expect(out.score[7]).toBeNaN();
    const flat = { ...input, values: new Float64Array(300).fill(5) };
    const flatOut = score(detector, {}, flat);
    expect(
      Array.from(flatOut.score)
        .filter((x) => !Number.isNaN(x))
        .every((x) => x === 0)
    ).toBe(true);
  });

  test('rejects invalid parameters with a ParameterError naming them', () => {
    expect(() => detector.init({ window: 0 }, { intervalMs: 60_000 })).toThrow(ParameterError);
    expect(() => detector.init({ window: 0 }, { intervalMs: 60_000 })).toThrow(/window/);
  });
});

test('the registry names unknown detectors and lists the known ones', () => {
  expect(() => getDetector('nope')).toThrow(/unknown detector "nope"; known detectors: .*zscore/);
  for (const [name, d] of Object.entries(DETECTORS)) expect(d.name).toBe(name);
});

test('season-aware z-score sees a drop that a plain rolling window misses', () => {
  const n = 24 * 10;
  const values = Array.from(
    { length: n },
    (_, i) => 50 + 40 * Math.sin((2 * Math.PI * i) / 24) + ((i * 7919) % 13) / 13
  );
  values[24 * 8 + 6] = 10; // at the daily peak (about 90) the value falls to 10, still inside the daily range
  const input = regularInput(values, 3_600_000, 0);
  const plain = score(zscoreDetector, {}, input).score[24 * 8 + 6];
  const seasonal = score(zscoreDetector, { season: 24 }, input);
  expect(plain).toBeLessThan(3);
  expect(seasonal.score[24 * 8 + 6]).toBeGreaterThan(10);
  // the expected value is the same phase of the previous seasons (about 90), the band around it
  expect(seasonal.expected[24 * 8 + 6]).toBeGreaterThan(80);
});
