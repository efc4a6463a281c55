import { ParameterError } from '../../core/errors';
import { createRng } from '../../core/random';
import { baselineDetector, learnBaseline } from '../baseline';
import { zscoreDetector } from '../zscore';
import { baselineStd, createBaselineState, updateBaseline } from './baseline';
import { createRollingZscore, rollingZscoreFromJSON, rollingZscoreToJSON, updateRollingZscore } from './rollingZscore';

function series(n: number, seed: number): Float64Array {
  const r = createRng(seed);
  const v = Float64Array.from({ length: n }, (_, i) => 1000 + 50 * Math.sin(i / 40) + r.normal() * 5);
  for (let i = 0; i < n; i += 97) v[i] = NaN; // gaps
  v[700] += 200; // a spike
  return v;
}
const close = (a: number, b: number) =>
  (Number.isNaN(a) && Number.isNaN(b)) || Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b));

describe('incremental rolling z-score', () => {
  test.each([
    [{}, 2000],
    [{ window: 10, minPoints: 5, k: 2 }, 1500],
    [{ window: 3, minPoints: 3 }, 500],
  ])('equals the batch zscore detector point by point (params %j)', (params, n) => {
    const values = series(n, 1);
    const input = { timestamps: Float64Array.from({ length: n }, (_, i) => i * 60000), values, intervalMs: 60000 };
    const model = zscoreDetector.fit(input, params);
    const batch = zscoreDetector.score(model, input);
    // same operation order as the batch running sums (no re-summation), so results agree to rounding
    const state = createRollingZscore(model, 1e9);
    for (let i = 0; i < n; i++) {
      const r = updateRollingZscore(state, values[i]);
      expect(r.state).toBe(state);
      if (!close(r.score, batch.score[i]) || !close(r.expected, batch.expected[i])) {
        throw new Error(
          `point ${i}: incremental ${r.score}/${r.expected} vs batch ${batch.score[i]}/${batch.expected[i]}`
        );
      }
      expect(close(r.lower, batch.lower[i]) && close(r.upper, batch.upper[i])).toBe(true);
    }
  });

  test('re-summation keeps scores exact on a large offset (against a two-pass computation)', () => {
    const n = 3000;
    const r0 = createRng(5);
    const values = Float64Array.from({ length: n }, () => 1e7 + r0.normal());
    const input = { timestamps: Float64Array.from({ length: n }, (_, i) => i), values, intervalMs: 1 };
    const model = zscoreDetector.fit(input, { window: 5, minPoints: 5 });
    const state = createRollingZscore(model, 100);
    let worst = 0;
    for (let i = 0; i < n; i++) {
      const r = updateRollingZscore(state, values[i]);
      if (i < 5) continue;
      const w = Array.from(values.subarray(i - 5, i));
      const m = w.reduce((a, b) => a + b) / 5;
      const sd = Math.max(Math.sqrt(w.reduce((a, b) => a + (b - m) ** 2, 0) / 4), model.floor);
      worst = Math.max(
        worst,
        Math.abs(r.score - Math.abs(values[i] - m) / sd) / Math.max(1, Math.abs(values[i] - m) / sd)
      );
    }
    expect(worst).toBeLessThan(1e-3);
  });

  test('a state restored from JSON continues identically', () => {
    const values = series(600, 2);
    const input = { timestamps: Float64Array.from({ length: 600 }, (_, i) => i), values, intervalMs: 1 };
    const model = zscoreDetector.fit(input);
    const a = createRollingZscore(model);
    for (let i = 0; i < 300; i++) updateRollingZscore(a, values[i]);
    const b = rollingZscoreFromJSON(JSON.parse(JSON.stringify(rollingZscoreToJSON(a))));
    for (let i = 300; i < 600; i++) {
      const ra = updateRollingZscore(a, values[i]);
      const rb = updateRollingZscore(b, values[i]);
      expect(rb.score).toEqual(ra.score);
    }
    expect(() => rollingZscoreFromJSON({ kind: 'x' })).toThrow(ParameterError);
    expect(() => createRollingZscore(model, 0)).toThrow(ParameterError);
  });
});

describe('incremental baseline', () => {
  test('scores like the batch baseline detector when frozen', () => {
    const values = series(800, 3);
    const input = { timestamps: Float64Array.from({ length: 800 }, (_, i) => i), values, intervalMs: 1 };
    const model = baselineDetector.fit(input);
    const batch = baselineDetector.score(model, input);
    const state = createBaselineState(model);
    for (let i = 0; i < 800; i++) {
      const r = updateBaseline(state, values[i]);
      expect(close(r.score, batch.score[i])).toBe(true);
      expect(close(r.upper, batch.upper[i])).toBe(true);
    }
    expect(state.count).toBe(model.stats.count); // frozen: nothing learnt
  });

  test('learning online (Welford) reaches the batch mean and std', () => {
    const values = series(5000, 4);
    const state = createBaselineState({ k: 3 });
    for (let i = 0; i < values.length; i++) updateBaseline(state, values[i]);
    const s = learnBaseline(values);
    expect(state.count).toBe(s.count);
    expect(state.mean).toBeCloseTo(s.mean, 9);
    expect(baselineStd(state)).toBeCloseTo(s.std, 9);
    expect(() => createBaselineState({ k: 0 })).toThrow(ParameterError);
  });
});
