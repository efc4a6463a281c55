import { createRng } from '../../core/random';
import {
  createSortedBuffer,
  insertSorted,
  removeSorted,
  replaceSorted,
  sortedHighMad,
  sortedMad,
  sortedQuantile,
} from './sortedBuffer';

describe('sorted buffer', () => {
  // short windows shift values in a loop, long ones with copyWithin: both must keep the buffer sorted
  test.each([5, 24, 300])('a sliding window of %i values stays equal to the sorted window', (window) => {
    const rng = createRng(7);
    const s = createSortedBuffer(window);
    const recent: number[] = [];
    for (let i = 0; i < 3000; i++) {
      const x = Math.round(rng.normal() * 10) / 2 + 0; // ties are frequent (+ 0 turns -0 into 0)
      if (recent.length === window) removeSorted(s, recent.shift()!);
      insertSorted(s, x);
      recent.push(x);
      if (i % 97 === 0 || i > 2990) {
        const want = [...recent].sort((a, b) => a - b);
        expect(Array.from(s.buf.subarray(0, s.size))).toEqual(want);
      }
    }
    const sorted = [...recent].sort((a, b) => a - b);
    const median = sortedQuantile(s, 0.5);
    const deviations = sorted.map((v) => Math.abs(v - median)).sort((a, b) => a - b);
    const n = deviations.length;
    expect(sortedMad(s, median)).toBeCloseTo((deviations[(n - 1) >> 1] + deviations[n >> 1]) / 2, 12);
    const high = sorted[n >> 1];
    const highDeviations = sorted.map((v) => Math.abs(v - high)).sort((a, b) => a - b);
    expect(sortedHighMad(s)).toBe(highDeviations[n >> 1]);
  });

  test.each([3, 24, 300])(
    'replacing the oldest value (%i values) leaves the buffer remove and insert leave',
    (window) => {
      const rng = createRng(11);
      const a = createSortedBuffer(window);
      const b = createSortedBuffer(window);
      const recent: number[] = [];
      for (let i = 0; i < 5000; i++) {
        const x = Math.round(rng.normal() * 6) / 2 + 0;
        const old = recent.length === window ? recent.shift()! : NaN;
        replaceSorted(a, old, x);
        if (!Number.isNaN(old)) removeSorted(b, old);
        insertSorted(b, x);
        recent.push(x);
        expect(a.size).toBe(b.size);
        if (i % 13 === 0) expect(Array.from(a.buf.subarray(0, a.size))).toEqual(Array.from(b.buf.subarray(0, b.size)));
      }
      expect(Array.from(a.buf.subarray(0, a.size))).toEqual([...recent].sort((x, y) => x - y));
    }
  );

  test('replaceSorted: both directions, equal values, and an old value that is not there', () => {
    const s = createSortedBuffer(5);
    for (const v of [1, 3, 5, 7]) insertSorted(s, v);
    replaceSorted(s, 1, 6);
    expect(Array.from(s.buf.subarray(0, s.size))).toEqual([3, 5, 6, 7]);
    replaceSorted(s, 7, 2);
    expect(Array.from(s.buf.subarray(0, s.size))).toEqual([2, 3, 5, 6]);
    replaceSorted(s, 5, 5);
    expect(Array.from(s.buf.subarray(0, s.size))).toEqual([2, 3, 5, 6]);
    replaceSorted(s, 4, 9); // 4 is not there: 9 is inserted
    expect(Array.from(s.buf.subarray(0, s.size))).toEqual([2, 3, 5, 6, 9]);
  });

  test('the high MAD takes observed values: the high median and the high median of the deviations', () => {
    const s = createSortedBuffer(5);
    expect(sortedHighMad(s)).toBeNaN();
    for (const v of [8, 1, 4, 2]) insertSorted(s, v);
    // centre 4 (not 3), deviations 0 2 3 4 -> 3 (the averaged MAD about 3 would be 1.5)
    expect(sortedHighMad(s)).toBe(3);
    insertSorted(s, 100);
    // odd size: the usual MAD (centre 4, deviations 0 2 3 4 96 -> 3)
    expect(sortedHighMad(s)).toBe(3);
  });

  test('removing a value that is not there changes nothing', () => {
    const s = createSortedBuffer(4);
    insertSorted(s, 1);
    insertSorted(s, 3);
    removeSorted(s, 2);
    expect(Array.from(s.buf.subarray(0, s.size))).toEqual([1, 3]);
  });
});
