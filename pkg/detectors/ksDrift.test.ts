import { InputError, ParameterError } from '../core/errors';
import { createRng } from '../core/random';
import { driftStatus, kolmogorovSf, ksDriftBatch, ksTest } from './ksDrift';

/** The same integer LCG as the Python script below, so both sides see identical samples. */
function lcg(n: number, seed: number, mod = 1000): Float64Array {
  const out = new Float64Array(n);
  let s = BigInt(seed);
  for (let i = 0; i < n; i++) {
    s = (s * 1103515245n + 12345n) % 2147483648n;
    out[i] = Number(s % BigInt(mod));
  }
  return out;
}
const add = (a: Float64Array, c: number, mul = 1) => a.map((v) => v * mul + c);
const seq = (n: number, f: (i: number) => number) => Float64Array.from({ length: n }, (_, i) => f(i));

/*
 * Reference values computed once with scipy 1.17.1 (scipy.stats.ks_2samp, default method='auto',
 * alternative='two-sided') in a throwaway virtual environment, from this script:
 *
 *   def lcg(n, seed, mod=1000):
 *       out = []; s = seed
 *       for _ in range(n):
 *           s = (s * 1103515245 + 12345) % 2147483648
 *           out.append(s % mod)
 *       return np.array(out, dtype=float)
 *   cases = {'small': ([1,2,3], [4,5,6]),
 *            'unequal': ([(i*37)%101 for i in range(50)], [(i*53)%97+10 for i in range(40)]),
 *            'equal': ([(i*13)%61 for i in range(60)], [(i*17)%61+5 for i in range(60)]),
 *            'ties': ([i%5 for i in range(30)], [i%7 for i in range(45)]),
 *            'shift500x300': (lcg(500, 1), lcg(300, 2) + 60),
 *            'same1000x60': (lcg(1000, 3), lcg(60, 4)),
 *            'drift1000x60': (lcg(1000, 5), lcg(60, 6) * 0.5 + 400),
 *            'asymp12000x200': (lcg(12000, 7), lcg(200, 8) + 100),
 *            'asymp12000x11000': (lcg(12000, 9), lcg(11000, 10) + 20)}
 *   for k, (a, b) in cases.items(): r = ks_2samp(a, b); print(k, float(r.statistic), float(r.pvalue))
 */
const exactCases: [string, Float64Array, Float64Array, number, number][] = [
  ['small', Float64Array.of(1, 2, 3), Float64Array.of(4, 5, 6), 1.0, 0.09999999999999999],
  ['unequal', seq(50, (i) => (i * 37) % 101), seq(40, (i) => ((i * 53) % 97) + 10), 0.1, 0.9634921856008348],
  [
    'equal',
    seq(60, (i) => (i * 13) % 61),
    seq(60, (i) => ((i * 17) % 61) + 5),
    0.08333333333333333,
    0.9866532849650151,
  ],
  ['ties', seq(30, (i) => i % 5), seq(45, (i) => i % 7), 0.26666666666666666, 0.13675668638425742],
  ['shift500x300', lcg(500, 1), add(lcg(300, 2), 60), 0.08466666666666667, 0.1292092910184186],
  ['same1000x60', lcg(1000, 3), lcg(60, 4), 0.117, 0.3905451602504106],
  ['drift1000x60', lcg(1000, 5), add(lcg(60, 6), 400, 0.5), 0.42133333333333334, 1.332797654857768e-9],
];

describe('ksTest', () => {
  test.each(exactCases)('%s: exact statistic and p-value match scipy.stats.ks_2samp', (_name, a, b, d, p) => {
    const r = ksTest(a, b);
    expect(r.statistic).toBeCloseTo(d, 12);
    expect(Math.abs(r.pValue - p) / p).toBeLessThan(1e-9);
  });

  test('is symmetric in its arguments', () => {
    const a = lcg(500, 1);
    const b = add(lcg(300, 2), 60);
    expect(ksTest(b, a).pValue).toBeCloseTo(ksTest(a, b).pValue, 12);
  });

  test('asymptotic branch (a sample above 10,000 values) is within 5% of scipy', () => {
    const r1 = ksTest(lcg(12000, 7), add(lcg(200, 8), 100));
    expect(r1.statistic).toBeCloseTo(0.15008333333333335, 12);
    expect(Math.abs(r1.pValue - 0.00024426928101866307) / 0.00024426928101866307).toBeLessThan(0.05);
    const r2 = ksTest(lcg(12000, 9), add(lcg(11000, 10), 20));
    expect(r2.statistic).toBeCloseTo(0.02809848484848476, 12);
    expect(Math.abs(r2.pValue - 0.00022735558574591544) / 0.00022735558574591544).toBeLessThan(0.05);
  });

  test('ignores NaN and does not mutate its inputs', () => {
    const a = Float64Array.of(3, NaN, 1, 2);
    const copy = a.slice();
    const r = ksTest(a, Float64Array.of(4, 5, 6, NaN));
    expect(r.pValue).toBeCloseTo(0.1, 12);
    expect(Array.from(a)).toEqual(Array.from(copy));
  });

  test('identical samples give D = 0 and p = 1', () => {
    const a = lcg(200, 11);
    expect(ksTest(a, a.slice())).toEqual({ statistic: 0, pValue: 1 });
  });

  test('empty samples are an InputError', () => {
    expect(() => ksTest([], [1, 2])).toThrow(InputError);
    expect(() => ksTest([NaN], [1, 2])).toThrow(/at least one value/);
  });

  test('kolmogorovSf matches known values of the limiting distribution', () => {
    // Q(1.36) ~ 0.0494 and Q(1.63) ~ 0.0098 (classic 5% and 1% critical values)
    expect(kolmogorovSf(1.3581)).toBeCloseTo(0.05, 3);
    expect(kolmogorovSf(1.6276)).toBeCloseTo(0.01, 3);
    expect(kolmogorovSf(0)).toBe(1);
  });
});

describe('driftStatus', () => {
  test('flags a shifted window and not a matching one', () => {
    const rng = createRng(3);
    const ref = seq(1000, () => rng.normal());
    const same = seq(100, () => rng.normal());
    const shifted = seq(100, () => rng.normal() + 1);
    expect(driftStatus(ref, same).drift).toBe(false);
    const d = driftStatus(ref, shifted);
    expect(d.drift).toBe(true);
    expect(d.pValue).toBeLessThan(0.01);
    expect(() => driftStatus(ref, same, 2)).toThrow(ParameterError);
  });
});

describe('ksDrift detector', () => {
  const rng = createRng(9);
  const n = 600;
  const train = seq(n, () => rng.normal(10, 1));
  const shifted = seq(n, (i) => rng.normal() + 10 + (i >= 300 ? 3 : 0));
  const ts = seq(n, (i) => i * 60000);

  test('scores -log10 p; low before a level shift, above 2 after it', () => {
    const model = ksDriftBatch.fit({ timestamps: ts, values: train, intervalMs: 60000 }, ksDriftBatch.params({}));
    const input = { timestamps: ts, values: shifted, intervalMs: 60000 };
    const before = shifted.slice();
    const out = ksDriftBatch.score!(model, input);
    expect(Array.from(shifted)).toEqual(Array.from(before));
    expect(Number.isNaN(out.score[10])).toBe(true); // fewer than minPoints in the window
    let early = 0;
    for (let i = 100; i < 300; i++) early = Math.max(early, out.score[i]);
    expect(early).toBeLessThan(3);
    for (let i = 330; i < n; i++) expect(out.score[i]).toBeGreaterThan(2);
    // the score at t equals -log10 of the direct test
    const direct = ksTest(model.reference, shifted.subarray(400 - 59, 401));
    expect(out.score[400]).toBeCloseTo(-Math.log10(direct.pValue), 9);
  });

  test('model round-trips through JSON', () => {
    const model = ksDriftBatch.fit(
      { timestamps: ts, values: train, intervalMs: 60000 },
      ksDriftBatch.params({ reference: 200 })
    );
    expect(model.reference).toHaveLength(200);
    const back = JSON.parse(JSON.stringify(model));
    const input = { timestamps: ts, values: shifted, intervalMs: 60000 };
    expect(Array.from(ksDriftBatch.score!(back, input).score)).toEqual(
      Array.from(ksDriftBatch.score!(model, input).score)
    );
  });

  test('bad parameters are ParameterErrors', () => {
    const input = { timestamps: ts, values: train, intervalMs: 60000 };
    expect(() => ksDriftBatch.fit(input, ksDriftBatch.params({ window: 1 }))).toThrow(ParameterError);
    expect(() => ksDriftBatch.fit(input, ksDriftBatch.params({ minPoints: 100, window: 60 }))).toThrow(/minPoints/);
  });
});
