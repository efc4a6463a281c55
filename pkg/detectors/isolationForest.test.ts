import { InputError, ParameterError } from '../core/errors';
import { createRng } from '../core/random';
import { averagePathLength, fitIsolationForest, isolationForestBatch, scoreIsolationForest } from './isolationForest';

function blob(n: number, cols: number, seed: number): Float64Array {
  const r = createRng(seed);
  return Float64Array.from({ length: n * cols }, () => r.normal());
}

describe('averagePathLength c(n)', () => {
  test('matches Liu et al. eq. 1 (values computed with Python math)', () => {
    expect(averagePathLength(1)).toBe(0);
    expect(averagePathLength(2)).toBe(1);
    expect(averagePathLength(3)).toBeCloseTo(1.207392357589623, 12);
    expect(averagePathLength(256)).toBeCloseTo(10.244770920119917, 12);
  });
});

describe('fitIsolationForest / scoreIsolationForest', () => {
  const cols = 4;
  const train = blob(2000, cols, 1);

  test('scores far outliers near 1 and inliers below 0.5', () => {
    const model = fitIsolationForest(train, 2000, cols);
    const test = Float64Array.of(0, 0, 0, 0, 8, 8, -8, 8, 0.2, -0.1, 0.3, 0, 0, 0, 0, 12);
    const s = scoreIsolationForest(model, test, 4, cols);
    expect(s[0]).toBeLessThan(0.5);
    expect(s[2]).toBeLessThan(0.5);
    expect(s[1]).toBeGreaterThan(0.7);
    // one extreme feature out of four: isolated only by splits on that feature, so less extreme
    expect(s[3]).toBeGreaterThan(s[0] + 0.05);
    expect(model.roots).toHaveLength(100);
    expect(model.sampleSize).toBe(256);
  });

  test('ranks injected anomalies above normal rows (ROC AUC > 0.95)', () => {
    const model = fitIsolationForest(train, 2000, cols, { seed: 3 });
    const normal = scoreIsolationForest(model, blob(500, cols, 2), 500, cols);
    const r = createRng(4);
    const anomalies = Float64Array.from({ length: 50 * cols }, () => r.normal() * 0.5 + (r.next() < 0.5 ? 4 : -4));
    const bad = scoreIsolationForest(model, anomalies, 50, cols);
    let wins = 0;
    for (const b of bad) for (const g of normal) wins += b > g ? 1 : b === g ? 0.5 : 0;
    expect(wins / (bad.length * normal.length)).toBeGreaterThan(0.95);
  });

  test('is deterministic for a seed, differs across seeds, and does not mutate inputs', () => {
    const copy = train.slice();
    const a = fitIsolationForest(train, 2000, cols, { seed: 7, trees: 20 });
    const b = fitIsolationForest(train, 2000, cols, { seed: 7, trees: 20 });
    const c = fitIsolationForest(train, 2000, cols, { seed: 8, trees: 20 });
    expect(a).toEqual(b);
    expect(a.split).not.toEqual(c.split);
    expect(Array.from(train)).toEqual(Array.from(copy));
  });

  test('scoring rows together equals scoring each row alone (blocked and tail paths)', () => {
    const model = fitIsolationForest(train, 2000, cols, { trees: 25 });
    const q = blob(7, cols, 21);
    q[5 * cols + 2] = NaN;
    const together = scoreIsolationForest(model, q, 7, cols);
    for (let r = 0; r < 7; r++) {
      const alone = scoreIsolationForest(model, q.slice(r * cols, (r + 1) * cols), 1, cols)[0];
      if (r === 5) expect(together[r]).toBeNaN();
      else expect(together[r]).toBe(alone);
    }
  });

  test('rows with NaN are skipped in training and scored NaN', () => {
    const t = train.slice();
    t[0] = NaN;
    const model = fitIsolationForest(t, 2000, cols, { trees: 10 });
    const s = scoreIsolationForest(model, Float64Array.of(NaN, 0, 0, 0, 0, 0, 0, 0), 2, cols);
    expect(Number.isNaN(s[0])).toBe(true);
    expect(Number.isFinite(s[1])).toBe(true);
  });

  test('bad input gives clear errors', () => {
    expect(() => fitIsolationForest(train, 10, cols)).toThrow(InputError);
    expect(() => fitIsolationForest(train, 2000, cols, { trees: 0 })).toThrow(ParameterError);
    expect(() => fitIsolationForest(Float64Array.of(1, NaN), 2, 1)).toThrow(/at least 2 complete rows/);
    const model = fitIsolationForest(train, 2000, cols, { trees: 5 });
    expect(() => scoreIsolationForest(model, Float64Array.of(1, 2), 1, 2)).toThrow(/4 columns/);
  });
});

describe('isolationForest detector', () => {
  test('scores a level shift and a spike above the rest of a noisy series', () => {
    const r = createRng(11);
    const n = 1500;
    const values = Float64Array.from({ length: n }, (_, i) => 10 + Math.sin(i / 20) + r.normal() * 0.2);
    const input = { timestamps: Float64Array.from({ length: n }, (_, i) => i * 60000), values, intervalMs: 60000 };
    const model = isolationForestBatch.fit(input, isolationForestBatch.params({}));
    const test = values.slice();
    test[1000] += 6;
    const before = test.slice();
    const out = isolationForestBatch.score!(model, { ...input, values: test });
    expect(Array.from(test)).toEqual(Array.from(before));
    expect(Number.isNaN(out.score[0])).toBe(true);
    let maxOther = 0;
    for (let i = 20; i < n; i++) if (Math.abs(i - 1000) > 12) maxOther = Math.max(maxOther, out.score[i]);
    expect(out.score[1000]).toBeGreaterThan(maxOther);
    expect(Number.isNaN(out.expected[1000])).toBe(true);
    const back = JSON.parse(JSON.stringify(model));
    expect(Array.from(isolationForestBatch.score!(back, input).score)).toEqual(
      Array.from(isolationForestBatch.score!(model, input).score)
    );
  });

  test('a too-short training series gives a model that judges no point, saying why', () => {
    const input = { timestamps: Float64Array.of(0, 1, 2), values: Float64Array.of(1, 2, 3), intervalMs: 1 };
    const model = isolationForestBatch.fit(input, isolationForestBatch.params({}));
    expect(model.forest).toBeNull();
    expect(model.untrained).toMatch(/too short/);
    expect(Array.from(isolationForestBatch.score!(model, input).score).every(Number.isNaN)).toBe(true);
  });
});
