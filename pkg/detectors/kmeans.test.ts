import { InputError, ParameterError } from '../core/errors';
import { createRng } from '../core/random';
import { kmeansClusters, kmeansBatch } from './kmeans';

describe('kmeans', () => {
  test('recovers three well-separated clusters and is seeded', () => {
    const r = createRng(1);
    const centres = [
      [0, 0],
      [10, 10],
      [-10, 10],
    ];
    const n = 300;
    const X = new Float64Array(n * 2);
    for (let i = 0; i < n; i++) {
      const c = centres[i % 3];
      X[2 * i] = c[0] + r.normal() * 0.5;
      X[2 * i + 1] = c[1] + r.normal() * 0.5;
    }
    const res = kmeansClusters(X, n, 2, 3, { seed: 4 });
    expect(Array.from(res.sizes).sort()).toEqual([100, 100, 100]);
    // rows of the same true cluster share an assignment
    for (let i = 3; i < n; i++) expect(res.assignment[i]).toBe(res.assignment[i % 3]);
    const found = [0, 1, 2].map((j) => [res.centroids[2 * j], res.centroids[2 * j + 1]].map(Math.round).join(','));
    expect(found.sort()).toEqual(['-10,10', '0,0', '10,10']);
    expect(kmeansClusters(X, n, 2, 3, { seed: 4 })).toEqual(res);
  });

  test('rows with NaN get assignment -1; bad arguments throw', () => {
    const X = Float64Array.of(0, 0, NaN, 1, 5, 5, 5, 6);
    const res = kmeansClusters(X, 4, 2, 2);
    expect(res.assignment[1]).toBe(-1);
    expect(() => kmeansClusters(X, 4, 2, 0)).toThrow(ParameterError);
    expect(() => kmeansClusters(Float64Array.of(NaN, NaN), 1, 2, 1)).toThrow(InputError);
  });
});

describe('kmeans detector', () => {
  test('a rare pattern (a burst of volatility) scores far above typical windows', () => {
    const r = createRng(7);
    const n = 2000;
    const values = Float64Array.from({ length: n }, (_, i) => 20 + 2 * Math.sin(i / 50) + r.normal() * 0.3);
    const input = { timestamps: Float64Array.from({ length: n }, (_, i) => i * 60000), values, intervalMs: 60000 };
    const model = kmeansBatch.fit(input, kmeansBatch.params({}));
    expect(model.large.length).toBeGreaterThan(0);
    expect(model.shares.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    const test = values.slice();
    for (let i = 1500; i < 1510; i++) test[i] += (i % 2 ? 1 : -1) * 4;
    const out = kmeansBatch.score!(model, { ...input, values: test });
    let typical = 0;
    let count = 0;
    for (let i = 100; i < 1400; i++) {
      typical += out.score[i];
      count++;
    }
    typical /= count;
    expect(typical).toBeLessThan(2);
    expect(Math.max(...Array.from(out.score.subarray(1500, 1510)))).toBeGreaterThan(5 * typical);
    const back = JSON.parse(JSON.stringify(model));
    expect(Array.from(kmeansBatch.score!(back, input).score)).toEqual(
      Array.from(kmeansBatch.score!(model, input).score)
    );
    expect(() => kmeansBatch.fit(input, kmeansBatch.params({ rareShare: 0.9 }))).toThrow(ParameterError);
  });
});

test('kmeans detector: a too-short training series gives a model that judges no point, saying why', () => {
  const input = { timestamps: Float64Array.of(0, 1, 2, 3), values: Float64Array.of(1, 2, 3, 4), intervalMs: 1 };
  const model = kmeansBatch.fit(input, kmeansBatch.params({}));
  expect(model.untrained).toMatch(/too short/);
  expect(Array.from(kmeansBatch.score!(model, input).score).every(Number.isNaN)).toBe(true);
});
