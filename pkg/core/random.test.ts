import { ParameterError } from './errors';
import { createRng, sampleIndices } from './random';

describe('createRng (mulberry32)', () => {
  test('reproduces the reference mulberry32 sequence for seed 42', () => {
    const r = createRng(42);
    // first outputs of the public-domain reference implementation
    expect(r.next()).toBe(0.6011037519201636);
    expect(r.next()).toBe(0.44829055899754167);
  });

  test('same seed, same sequence; different seed, different sequence', () => {
    const a = createRng(7);
    const b = createRng(7);
    const c = createRng(8);
    const xa = Array.from({ length: 50 }, () => a.next());
    expect(Array.from({ length: 50 }, () => b.next())).toEqual(xa);
    expect(Array.from({ length: 50 }, () => c.next())).not.toEqual(xa);
  });

  test('next() is uniform on [0, 1) and int() stays in range', () => {
    const r = createRng(1);
    const bins = new Array(10).fill(0);
    for (let i = 0; i < 100000; i++) {
      const u = r.next();
      expect(u >= 0 && u < 1).toBe(true);
      bins[Math.floor(u * 10)]++;
    }
    for (const b of bins) expect(Math.abs(b - 10000)).toBeLessThan(500);
    for (let i = 0; i < 1000; i++) {
      const v = r.int(7);
      expect(Number.isInteger(v) && v >= 0 && v < 7).toBe(true);
    }
  });

  test('normal() has mean ~0 and sd ~1, and honours mean/sd', () => {
    const r = createRng(5);
    let s = 0;
    let s2 = 0;
    const n = 50000;
    for (let i = 0; i < n; i++) {
      const x = r.normal();
      s += x;
      s2 += x * x;
    }
    expect(Math.abs(s / n)).toBeLessThan(0.02);
    expect(Math.abs(Math.sqrt(s2 / n) - 1)).toBeLessThan(0.02);
    let m = 0;
    for (let i = 0; i < 1000; i++) m += r.normal(100, 0.1);
    expect(m / 1000).toBeCloseTo(100, 1);
  });

  test('state() resumes a generator', () => {
    const r = createRng(99);
    r.next();
    const resumed = createRng(r.state());
    expect(resumed.next()).toBe(r.next());
  });

  test('bad arguments are ParameterErrors', () => {
    expect(() => createRng(NaN)).toThrow(ParameterError);
    expect(() => createRng(1).int(0)).toThrow(/int\(n\)/);
    expect(() => sampleIndices(createRng(1), -1, 2)).toThrow(ParameterError);
  });
});

describe('sampleIndices', () => {
  test('draws distinct indices in range, all of them when k >= n', () => {
    const r = createRng(3);
    const s = sampleIndices(r, 1000, 256);
    expect(s.length).toBe(256);
    expect(new Set(s).size).toBe(256);
    for (const i of s) expect(i >= 0 && i < 1000).toBe(true);
    const all = sampleIndices(r, 10, 20);
    expect(Array.from(all).sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });
});
