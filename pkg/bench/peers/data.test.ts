import { rocAuc, syntheticSet } from './data';
import { formatTable, ratio } from './run';
import type { Measurement } from './types';

describe('bench helpers', () => {
  test('rocAuc matches sklearn.metrics.roc_auc_score on its documented example and handles ties', () => {
    // roc_auc_score([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]) == 0.75
    expect(rocAuc([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1])).toBe(0.75);
    expect(rocAuc([1, 1], [0, 1])).toBe(0.5);
    expect(rocAuc([NaN, 0.2, 0.9], [1, 0, 1])).toBe(1);
    expect(rocAuc([0.2, 0.3], [0, 0])).toBeNaN();
  });

  test('syntheticSet is seeded and holds about 1% anomalies', () => {
    const a = syntheticSet(20000, 3);
    const b = syntheticSet(20000, 3);
    expect(Array.from(a.data.subarray(0, 30))).toEqual(Array.from(b.data.subarray(0, 30)));
    const share = a.labels.reduce((s, v) => s + v, 0) / 20000;
    expect(share).toBeGreaterThan(0.007);
    expect(share).toBeLessThan(0.013);
  });

  test('ratio is Vigil-favourable above 1 in both directions, and the table prints every peer', () => {
    const time: Measurement = {
      row: 'r',
      metric: 'time',
      unit: 's',
      better: 'lower',
      vigil: 2,
      peers: [{ name: 'p', value: 6 }],
    };
    const auc: Measurement = {
      row: 'r',
      metric: 'auc',
      unit: 'AUC',
      better: 'higher',
      vigil: 0.9,
      peers: [
        { name: 'p', value: 0.6 },
        { name: 'q', value: null, note: 'timed out' },
      ],
    };
    expect(ratio(time, 6)).toBe(3);
    expect(ratio(auc, 0.6)).toBeCloseTo(1.5, 12);
    expect(ratio(auc, null)).toBeNull();
    const table = formatTable([time, auc]);
    expect(table).toContain('3.00x');
    expect(table).toContain('1.50x');
    expect(table).toContain('timed out');
    expect(table.split('\n')).toHaveLength(2 + 3);
  });
});
