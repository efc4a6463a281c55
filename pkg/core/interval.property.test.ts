/** Property-based tests (fast-check) of duration parsing: any text is a positive whole number of ms or an InputError. */
import fc from 'fast-check';
import { InputError } from './errors';
import { formatInterval, parseInterval } from './interval';

const UNITS: [string, number][] = [
  ['ms', 1],
  ['s', 1000],
  ['m', 60_000],
  ['h', 3_600_000],
  ['d', 86_400_000],
  ['w', 604_800_000],
];

describe('parseInterval (property-based)', () => {
  it('answers any text with a positive whole number of ms, or an InputError quoting it', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.string({ maxLength: 30 }), fc.stringMatching(/^-?[0-9.]{0,8}(ms|s|m|h|d|w|y)?$/)),
        (text) => {
          let outcome: number | Error;
          try {
            outcome = parseInterval(text);
          } catch (err) {
            outcome = err as Error;
          }
          if (outcome instanceof Error) {
            expect(outcome).toBeInstanceOf(InputError);
            expect(outcome.message).toContain(`"${text}"`);
          } else {
            expect(Number.isInteger(outcome)).toBe(true);
            expect(outcome).toBeGreaterThan(0);
          }
        }
      ),
      { numRuns: 2000, seed: 20261130 }
    );
  });

  it('reads n<unit> as n times the unit, and formatInterval round-trips', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 100_000 }), fc.constantFrom(...UNITS), (n, [u, size]) => {
        const ms = parseInterval(`${n}${u}`);
        expect(ms).toBe(n * size);
        expect(parseInterval(formatInterval(ms))).toBe(ms);
      }),
      { numRuns: 1000, seed: 20261130 }
    );
  });
});
