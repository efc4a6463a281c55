import { ParameterError } from '../core/errors';
import { lcg, regularInput, score } from '../../tests/helpers/streams';
import { contextualDetector } from './contextual';
import { levelDetector } from './level';
import { noveltyDetector } from './novelty';
import { addToHistory, createIntervalHistory, historyDistance, historySpacing } from './shared/intervalHistory';
import { volatilityDetector } from './volatility';

describe('interval history', () => {
  test('is the distance to the nearest earlier value: 0 for a seen value, the gap for a new level', () => {
    const h = createIntervalHistory(10_000);
    const base = Array.from({ length: 10 }, (_, i) => (i % 5) * 2); // 0, 2, 4, 6, 8 twice
    base.forEach((x, t) => addToHistory(h, x, t));
    expect(historyDistance(h, 4)).toBe(0); // 4 was seen
    expect(historyDistance(h, 9)).toBe(1); // 9 is 1 from 8
    expect(historyDistance(h, 30)).toBe(22); // 30 is 22 from 8
    expect(historyDistance(h, -3)).toBe(3); // -3 is 3 below 0
    // the local spacing around a value: the span of its 2 + 2 nearest values (4..6) over 4
    expect(historySpacing(h, 4, 2)).toBeCloseTo(0.5, 5);
  });

  test('keeps at most `capacity` ranges, coarsening the join radius, and forgets values older than the history', () => {
    const h = createIntervalHistory(1000, 16);
    for (let t = 0; t < 500; t++) addToHistory(h, t % 100, t);
    expect(h.n).toBeLessThanOrEqual(16);
    expect(historyDistance(h, 50)).toBeLessThanOrEqual(h.radius);
    const old = createIntervalHistory(300, 16);
    addToHistory(old, 1000, 0);
    for (let t = 1; t <= 600; t++) addToHistory(old, 0, t);
    expect(historyDistance(old, 1000)).toBe(1000); // 1000 expired
  });
});

describe('novelty detector', () => {
  describe('held values', () => {
    // one-minute points: 600 of noise around 10, an incident (3 points at 40-50), then the same incident again
    const rnd = lcg(11);
    const noise = () => 10 + Math.round(rnd() * 20) / 10;
    const incident = [40, 50, 45];
    const series = (gap: number) => [
      ...Array.from({ length: 600 }, noise),
      ...incident,
      ...Array.from({ length: gap }, noise),
      ...incident,
      ...Array.from({ length: 20 }, noise),
    ];

    test('a repeat of an incident within the hold is as novel as the first time', () => {
      const xs = series(80);
      const held = score(noveltyDetector, {}, regularInput(xs));
      const second = 600 + 3 + 80;
      expect(held.score[600]).toBeGreaterThan(5);
      expect(held.score[second]).toBeGreaterThan(5);
      // the values after the first are judged with the held ones: 50 was held, 45 is near it
      expect(held.score[second + 1]).toBeLessThan(held.score[second]);
      // without holding, the second incident matches what the first left in the history
      const plain = score(noveltyDetector, { holdScore: 0 }, regularInput(xs));
      expect(plain.score[second]).toBe(0);
    });

    test('after the hold (six hours by default) a repeat is familiar', () => {
      const xs = series(7 * 60);
      const out = score(noveltyDetector, {}, regularInput(xs));
      expect(out.score[600 + 3 + 7 * 60]).toBe(0);
    });

    test('a new normal joins the history once half of the last hour was held', () => {
      const xs = [...Array.from({ length: 600 }, noise), ...Array.from({ length: 120 }, () => 40 + rnd())];
      const out = score(noveltyDetector, {}, regularInput(xs));
      // the shift scores high at first, then its values are admitted and the new level is ordinary
      expect(out.score[600]).toBeGreaterThan(5);
      expect(Math.max(...Array.from(out.score.subarray(700)))).toBeLessThan(3);
    });

    test('a state saved before values were held keeps working, adding every value at once', () => {
      const state = noveltyDetector.init({}, { intervalMs: 60_000 }) as unknown as Record<string, unknown>;
      for (const k of ['held', 'heldAt', 'heldHead', 'heldSize', 'recent', 'recentHeld', 'hold']) delete state[k];
      const out = { score: NaN, expected: NaN, lower: NaN, upper: NaN };
      const s = state as unknown as Parameters<typeof noveltyDetector.update>[0];
      for (let i = 0; i < 100; i++) noveltyDetector.update(s, i * 60_000, noise(), out);
      noveltyDetector.update(s, 100 * 60_000, 50, out);
      expect(out.score).toBeGreaterThan(5);
      noveltyDetector.update(s, 101 * 60_000, 50, out);
      expect(out.score).toBe(0);
    });

    test('refuses a share above 1', () => {
      expect(() => noveltyDetector.init({ admitShare: 2 }, { intervalMs: 60_000 })).toThrow(ParameterError);
    });
  });

  test('standardises novelties against earlier ones: a new extreme scores high, a seen value 0', () => {
    const rnd = lcg(7);
    const xs = Array.from({ length: 300 }, () => Math.round(rnd() * 100) / 10);
    const out = score(noveltyDetector, {}, regularInput([...xs, 30, 5]));
    expect(out.score[300]).toBeGreaterThan(10);
    expect(out.score[301]).toBe(0);
    expect(Number.isNaN(out.expected[300])).toBe(true);
    // judged only after minPoints earlier distances
    expect(out.score[20]).toBeNaN();
    expect(out.score[21]).toBeGreaterThanOrEqual(0);
  });

  test('is causal: a prefix scores as the whole does', () => {
    const xs = Array.from({ length: 200 }, (_, i) => Math.sin(i / 7) * 10 + (i === 150 ? 40 : 0));
    const full = score(noveltyDetector, {}, regularInput(xs)).score;
    const prefix = score(noveltyDetector, {}, regularInput(xs.slice(0, 151))).score;
    expect(Array.from(prefix)).toEqual(Array.from(full.subarray(0, 151)));
    let top = 0;
    for (let i = 0; i < full.length; i++) if (full[i] > full[top] || Number.isNaN(full[top])) top = i;
    expect(top).toBe(150);
  });

  test('rejects bad parameters by name', () => {
    expect(() => noveltyDetector.init({ history: 0 }, { intervalMs: 1 })).toThrow(ParameterError);
    expect(() => noveltyDetector.init({ minPoints: 1.5 }, { intervalMs: 1 })).toThrow(/minPoints/);
  });
});

describe('level detector', () => {
  test('catches a shift in density that single values hide', () => {
    // spikes of 10 every 24 points, then every 3 points: no new value, but a new 24-point mean
    const xs = Array.from({ length: 600 }, (_, i) => (i < 400 ? (i % 24 === 0 ? 10 : 0) : i % 3 === 0 ? 10 : 0));
    const value = score(noveltyDetector, {}, regularInput(xs)).score;
    const lvl = score(levelDetector, {}, regularInput(xs)).score;
    const max = (a: Float64Array, from: number) =>
      Math.max(...Array.from(a.subarray(from)).filter((v) => !Number.isNaN(v)));
    expect(max(value, 400)).toBeLessThan(1);
    expect(max(lvl, 400)).toBeGreaterThan(5);
  });

  test('gives the recent level as expected value and a band around it', () => {
    const rnd = lcg(3);
    const out = score(levelDetector, {}, regularInput(Array.from({ length: 100 }, () => 20 + rnd())));
    expect(out.expected[99]).toBeGreaterThan(20);
    expect(out.expected[99]).toBeLessThan(21);
    expect(out.lower[99]).toBeLessThan(out.expected[99]);
    expect(out.upper[99]).toBeGreaterThan(out.expected[99]);
    expect(out.expected[5]).toBeNaN(); // no band without history
  });
});

describe('contextual detector', () => {
  const HOUR = 3_600_000;
  // hourly: low at night, high by day, with noise; day 9's daytime rise does not come
  const rnd = lcg(5);
  const xs = Array.from({ length: 24 * 12 }, (_, i) => {
    const h = i % 24;
    const day = Math.floor(i / 24);
    const high = h >= 8 && h < 18 && day !== 9;
    return (high ? 80 : 20) + rnd() * 5;
  });

  test('finds a daily rise that does not come, which value novelty cannot', () => {
    const ctx = score(contextualDetector, {}, regularInput(xs, HOUR));
    const value = score(noveltyDetector, {}, regularInput(xs, HOUR));
    const at = 24 * 9 + 10;
    expect(ctx.score[at]).toBeGreaterThan(10);
    expect(value.score[at]).toBeLessThan(2);
    // expected value and band come from the same hour of the previous days
    expect(ctx.expected[at]).toBeGreaterThan(75);
    expect(ctx.lower[at]).toBeGreaterThan(70);
    // normal days score far lower
    const normal = Array.from(ctx.score.subarray(24 * 5, 24 * 9)).filter(Number.isFinite);
    expect(ctx.score[at]).toBeGreaterThan(10);
    expect(ctx.score[at]).toBeGreaterThan(2 * Math.max(...normal));
  });

  test('abstains without seasonality or before three seasons', () => {
    const flat = score(contextualDetector, {}, regularInput(xs.slice(0, 24 * 3), HOUR));
    expect(Array.from(flat.score).every(Number.isNaN)).toBe(true);
    const odd = score(contextualDetector, {}, regularInput(xs, 7 * 60_000)); // a day is not a whole number of points
    expect(Array.from(odd.score).every(Number.isNaN)).toBe(true);
  });

  test('rejects bad parameters by name', () => {
    expect(() => contextualDetector.init({ minStrength: 2 }, { intervalMs: HOUR })).toThrow(/minStrength/);
    expect(() => contextualDetector.init({ cycles: 0 }, { intervalMs: HOUR })).toThrow(/cycles/);
  });
});

describe('volatility detector', () => {
  test('sees a series turn noisy while every value stays in its usual range', () => {
    const rnd = lcg(9);
    // a calm level that visits 40..60 now and then, then starts oscillating between 40 and 60 every point
    const xs = Array.from({ length: 600 }, (_, i) =>
      i < 400 ? (i % 50 === 0 ? 40 + 20 * rnd() : 50 + rnd()) : 50 + (i % 2 ? 10 : -10) + rnd()
    );
    const out = score(volatilityDetector, {}, regularInput(xs)).score;
    const before = Math.max(...Array.from(out.subarray(100, 400)).filter(Number.isFinite));
    const after = Math.max(...Array.from(out.subarray(400, 430)).filter(Number.isFinite));
    expect(after).toBeGreaterThan(3 * Math.max(before, 1));
  });
});
