import { createRng } from '../core/random';
import { forecastBreaches } from './breach';
import { etsForecast } from './ets';
import { forecast } from './forecast';
import { mannKendallZ, theilSen, trendFallback } from './trend';

const MIN = 60_000;
const T0 = Date.UTC(2026, 0, 5);

/** A day of a flat level (100, noise of sd `sd`) at one point a minute, then `rampMinutes` climbing `slope` a minute. */
function flatThenRamp(seed: number, rampMinutes: number, slope: number, sd: number) {
  const rng = createRng(seed);
  const n = 1440 + rampMinutes;
  const timestamps = Float64Array.from({ length: n }, (_, i) => T0 + i * MIN);
  const values = Float64Array.from({ length: n }, (_, i) => 100 + sd * rng.normal() + Math.max(0, i - 1440) * slope);
  return { labels: { job: 'latency' }, timestamps, values };
}

describe('forecast on a ramp after a flat history', () => {
  test('ETS alone stays flat; the forecast follows the ramp and warns before the threshold is crossed', () => {
    // 60 minutes into a noisy ramp of 0.5 a minute (noise sd 8): at 130 now, 145 is crossed 30 minutes from now
    const s = flatThenRamp(1, 60, 0.5, 8);
    const issuedAt = s.timestamps[s.timestamps.length - 1];
    const threshold = [{ value: 145 }];
    const ets = etsForecast(s.values, 60, 0.95);
    const flat = forecastBreaches(
      issuedAt,
      Array.from(ets.mean, (mean, k) => ({ t: issuedAt + (k + 1) * MIN, mean })),
      threshold
    );
    expect(flat[0].at).toBeNull();
    const f = forecast(s, { method: 'ets', horizon: 60, intervalMs: MIN });
    const [b] = forecastBreaches(
      issuedAt,
      Array.from(f.mean, (mean, k) => ({ t: f.timestamps[k], mean })),
      threshold
    );
    expect(b.seconds).not.toBeNull();
    // warned ahead: before the level reaches the threshold (30 minutes from now), within the hour
    expect(b.seconds!).toBeGreaterThan(5 * 60);
    expect(b.seconds!).toBeLessThan(60 * 60);
    // the band keeps its width around the line
    expect(f.lower[10]).toBeLessThan(f.mean[10]);
    expect(f.upper[10]).toBeGreaterThan(f.mean[10]);
  });

  test.each([1, 2, 3, 4, 5])('a stationary series keeps its ETS forecast (seed %i)', (seed) => {
    const rng = createRng(seed);
    let x = 0;
    const ar = Float64Array.from({ length: 1500 }, () => (x = 0.5 * x + rng.normal()) + 100);
    expect(trendFallback(ar, etsForecast(ar, 60, 0.95))).toBeNull();
    const white = Float64Array.from({ length: 1500 }, () => 100 + rng.normal());
    expect(trendFallback(white, etsForecast(white, 60, 0.95))).toBeNull();
  });

  test('Theil-Sen ignores a spike; Mann-Kendall sees a trend, and less of one in autocorrelated points', () => {
    const x = Float64Array.from({ length: 20 }, (_, i) => i);
    const y = x.map((v) => 2 * v + 1);
    y[7] = 500;
    expect(theilSen(x, y)).toEqual({ slope: 2, intercept: 1 });
    const z = mannKendallZ(Float64Array.from({ length: 20 }, (_, i) => i));
    expect(z).toBeGreaterThan(5);
    expect(
      mannKendallZ(
        Float64Array.from({ length: 20 }, (_, i) => i),
        9
      )
    ).toBeCloseTo(z / 3, 6);
    expect(mannKendallZ(new Float64Array(10).fill(1))).toBe(0);
  });
});
