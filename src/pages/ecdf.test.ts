import { ecdfSteps, largestGap } from './ecdf';

describe('drift chart helpers', () => {
  test('ecdfSteps: one step per distinct value, ties share the step to the last of them', () => {
    expect(ecdfSteps([1, 2, 2, 4])).toEqual([
      [1, 0.25],
      [2, 0.75],
      [4, 1],
    ]);
    expect(ecdfSteps([])).toEqual([]);
  });

  test('largestGap: the KS statistic and where it is reached', () => {
    expect(largestGap([1, 2, 3], [4, 5, 6])).toEqual({ at: 3, d: 1, a: 1, b: 0 });
    const g = largestGap([0, 1, 2, 3], [2, 3, 4, 5]);
    expect(g.d).toBeCloseTo(0.5);
    expect(g.at).toBe(1);
    expect(largestGap([1, 2], [1, 2]).d).toBe(0);
    expect(largestGap([], [1]).d).toBe(0);
  });
});
