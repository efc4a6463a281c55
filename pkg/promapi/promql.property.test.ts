/**
 * Property-based tests (fast-check) of the PromQL parser: any text parses or is refused with a PromQLError (never
 * another error, never a hang), and queries built from the grammar parse.
 */
import fc from 'fast-check';
import { PromQLError, parsePromQL } from './promql';

const token = fc.constantFrom(
  'vigil_anomaly_score',
  'up',
  '{',
  '}',
  '(',
  ')',
  '[',
  ']',
  '5m',
  '1h',
  ',',
  '=',
  '!=',
  '=~',
  '!~',
  '"a"',
  "'b'",
  'job',
  'sum',
  'rate',
  'by',
  'without',
  'offset',
  'on',
  'ignoring',
  'group_left',
  '+',
  '-',
  '*',
  '/',
  '>',
  'and',
  'or',
  'unless',
  '0.5',
  '1e3',
  'Inf',
  'NaN',
  ':',
  '@',
  ' ',
  'avg_over_time',
  'absent',
  'topk',
  'bool'
);
const label = fc.constantFrom('job', 'instance', 'severity');
const selector = fc
  .tuple(
    fc.constantFrom('vigil_anomaly_score', 'vigil_expected', 'up'),
    fc.array(fc.tuple(label, fc.constantFrom('=', '!=', '=~', '!~'), fc.stringMatching(/^[a-z0-9]{0,6}$/)), {
      maxLength: 3,
    })
  )
  .map(([m, ms]) => (ms.length ? `${m}{${ms.map(([l, op, v]) => `${l}${op}"${v}"`).join(',')}}` : m));
/** Instant-vector expressions: selectors, range functions, aggregations, arithmetic with vectors and scalars. */
const expr: fc.Arbitrary<string> = fc.letrec<{ v: string }>((tie) => ({
  v: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    selector,
    fc
      .tuple(fc.constantFrom('rate', 'avg_over_time', 'max_over_time'), selector, fc.constantFrom('1m', '5m', '1h'))
      .map(([f, s, r]) => `${f}(${s}[${r}])`),
    fc
      .tuple(
        fc.constantFrom('sum', 'max', 'avg', 'count'),
        tie('v'),
        fc.constantFrom('', ' by (job)', ' without (instance)')
      )
      .map(([a, e, b]) => `${a}${b}(${e})`),
    fc
      .tuple(tie('v'), fc.constantFrom('+', '-', '*', '/', '>', '<'), fc.double({ min: -1e6, max: 1e6, noNaN: true }))
      .map(([a, op, x]) => `(${a}) ${op} ${x}`),
    tie('v').map((e) => `abs(${e})`)
  ),
})).v;

describe('parsePromQL (property-based)', () => {
  it('parses any text or refuses it with a PromQLError', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ maxLength: 60 }),
          fc.array(token, { maxLength: 25 }).map((t) => t.join(''))
        ),
        (q) => {
          try {
            parsePromQL(q);
          } catch (err) {
            expect(err).toBeInstanceOf(PromQLError);
          }
        }
      ),
      { numRuns: 3000, seed: 20261130 }
    );
  });

  it('parses the queries its grammar builds', () => {
    fc.assert(
      fc.property(expr, (q) => {
        expect(() => parsePromQL(q)).not.toThrow();
      }),
      { numRuns: 500, seed: 20261130 }
    );
  });
});
