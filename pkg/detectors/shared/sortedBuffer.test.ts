import { createRng } from '../../core/random';
import { createSortedBuffer, insertSorted, removeSorted, sortedMad, sortedQuantile } from './sortedBuffer';

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
  });

  test('removing a value that is not there changes nothing', () => {
    const s = createSortedBuffer(4);
    insertSorted(s, 1);
    insertSorted(s, 3);
    removeSorted(s, 2);
    expect(Array.from(s.buf.subarray(0, s.size))).toEqual([1, 3]);
  });
});
