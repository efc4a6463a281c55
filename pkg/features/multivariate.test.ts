import { InputError } from '../core/errors';
import { applyScaler, completeRows, fitRobustScaler, selectRows } from './multivariate';

describe('multivariate features', () => {
  test('completeRows flags rows without NaN and selectRows keeps them with their index', () => {
    const m = { data: Float64Array.of(10, NaN, 20, 0.1, 30, 0.2, NaN, 0.3), rows: 4, cols: 2 };
    expect(Array.from(completeRows(m.data, m.rows, m.cols))).toEqual([0, 1, 1, 0]);
    const sel = selectRows(m.data, m.rows, m.cols, completeRows(m.data, m.rows, m.cols));
    expect(Array.from(sel.index)).toEqual([1, 2]);
    expect(Array.from(sel.data)).toEqual([20, 0.1, 30, 0.2]);
  });

  test('robust scaler centres on the median and scales by IQR/1.349, falling back for constant columns', () => {
    const data = Float64Array.of(1, 5, 2, 5, 3, 5, 4, 5, 100, 5);
    const s = fitRobustScaler(data, 5, 2);
    expect(s.center[0]).toBe(3);
    expect(s.scale[0]).toBeCloseTo((4 - 2) / 1.349, 12);
    expect(s.center[1]).toBe(5);
    expect(s.scale[1]).toBe(1);
    const out = applyScaler(s, data, 5, 2);
    expect(out[0]).toBeCloseTo((1 - 3) / s.scale[0], 12);
    expect(data[0]).toBe(1); // not mutated
    expect(() => applyScaler(s, data, 2, 5)).toThrow(/2 columns/);
    expect(() => fitRobustScaler(data, 3, 2)).toThrow(InputError);
  });
});
