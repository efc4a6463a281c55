import { ParameterError } from '../core/errors';
import { novelty } from './novelty';
import type { DetectorInput } from './types';

function input(values: number[]): DetectorInput {
  return {
    timestamps: Float64Array.from(values, (_, i) => i * 60_000),
    values: Float64Array.from(values),
    intervalMs: 60_000,
  };
}

describe('novelty detector', () => {
  test('scores the distance to the nearest earlier value: 0 for a seen value, the gap for a new level', () => {
    const base = Array.from({ length: 30 }, (_, i) => (i % 5) * 2); // 0, 2, 4, 6, 8 repeating
    const out = novelty.score(novelty.fit(input(base), { minPoints: 5 }), input([...base, 4, 9, 30, 29.5, -3]));
    expect(out.score[30]).toBe(0); // 4 was seen
    expect(out.score[31]).toBe(1); // 9 is 1 from 8
    expect(out.score[32]).toBe(21); // 30 is 21 from 9
    expect(out.score[33]).toBe(0.5); // 29.5 is 0.5 from 30, seen just before
    expect(out.score[34]).toBe(3); // -3 is 3 below 0
    expect(Number.isNaN(out.expected[30])).toBe(true);
  });

  test('abstains until minPoints earlier values, skips missing values', () => {
    const out = novelty.score(novelty.fit(input([1]), { minPoints: 3 }), input([1, NaN, 2, 3, 10]));
    expect(Array.from(out.score.subarray(0, 4)).every(Number.isNaN)).toBe(true);
    expect(out.score[4]).toBe(7);
  });

  test('forgets values older than the history', () => {
    const series = [100, 0, 0, 0, 0, 100];
    const all = novelty.score(novelty.fit(input(series), { minPoints: 1, history: 10 }), input(series));
    const short = novelty.score(novelty.fit(input(series), { minPoints: 1, history: 4 }), input(series));
    expect(all.score[5]).toBe(0);
    expect(short.score[5]).toBe(100);
  });

  test('is causal, deterministic and never mutates its input', () => {
    const xs = Array.from({ length: 200 }, (_, i) => Math.sin(i / 7) * 10 + (i === 150 ? 40 : 0));
    const a = input(xs);
    const copy = Float64Array.from(a.values);
    const model = novelty.fit(a);
    const full = novelty.score(model, a).score;
    const prefix = novelty.score(model, input(xs.slice(0, 151))).score;
    expect(Array.from(prefix)).toEqual(Array.from(full.subarray(0, 151)));
    expect(Array.from(novelty.score(model, a).score)).toEqual(Array.from(full));
    expect(a.values).toEqual(copy);
    // the spike is the most novel value
    let top = 0;
    for (let i = 0; i < full.length; i++) if (full[i] > full[top] || Number.isNaN(full[top])) top = i;
    expect(top).toBe(150);
  });

  test('rejects bad parameters by name', () => {
    expect(() => novelty.fit(input([1]), { history: 0 })).toThrow(ParameterError);
    expect(() => novelty.fit(input([1]), { minPoints: 1.5 })).toThrow(/minPoints/);
  });

  test('model round-trips through JSON', () => {
    const model = novelty.fit(input([1, 2, 3]), { history: 50 });
    expect(JSON.parse(JSON.stringify(model))).toEqual(model);
  });
});
