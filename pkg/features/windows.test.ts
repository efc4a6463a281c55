import { InputError, ParameterError } from '../core/errors';
import { WINDOW_FEATURE_NAMES, windowFeatures } from './windows';

describe('windowFeatures', () => {
  test('computes value, delta, deviation, volatility and trend from the trailing window', () => {
    const v = Float64Array.of(1, 2, 3, 4, 10);
    const fm = windowFeatures(v, 4);
    expect(fm.rows).toBe(5);
    expect(fm.cols).toBe(5);
    expect(fm.names).toEqual([...WINDOW_FEATURE_NAMES]);
    const row = Array.from(fm.data.subarray(4 * 5, 5 * 5));
    // value 10; delta 10-4; deviation 10 - mean(1,2,3,4); volatility sd(2,3,4,10); trend mean(4,10)-mean(2,3)
    const w = [2, 3, 4, 10];
    const m = w.reduce((a, b) => a + b) / 4;
    const sd = Math.sqrt(w.reduce((a, b) => a + (b - m) ** 2, 0) / 3);
    expect(row[0]).toBe(10);
    expect(row[1]).toBe(6);
    expect(row[2]).toBeCloseTo(7.5, 12);
    expect(row[3]).toBeCloseTo(sd, 12);
    expect(row[4]).toBeCloseTo(7 - 2.5, 12);
  });

  test('warm-up rows and missing points are NaN; missing context values are skipped', () => {
    const v = Float64Array.of(1, 2, NaN, 4, 5, 6);
    const fm = windowFeatures(v, 4);
    expect(Number.isNaN(fm.data[0])).toBe(true); // no context
    expect(Number.isNaN(fm.data[1 * 5])).toBe(true); // 1 present < 2
    expect(Number.isNaN(fm.data[2 * 5])).toBe(true); // the point is missing
    // row 3: context 1, 2, NaN -> 2 present; delta against the last present value (2)
    expect(fm.data[3 * 5]).toBe(4);
    expect(fm.data[3 * 5 + 1]).toBe(2);
    expect(fm.data[3 * 5 + 2]).toBeCloseTo(4 - 1.5, 12);
  });

  test('does not mutate its input and rejects bad arguments', () => {
    const v = Float64Array.of(3, 1, 2, 5, 4);
    const copy = v.slice();
    windowFeatures(v, 2);
    expect(Array.from(v)).toEqual(Array.from(copy));
    expect(() => windowFeatures(v, 1)).toThrow(ParameterError);
    expect(() => windowFeatures([1, 2] as unknown as Float64Array, 2)).toThrow(InputError);
  });
});
