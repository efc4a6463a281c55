import { forecastBreaches, forecastIssuedAt } from './breach';

const pts = [1, 4, 9, 12, 7].map((mean, i) => ({ t: (i + 1) * 60_000, mean }));

describe('forecastBreaches', () => {
  it('finds the first point beyond each threshold, above or below, and the seconds until it', () => {
    expect(forecastBreaches(0, pts, [{ value: 8 }, { value: 2, direction: 'below' }, { value: 12 }])).toEqual([
      { threshold: 8, direction: 'above', at: 180_000, seconds: 180 },
      { threshold: 2, direction: 'below', at: 60_000, seconds: 60 },
      { threshold: 12, direction: 'above', at: null, seconds: null },
    ]);
  });

  it('skips missing means and never reports a negative time', () => {
    const gappy = [
      { t: 60_000, mean: null },
      { t: 120_000, mean: NaN },
      { t: 180_000, mean: 20 },
    ];
    expect(forecastBreaches(200_000, gappy, [{ value: 10 }])[0]).toEqual({
      threshold: 10,
      direction: 'above',
      at: 180_000,
      seconds: 0,
    });
  });

  it('dates a forecast one step before its first point', () => {
    expect(forecastIssuedAt(pts)).toBe(0);
    expect(forecastIssuedAt(pts.slice(0, 1))).toBeNull();
  });
});
