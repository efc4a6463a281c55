import { onsetScores } from './onset';

/** Reference: compare with the maximum of the previous `window` rows directly. */
function naive(x: Float64Array, window: number): Float64Array {
  return x.map((v, i) => {
    let m = 0;
    for (let j = Math.max(0, i - window); j < i; j++) m = Math.max(m, Number.isNaN(x[j]) ? 0 : x[j]);
    const s = Number.isNaN(v) ? 0 : v;
    return s > m ? s : 0;
  });
}

describe('onsetScores', () => {
  it('keeps the start of a run of high scores and drops the rest of it', () => {
    const x = Float64Array.from([0, 0.1, 0.9, 0.9, 0.8, 0.95, 0, 0, 0, 0, 0.7]);
    expect(Array.from(onsetScores(x, 3))).toEqual([0, 0.1, 0.9, 0, 0, 0.95, 0, 0, 0, 0, 0.7]);
  });

  it('matches the direct definition on random scores and leaves the input alone', () => {
    let seed = 7;
    const rand = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    const x = Float64Array.from({ length: 500 }, () => (rand() < 0.05 ? NaN : rand()));
    const copy = x.slice();
    for (const w of [0, 1, 5, 40]) expect(Array.from(onsetScores(x, w))).toEqual(Array.from(naive(x, w)));
    expect(Array.from(x)).toEqual(Array.from(copy));
  });

  it('rejects a negative window', () => {
    expect(() => onsetScores(new Float64Array(3), -1)).toThrow(/onset window/);
  });
});
