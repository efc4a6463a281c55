import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as augursOutlier from '@bsull/augurs/outlier';
import { InputError, ParameterError } from '../core/errors';
import { createRng } from '../core/random';
import { peerDbscan } from './peerDbscan';
import { peerMad } from './peerMad';
import { deviationScore, detectPeerOutliers } from './peerOutliers';

const N = 288;

/**
 * Ten hosts' CPU over a day: one shared daily rhythm plus seeded noise (sd 2); host `deviant` (if any) runs 25 higher
 * from point 150 to 199.
 */
function group(deviant: number | undefined, seed = 3): Float64Array[] {
  const rand = createRng(seed).next;
  return Array.from({ length: 10 }, (_, s) =>
    Float64Array.from({ length: N }, (_, i) => {
      const noise = Math.sqrt(-2 * Math.log(rand() || 1e-12)) * Math.cos(2 * Math.PI * rand()) * 2;
      const v = 50 + 20 * Math.sin((2 * Math.PI * i) / N) + noise;
      return s === deviant && i >= 150 && i < 200 ? v + 25 : v;
    })
  );
}

const flagged = (values: Float64Array[], o = {}) =>
  detectPeerOutliers(values, o)
    .series.map((s, i) => (s.outlier ? i : -1))
    .filter((i) => i >= 0);

describe('detectPeerOutliers', () => {
  for (const algorithm of ['dbscan', 'mad'] as const) {
    describe(algorithm, () => {
      it('flags the one series of ten that leaves the group, over the time it does, and no other', () => {
        const values = group(7);
        const before = values.map((v) => v.slice());
        const res = detectPeerOutliers(values, { algorithm });
        expect(flagged(values, { algorithm })).toEqual([7]);
        const runs = res.series[7].runs;
        expect(runs.length).toBeGreaterThanOrEqual(1);
        // the outlying time is the deviation's, give or take a point where the noise brought it back
        const covered = runs.reduce((n, r) => n + r.end - r.start + 1, 0);
        expect(covered).toBeGreaterThanOrEqual(45);
        for (const r of runs) {
          expect(r.start).toBeGreaterThanOrEqual(150);
          expect(r.end).toBeLessThan(200);
        }
        expect(res.series[7].score).toBeGreaterThan(75);
        for (const [i, s] of res.series.entries()) {
          if (i === 7) continue;
          expect(s.outlying.every((o) => o === 0)).toBe(true);
          expect(s.score).toBeLessThan(res.series[7].score);
        }
        // the deviant point lies above the band, its peers inside it
        expect(values[7][175]).toBeGreaterThan(res.band.upper[175]);
        for (let s = 0; s < 7; s++) {
          expect(values[s][175]).toBeGreaterThanOrEqual(res.band.lower[175]);
          expect(values[s][175]).toBeLessThanOrEqual(res.band.upper[175]);
        }
        expect(values).toEqual(before); // inputs never mutated
      });

      it('flags nothing in a group that behaves alike', () => {
        expect(flagged(group(undefined), { algorithm })).toEqual([]);
      });

      it('flags nothing when every series is identical (scores 0, band of width 0)', () => {
        const same = Array.from({ length: 5 }, () => Float64Array.from({ length: 20 }, (_, i) => i % 4));
        const res = detectPeerOutliers(same, { algorithm });
        expect(res.series.every((s) => !s.outlier && s.score === 0)).toBe(true);
        expect(res.band.lower[3]).toBe(3);
        expect(res.band.upper[3]).toBe(3);
      });

      it('judges gaps as missing: a NaN ends a run, and times with fewer than 3 values are not judged', () => {
        const values = group(2);
        for (let i = 170; i < 172; i++) values[2][i] = NaN; // splits the deviation in two runs
        for (let s = 0; s < 8; s++) values[s][100] = NaN; // only two series left at point 100
        const res = detectPeerOutliers(values, { algorithm });
        expect(flagged(values, { algorithm })).toEqual([2]);
        expect(res.series[2].runs.some((r) => r.start <= 169 && r.end >= 169)).toBe(true);
        expect(res.series[2].runs.some((r) => r.start >= 172)).toBe(true);
        expect(res.series[2].runs.every((r) => r.end < 170 || r.start > 171)).toBe(true);
        expect(res.series[2].scores[170]).toBeNaN();
        expect(res.band.median[100]).toBeNaN();
        expect(res.series[9].scores[100]).toBeNaN();
      });
    });
  }

  it('needs minDuration consecutive outlying points: a two-point excursion is not an outlier, a three-point one is', () => {
    const values = group(undefined);
    for (const i of [40, 41]) values[4][i] += 40;
    for (const i of [90, 91, 92]) values[5][i] += 40;
    expect(flagged(values, { algorithm: 'mad' })).toEqual([5]);
    expect(flagged(values, { algorithm: 'mad', minDuration: 2 })).toEqual([4, 5]);
    expect(flagged(values, { algorithm: 'mad', minDuration: 4 })).toEqual([]);
  });

  it('higher sensitivity flags more: a small shift is missed at 0.2 and caught at 0.9', () => {
    const values = group(undefined);
    for (let i = 150; i < 200; i++) values[1][i] += 7;
    expect(flagged(values, { algorithm: 'mad', sensitivity: 0.2 })).toEqual([]);
    expect(flagged(values, { algorithm: 'mad', sensitivity: 0.9 })).toContain(1);
  });

  it('scores 50 at the band edge and rises towards 100 beyond it', () => {
    expect(deviationScore(0)).toBe(0);
    expect(deviationScore(1)).toBe(50);
    expect(deviationScore(2)).toBe(75);
    expect(deviationScore(Infinity)).toBe(100);
  });

  it('refuses a group of fewer than 3 series, series of different lengths and bad options, naming them', () => {
    const v = group(undefined);
    expect(() => detectPeerOutliers(v.slice(0, 1))).toThrow(InputError);
    expect(() => detectPeerOutliers(v.slice(0, 2))).toThrow(/at least 3 series to compare, got 2/);
    expect(() => detectPeerOutliers([v[0], v[1], v[2].subarray(1)])).toThrow(
      /series 2 has 287 points but series 0 has 288/
    );
    expect(() => detectPeerOutliers(v, { sensitivity: 1.5 })).toThrow(ParameterError);
    expect(() => detectPeerOutliers(v, { sensitivity: NaN })).toThrow(
      /sensitivity must be a number from 0 to 1, got NaN/
    );
    expect(() => detectPeerOutliers(v, { minDuration: 0 })).toThrow(/minDuration must be an integer >= 1/);
    expect(() => detectPeerOutliers(v, { algorithm: 'kmeans' as never })).toThrow(/unknown algorithm "kmeans"/);
  });
});

describe('peerDbscan', () => {
  it('takes the largest cluster as the group: two series that leave together are both outlying', () => {
    const values = group(undefined);
    for (let i = 150; i < 200; i++) {
      values[3][i] += 30;
      values[8][i] += 31;
    }
    expect(flagged(values)).toEqual([3, 8]);
  });

  it('judges no time where the largest cluster is tied (no majority)', () => {
    // six series close together at every time but the first, where three are at 0 and three at 100
    const split = [0, 0.1, 0.2, 100, 100.1, 100.2].map((x, s) => Float64Array.of(x, s / 10, s / 10, s / 10));
    const res = peerDbscan(split, 0.5);
    expect(res.median[0]).toBeNaN();
    expect(res.deviation.every((d) => Number.isNaN(d[0]))).toBe(true);
    expect(res.deviation.every((d) => d[1] <= 1)).toBe(true);
  });
});

describe('peerMad', () => {
  it('uses each side’s own spread (double MAD): the band is asymmetric around a skewed group', () => {
    const skewed = [10, 10.5, 11, 11.5, 12, 14, 18, 24].map((x) => Float64Array.of(x));
    const res = peerMad(skewed, 0.5);
    expect(res.upper[0] - res.median[0]).toBeGreaterThan(2 * (res.median[0] - res.lower[0]));
  });
});

/**
 * Grafana's own outlier library (augurs, the one behind Grafana Machine Learning and scenes-ml) as an independent
 * check of DBSCAN where it is sure of its answer: a flat group of ten, one series shifted by 5 or 12 noise standard
 * deviations for 50 points. (Its sensitivity maps to epsilon differently, from the data's range, so under a shared
 * daily rhythm it needs 0.7 to see the 12-sd shift; its MAD scores against the whole window's median and flags all ten
 * series of pure noise at 0.5, so it is no reference for the per-time MAD here.)
 */
describe('agreement with augurs’ DBSCAN (Grafana’s outlier library)', () => {
  beforeAll(() => {
    const dir = path.dirname(require.resolve('@bsull/augurs/outlier'));
    augursOutlier.initSync({ module: readFileSync(path.join(dir, 'outlier_bg.wasm')) });
  });

  it.each([
    [25, 0.5],
    [25, 0.7],
    [10, 0.5],
    [10, 0.7],
  ])('a shift of %d in a flat group at sensitivity %d: both flag the shifted series alone', (shift, sensitivity) => {
    const values = group(undefined, 11).map((v, s) => {
      const flat = v.map((x, i) => x - 20 * Math.sin((2 * Math.PI * i) / N));
      if (s === 7) for (let i = 150; i < 200; i++) flat[i] += shift;
      return flat;
    });
    const theirs = new augursOutlier.OutlierDetector('dbscan', { sensitivity }).detect(values);
    expect(theirs.outlyingSeries).toEqual([7]);
    expect(flagged(values, { algorithm: 'dbscan', sensitivity })).toEqual([7]);
  });

  it('neither flags a flat group of noise alone at sensitivity 0.5', () => {
    const values = group(undefined, 11).map((v) => v.map((x, i) => x - 20 * Math.sin((2 * Math.PI * i) / N)));
    expect(new augursOutlier.OutlierDetector('dbscan', { sensitivity: 0.5 }).detect(values).outlyingSeries).toEqual([]);
    expect(flagged(values)).toEqual([]);
  });
});

describe('false and true outliers over 60 seeded groups (default sensitivity)', () => {
  /** ten similar series (sd 2 around a shared daily rhythm); series 7 shifted by `shift` for 50 points */
  const shifted = (seed: number, shift: number) =>
    group(undefined, seed).map((v, s) => (s === 7 ? v.map((x, i) => (i >= 150 && i < 200 ? x + shift : x)) : v));
  const SEEDS = Array.from({ length: 60 }, (_, i) => i + 1);

  for (const algorithm of ['dbscan', 'mad'] as const) {
    it(`${algorithm}: no series of a group without deviant is flagged; a 4-sd shift is caught in at least 57 of 60, a 5-sd one always, and never a peer`, () => {
      const runs = (shift: number) => SEEDS.map((seed) => flagged(shifted(seed, shift), { algorithm }));
      expect(runs(0).filter((f) => f.length > 0)).toHaveLength(0);
      expect(runs(8).filter((f) => f.includes(7)).length).toBeGreaterThanOrEqual(57);
      expect(runs(10)).toEqual(SEEDS.map(() => [7]));
    });
  }
});
