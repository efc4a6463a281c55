/**
 * Property-based tests (fast-check) of the detection pipeline: whatever numbers a series holds (finite, NaN,
 * +-Infinity, huge, constant) and however its timestamps are spaced, `detect` answers with a result or a clear
 * InputError/ParameterError, never anything else; scores stay 0-100 (or null where unjudged), every input point has
 * its output point, events lie inside the series, and the input arrays are not mutated.
 */
import fc from 'fast-check';
import { InputError, ParameterError } from '../core/errors';
import type { Series } from '../core/series';
import { detect } from './detect';

const MIN = 60_000;
const T0 = Date.UTC(2026, 0, 1);

const value = fc.oneof(
  { weight: 6, arbitrary: fc.double({ min: -1e6, max: 1e6, noNaN: true }) },
  { weight: 1, arbitrary: fc.constantFrom(NaN, Infinity, -Infinity, 1e308, -1e308, 0, 5e-324) }
);

const series: fc.Arbitrary<Series> = fc
  .oneof(
    fc.array(value, { minLength: 0, maxLength: 700 }),
    // constant series, long enough to be judged
    fc.tuple(value, fc.integer({ min: 1, max: 700 })).map(([v, n]) => Array.from({ length: n }, () => v))
  )
  .chain((values) =>
    fc.array(fc.integer({ min: 1, max: 3 }), { minLength: values.length, maxLength: values.length }).map((steps) => {
      let t = T0;
      const timestamps = Float64Array.from(steps, (s) => (t += s * MIN));
      return { labels: { __name__: 'x' }, timestamps, values: Float64Array.from(values) };
    })
  );

describe('detect (property-based)', () => {
  it('gives a well-formed result or a clear error for any series', () => {
    fc.assert(
      fc.property(series, fc.option(fc.constantFrom(MIN, 5 * MIN, -MIN, 0), { nil: undefined }), (s, intervalMs) => {
        const before = { t: Float64Array.from(s.timestamps), v: Float64Array.from(s.values) };
        let report: ReturnType<typeof detect>;
        try {
          report = detect([s], { ...(intervalMs !== undefined ? { intervalMs } : {}), warmup: 60 });
        } catch (err) {
          expect(err instanceof InputError || err instanceof ParameterError).toBe(true);
          expect((err as Error).message.length).toBeGreaterThan(0);
          expect(intervalMs !== undefined && intervalMs <= 0).toBe(true);
          return;
        }
        expect(Array.from(s.timestamps)).toEqual(Array.from(before.t));
        expect(Object.is(s.values.length, before.v.length)).toBe(true);
        s.values.forEach((v, i) => expect(Object.is(v, before.v[i])).toBe(true));
        expect(report.series).toHaveLength(1);
        const points = report.series[0].points;
        for (const p of points) {
          if (p.score !== null) {
            expect(p.score).toBeGreaterThanOrEqual(0);
            expect(p.score).toBeLessThanOrEqual(100);
          }
        }
        if (points.length) {
          const first = points[0].t;
          const last = points[points.length - 1].t;
          for (const e of report.anomalies) {
            expect(e.start).toBeGreaterThanOrEqual(first);
            expect(e.end).toBeLessThanOrEqual(last);
          }
        }
        // JSON round trip (the API's answer) keeps the shape: no NaN or Infinity leaks as a number
        const json = JSON.parse(JSON.stringify(report));
        expect(json.series[0].points).toHaveLength(points.length);
      }),
      { numRuns: 60, seed: 20261130 }
    );
  }, 120_000);
});
