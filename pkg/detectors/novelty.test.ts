import { ParameterError } from '../core/errors';
import { nearestDistances, noveltyDetector } from './novelty';
import type { DetectorInput } from './types';

function input(values: number[]): DetectorInput {
  return {
    timestamps: Float64Array.from(values, (_, i) => i * 60_000),
    values: Float64Array.from(values),
    intervalMs: 60_000,
  };
}

describe('nearestDistances', () => {
  test('is the distance to the nearest earlier value: 0 for a seen value, the gap for a new level', () => {
    const base = Array.from({ length: 10 }, (_, i) => (i % 5) * 2); // 0, 2, 4, 6, 8 twice
    const d = nearestDistances(Float64Array.from([...base, 4, 9, 30, 29.5, -3]), 100);
    expect(d[0]).toBeNaN(); // nothing before it
    expect(d[1]).toBe(2);
    expect(d[10]).toBe(0); // 4 was seen
    expect(d[11]).toBe(1); // 9 is 1 from 8
    expect(d[12]).toBe(21); // 30 is 21 from 9
    expect(d[13]).toBe(0.5); // 29.5 is 0.5 from 30, seen just before
    expect(d[14]).toBe(3); // -3 is 3 below 0
  });

  test('skips missing values and forgets values older than the history', () => {
    const xs = Float64Array.from([100, 0, NaN, 0, 0, 0, 100]);
    expect(nearestDistances(xs, 10)[6]).toBe(0);
    expect(nearestDistances(xs, 4)[6]).toBe(100); // 100 left the window of the last 4 present values
    expect(nearestDistances(xs, 10)[2]).toBeNaN();
  });
});

describe('novelty detector', () => {
  test('standardises novelties against earlier ones: a new extreme scores high, a seen value 0', () => {
    // a noisy level that visits 0..10, then 30 (a new maximum), then 5 (seen before)
    let seed = 7;
    const rnd = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    const xs = Array.from({ length: 300 }, () => Math.round(rnd() * 100) / 10);
    const out = noveltyDetector.score(noveltyDetector.fit(input(xs)), input([...xs, 30, 5]));
    expect(out.score[300]).toBeGreaterThan(10);
    expect(out.score[301]).toBe(0);
    expect(Number.isNaN(out.expected[300])).toBe(true);
    // judged only after minPoints earlier distances
    expect(out.score[20]).toBeNaN();
    expect(out.score[21]).toBeGreaterThanOrEqual(0);
  });

  test('the level novelty catches a shift in density that single values hide', () => {
    // spikes of 10 every 24 points, then every 3 points: no new value, but a new 24-point mean
    const xs = Array.from({ length: 600 }, (_, i) => (i < 400 ? (i % 24 === 0 ? 10 : 0) : i % 3 === 0 ? 10 : 0));
    const withLevel = noveltyDetector.score(noveltyDetector.fit(input(xs)), input(xs)).score;
    const valueOnly = noveltyDetector.score(noveltyDetector.fit(input(xs), { level: 0 }), input(xs)).score;
    const max = (a: Float64Array, from: number) =>
      Math.max(...Array.from(a.subarray(from)).filter((v) => !Number.isNaN(v)));
    expect(max(valueOnly, 400)).toBe(0);
    expect(max(withLevel, 400)).toBeGreaterThan(2);
  });

  test('is causal, deterministic and never mutates its input', () => {
    const xs = Array.from({ length: 200 }, (_, i) => Math.sin(i / 7) * 10 + (i === 150 ? 40 : 0));
    const a = input(xs);
    const copy = Float64Array.from(a.values);
    const model = noveltyDetector.fit(a);
    const full = noveltyDetector.score(model, a).score;
    const prefix = noveltyDetector.score(model, input(xs.slice(0, 151))).score;
    expect(Array.from(prefix)).toEqual(Array.from(full.subarray(0, 151)));
    expect(Array.from(noveltyDetector.score(model, a).score)).toEqual(Array.from(full));
    expect(a.values).toEqual(copy);
    // the spike is the most novel value
    let top = 0;
    for (let i = 0; i < full.length; i++) if (full[i] > full[top] || Number.isNaN(full[top])) top = i;
    expect(top).toBe(150);
  });

  test('rejects bad parameters by name', () => {
    expect(() => noveltyDetector.fit(input([1]), { history: 0 })).toThrow(ParameterError);
    expect(() => noveltyDetector.fit(input([1]), { minPoints: 1.5 })).toThrow(/minPoints/);
    expect(() => noveltyDetector.fit(input([1]), { levelWeight: -1 })).toThrow(/levelWeight/);
  });

  test('model round-trips through JSON', () => {
    const model = noveltyDetector.fit(input([1, 2, 3]), { history: 50 });
    expect(JSON.parse(JSON.stringify(model))).toEqual(model);
  });
});
