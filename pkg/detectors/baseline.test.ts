import { InputError, ParameterError } from '../core/errors';
import { baselineBatch, learnBaseline } from './baseline';

describe('learnBaseline', () => {
  test('computes count, mean, std, min, max and type-7 percentiles, ignoring NaN', () => {
    const v = Float64Array.from({ length: 101 }, (_, i) => i);
    v[50] = NaN;
    const s = learnBaseline(v, 2);
    const present = Array.from(v).filter((x) => !Number.isNaN(x));
    const mean = present.reduce((a, b) => a + b) / present.length;
    const std = Math.sqrt(present.reduce((a, b) => a + (b - mean) ** 2, 0) / (present.length - 1));
    expect(s.count).toBe(100);
    expect(s.mean).toBeCloseTo(mean, 12);
    expect(s.std).toBeCloseTo(std, 12);
    expect(s.min).toBe(0);
    expect(s.max).toBe(100);
    // numpy.percentile([0..100 without 50], 95) = 95.05, 99 -> 99.01
    expect(s.p95).toBeCloseTo(95.05, 10);
    expect(s.p99).toBeCloseTo(99.01, 10);
    expect(s.lower).toBeCloseTo(mean - 2 * std, 12);
    expect(s.upper).toBeCloseTo(mean + 2 * std, 12);
    expect(v[50]).toBeNaN(); // not mutated
  });

  test('needs two values and a positive k', () => {
    expect(() => learnBaseline(Float64Array.of(1, NaN))).toThrow(InputError);
    expect(() => learnBaseline(Float64Array.of(1, 2), 0)).toThrow(ParameterError);
  });
});

describe('baseline detector', () => {
  const ts = Float64Array.from({ length: 10 }, (_, i) => i * 60000);
  test('expected = mean, band = mean ± k·σ, score = |x - mean| / σ', () => {
    const train = { timestamps: ts, values: Float64Array.of(1, 2, 3, 4, 5, 1, 2, 3, 4, 5), intervalMs: 60000 };
    const model = baselineBatch.fit(train, baselineBatch.params({}));
    const { mean, std } = model.stats;
    expect(mean).toBe(3);
    const out = baselineBatch.score!(model, {
      ...train,
      values: Float64Array.of(3, 3 + 2 * std, NaN, 0, 3, 3, 3, 3, 3, 20),
    });
    expect(out.expected[0]).toBe(3);
    expect(out.upper[0]).toBeCloseTo(3 + 3 * std, 12);
    expect(out.lower[0]).toBeCloseTo(3 - 3 * std, 12);
    expect(out.score[0]).toBe(0);
    expect(out.score[1]).toBeCloseTo(2, 12);
    expect(Number.isNaN(out.score[2])).toBe(true);
    expect(out.score[9]).toBeCloseTo(17 / std, 12);
    expect(JSON.parse(JSON.stringify(model))).toEqual(model);
  });

  test('trainPoints learns from the end of the training series only', () => {
    const train = {
      timestamps: ts,
      values: Float64Array.of(100, 100, 100, 100, 100, 1, 2, 3, 4, 5),
      intervalMs: 60000,
    };
    expect(baselineBatch.fit(train, baselineBatch.params({ trainPoints: 5 })).stats.mean).toBe(3);
    expect(() => baselineBatch.fit(train, baselineBatch.params({ trainPoints: -1 }))).toThrow(ParameterError);
  });
});
