import { tfidf, windowOutliers } from './windowOutliers';

describe('tfidf', () => {
  it('weights terms by smooth idf and normalises rows', () => {
    const m = tfidf([['a', 'a', 'b'], ['a'], []]);
    expect(m.terms).toEqual(['a', 'b']);
    expect(m.idf[0]).toBeCloseTo(Math.log(4 / 3) + 1);
    expect(m.idf[1]).toBeCloseTo(Math.log(4 / 2) + 1);
    const row0 = [m.data[0], m.data[1]];
    expect(Math.hypot(...row0)).toBeCloseTo(1);
    expect(row0[0] / row0[1]).toBeCloseTo((2 * m.idf[0]) / m.idf[1]);
    expect([m.data[4], m.data[5]]).toEqual([0, 0]);
  });
});

describe('windowOutliers', () => {
  it('scores a window with an unusual mix of templates highest, deterministically', () => {
    const windows: string[][] = [];
    for (let i = 0; i < 60; i++) windows.push(i % 2 ? ['hb', 'hb', 'req'] : ['hb', 'req', 'req']);
    windows[40] = ['panic', 'panic', 'oops', 'hb'];
    windows[41] = [];
    const a = windowOutliers(windows);
    const b = windowOutliers(windows);
    expect(Array.from(a.scores)).toEqual(Array.from(b.scores));
    expect(Number.isNaN(a.scores[41])).toBe(true);
    const best = [...a.scores.keys()]
      .filter((i) => !Number.isNaN(a.scores[i]))
      .sort((x, y) => a.scores[y] - a.scores[x])[0];
    expect(best).toBe(40);
    expect(a.scores[40]).toBeGreaterThan(0.6);
  });

  it('returns no scores for fewer than eight windows with lines', () => {
    expect(Array.from(windowOutliers([['a'], ['b']]).scores).every(Number.isNaN)).toBe(true);
  });
});
