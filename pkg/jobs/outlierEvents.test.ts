import type { Series } from '../core/series';
import { peerOutlierResult } from '../outliers/outlierResult';
import { outlierEvents, peerDetectorName } from './outlierEvents';

const MIN = 60_000;
const T0 = Date.UTC(2026, 0, 5, 10, 0, 0);
const N = 180;

/** Deterministic noise in [-0.5, 0.5). */
function noise(t: number, k: number): number {
  const x = Math.sin(t / 7919 + k * 13.7) * 43758.5453;
  return x - Math.floor(x) - 0.5;
}

/** Ten hosts around 50; `deviant` says how far host h7 is off its peers at point i (0: with them). */
function group(deviant: (i: number) => number): Series[] {
  return Array.from({ length: 10 }, (_, k) => {
    const timestamps = Float64Array.from({ length: N }, (_, i) => T0 + i * MIN);
    const values = timestamps.map((t, i) => 50 + 4 * noise(t, k) + (k === 7 ? deviant(i) : 0));
    return { labels: { __name__: 'cpu', host: `h${k}` }, timestamps, values };
  });
}

/** h7 runs 30 above its peers over points 40-59 and 30 below them over points 120-134. */
const twoIntervals = (i: number) => (i >= 40 && i < 60 ? 30 : i >= 120 && i < 135 ? -30 : 0);

describe('outlierEvents', () => {
  for (const algorithm of ['mad', 'dbscan'] as const) {
    it(`${algorithm}: one event per outlying interval of a series, not one per point, naming the series and the algorithm`, () => {
      const res = peerOutlierResult(group(twoIntervals), T0, T0 + (N - 1) * MIN, MIN, { algorithm });
      const events = outlierEvents(res, -Infinity, { team: 'web' });
      expect(events).toHaveLength(2);
      const [up, down] = events;
      expect(up.labels).toEqual({ __name__: 'cpu', host: 'h7', team: 'web' });
      expect(up.start).toBe(T0 + 40 * MIN);
      expect(up.end).toBe(T0 + 59 * MIN);
      expect(down.start).toBe(T0 + 120 * MIN);
      expect(down.end).toBe(T0 + 134 * MIN);
      expect(up.direction).toBe('above');
      expect(down.direction).toBe('below');
      expect(up.actual).toBeGreaterThan(70);
      expect(Math.abs(up.expected - 50)).toBeLessThan(3);
      expect(up.peak).toBeGreaterThanOrEqual(up.start);
      expect(up.peak).toBeLessThanOrEqual(up.end);
      expect(up.score).toBeGreaterThan(75);
      expect(up.severity).toBe('critical');
      expect(up.detectors).toEqual({ [peerDetectorName(algorithm)]: up.score });
      expect(up).toMatchObject({ kind: 'outlier', algorithm, peers: 9, confidence: 1 });
      expect(up.explanation).toContain('cpu{host="h7", team="web"} was unlike its 9 peers');
      expect(up.explanation).toContain(algorithm === 'mad' ? '(MAD, sensitivity 0.5)' : '(DBSCAN, sensitivity 0.5)');
      expect(up.explanation).toContain('from 2026-01-05 10:40 to 2026-01-05 10:59 UTC');
      expect(up.explanation).toMatch(/at its peak it was [78]\d(\.\d)?, above the group median [45]\d(\.\d)? \(band /);
    });
  }

  it('leaves out the intervals that ended at or before `since` (raised by an earlier run)', () => {
    const res = peerOutlierResult(group(twoIntervals), T0, T0 + (N - 1) * MIN, MIN, { algorithm: 'mad' });
    expect(outlierEvents(res, T0 + 59 * MIN).map((e) => e.start)).toEqual([T0 + 120 * MIN]);
    expect(outlierEvents(res, T0 + 58 * MIN).map((e) => e.start)).toEqual([T0 + 40 * MIN, T0 + 120 * MIN]);
    expect(outlierEvents(res, T0 + 134 * MIN)).toEqual([]);
  });

  it('raises nothing for a group that stays together, or a departure shorter than minDuration', () => {
    const calm = peerOutlierResult(
      group(() => 0),
      T0,
      T0 + (N - 1) * MIN,
      MIN,
      { algorithm: 'mad' }
    );
    expect(outlierEvents(calm, -Infinity)).toEqual([]);
    const blip = peerOutlierResult(
      group((i) => (i >= 90 && i < 92 ? 30 : 0)),
      T0,
      T0 + (N - 1) * MIN,
      MIN,
      {
        algorithm: 'mad',
        minDuration: 3,
      }
    );
    expect(outlierEvents(blip, -Infinity)).toEqual([]);
  });

  it('does not change the result it is given', () => {
    const res = peerOutlierResult(group(twoIntervals), T0, T0 + (N - 1) * MIN, MIN, { algorithm: 'dbscan' });
    const copy = JSON.stringify(res);
    outlierEvents(res, -Infinity, { team: 'web' });
    expect(JSON.stringify(res)).toBe(copy);
  });
});
