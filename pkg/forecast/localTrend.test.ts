import { followLocalTrend, localTrend } from './localTrend';
import type { Band } from './types';

/** Seeded standard normal draws (LCG + Box-Muller). */
function normals(seed: number): () => number {
  let s = seed >>> 0;
  const u = () => ((s = (s * 1664525 + 1013904223) >>> 0), (s + 0.5) / 2 ** 32);
  return () => Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u());
}

/** A flat model forecast at `level` with a ±`half` band. */
function flat(level: number, horizon: number, half: number): Band {
  return {
    mean: new Float64Array(horizon).fill(level),
    lower: new Float64Array(horizon).fill(level - half),
    upper: new Float64Array(horizon).fill(level + half),
  };
}

/** A day at one point a minute: level 0.15 with noise 0.01, rising over its last `ramp` minutes to triple in an hour. */
function latency(ramp: number, seed = 3): Float64Array {
  const z = normals(seed);
  return Float64Array.from({ length: 1440 }, (_, i) => {
    const r = ramp && i >= 1440 - ramp ? (i - (1440 - ramp)) / 60 : 0;
    return 0.15 * (1 + 2 * r) + 0.01 * z();
  });
}

describe('localTrend', () => {
  it('gives the Theil-Sen slope, the line at the last point and the Mann-Kendall score, skipping gaps', () => {
    const t = localTrend(Float64Array.from([9, 9, 1, 2, NaN, 4, 5]), 5)!;
    expect(t.slope).toBeCloseTo(1);
    expect(t.level).toBeCloseTo(5);
    expect(t.n).toBe(4);
    expect(t.z).toBeGreaterThan(1.5);
    expect(localTrend(Float64Array.from([1, NaN, NaN]), 3)).toBeNull();
    // all values tied: no trend, no division by zero
    expect(localTrend(new Float64Array(20).fill(7), 20)).toMatchObject({ slope: 0, z: 0 });
  });
});

describe('followLocalTrend', () => {
  it('extends a ramp of the last 10 minutes that a flat forecast misses, so the breach is announced ahead', () => {
    const y = latency(10);
    const b = followLocalTrend(y, flat(y[1439], 60, 0.02))!;
    expect(b).not.toBeNull();
    // the truth an hour on is 0.50; the last value is about 0.20
    expect(b.mean[59]).toBeGreaterThan(0.4);
    expect(b.mean[59]).toBeLessThan(0.6);
    expect(b.upper[59] - b.mean[59]).toBeCloseTo(0.02);
    expect(b.mean.findIndex((m) => m > 0.25)).toBeLessThan(30);
  });

  it('leaves the model alone on a series without a recent trend, and when the model already follows it', () => {
    const y = latency(0);
    expect(followLocalTrend(y, flat(0.15, 60, 0.02))).toBeNull();
    const ramp = latency(20);
    const following: Band = {
      mean: Float64Array.from({ length: 60 }, (_, k) => ramp[1439] + 0.01 * (k + 1)),
      lower: new Float64Array(60),
      upper: new Float64Array(60),
    };
    expect(followLocalTrend(ramp, following)).toBeNull();
  });

  it('does not take an autocorrelated series wandering for a trend (AR(1) with phi 0.5 to 0.97)', () => {
    for (const phi of [0.5, 0.9, 0.97]) {
      let overrides = 0;
      let runs = 0;
      for (let seed = 1; seed <= 20; seed++) {
        const z = normals(seed);
        let x = 0;
        const y = Float64Array.from({ length: 1940 }, () => (x = phi * x + z()));
        for (let end = 1440; end < y.length; end += 10, runs++) {
          if (followLocalTrend(y.subarray(0, end), flat(y[end - 1], 60, 2))) overrides++;
        }
      }
      expect(overrides / runs).toBeLessThan(0.005);
    }
  });
});
