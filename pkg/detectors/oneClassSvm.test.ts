import { InputError, ParameterError } from '../core/errors';
import { createRng } from '../core/random';
import { fitOneClassSvm, oneClassSvmBatch, scoreOneClassSvm } from './oneClassSvm';

/** 300 deterministic 2-D points, also built by the scikit-learn script below. */
function grid(): Float64Array {
  const X = new Float64Array(600);
  for (let i = 0; i < 300; i++) {
    X[2 * i] = ((i * 37) % 101) / 10;
    X[2 * i + 1] = ((i * 53) % 97) / 10 + ((i * 37) % 101) / 20;
  }
  return X;
}

describe('fitOneClassSvm', () => {
  /*
   * Reference computed once with scikit-learn 1.9.1 (libsvm) in a throwaway virtual environment:
   *   X = np.array([[((i*37)%101)/10.0, ((i*53)%97)/10.0 + ((i*37)%101)/20.0] for i in range(300)])
   *   m = OneClassSVM(nu=0.05, gamma='scale', tol=1e-3).fit(X)
   *   -m.intercept_[0]  -> rho 3.4601911257697444, len(m.support_) -> 22
   *   m.decision_function([[0,0],[5,7],[10,10],[2,3],[20,20]])
   * Both solvers stop at the same KKT tolerance (1e-3), so values agree to about that tolerance.
   */
  test('matches scikit-learn OneClassSVM (libsvm) on the same data', () => {
    const m = fitOneClassSvm(grid(), 300, 2, { nu: 0.05 });
    expect(m.converged).toBe(true);
    expect(Math.abs(m.rho - 3.4601911257697444)).toBeLessThan(2e-3);
    expect(m.coefficients.reduce((a, b) => a + b, 0)).toBeCloseTo(15, 9);
    expect(m.coefficients.length).toBe(22);
    const q = Float64Array.of(0, 0, 5, 7, 10, 10, 2, 3, 20, 20);
    const ref = [
      -0.22675511954438043, 0.01324133907065228, -0.008425774115804252, 0.35427447407828216, -3.4562798443537517,
    ];
    const { decision, score } = scoreOneClassSvm(m, q, 5, 2);
    ref.forEach((r, i) => expect(Math.abs(decision[i] - r)).toBeLessThan(2e-3));
    // score is monotone decreasing in the decision function, in [0, 1]
    expect(score[4]).toBeGreaterThan(score[0]);
    expect(score[0]).toBeGreaterThan(score[3]);
    for (const s of score) expect(s >= 0 && s <= 1).toBe(true);
  });

  test('subsamples to maxTrain deterministically and stays within nu bounds', () => {
    const r = createRng(2);
    const X = Float64Array.from({ length: 5000 * 3 }, () => r.normal());
    const a = fitOneClassSvm(X, 5000, 3, { maxTrain: 400, seed: 5 });
    const b = fitOneClassSvm(X, 5000, 3, { maxTrain: 400, seed: 5 });
    expect(a).toEqual(b);
    expect(a.trainRows).toBe(400);
    // nu is a lower bound on the share of support vectors
    expect(a.coefficients.length).toBeGreaterThanOrEqual(0.05 * 400);
    const { decision } = scoreOneClassSvm(a, X.subarray(0, 3000), 1000, 3);
    const outside = decision.filter((d) => d < 0).length / 1000;
    expect(outside).toBeLessThan(0.15);
  });

  test('bad input and options give clear errors', () => {
    expect(() => fitOneClassSvm(grid(), 300, 2, { nu: 0 })).toThrow(ParameterError);
    expect(() => fitOneClassSvm(grid(), 300, 2, { gamma: -1 })).toThrow(/gamma/);
    expect(() => fitOneClassSvm(grid(), 299, 2)).toThrow(InputError);
    const m = fitOneClassSvm(grid(), 300, 2);
    expect(() => scoreOneClassSvm(m, Float64Array.of(1, 2, 3), 1, 3)).toThrow(/2 columns/);
  });
});

describe('oneClassSvm detector', () => {
  test('scores a spike highest, does not mutate, round-trips through JSON', () => {
    const r = createRng(12);
    const n = 1200;
    const values = Float64Array.from({ length: n }, (_, i) => 50 + 5 * Math.sin(i / 30) + r.normal());
    const input = { timestamps: Float64Array.from({ length: n }, (_, i) => i * 1000), values, intervalMs: 1000 };
    const model = oneClassSvmBatch.fit(input, oneClassSvmBatch.params({}));
    const test = values.slice();
    test[900] -= 15;
    const copy = test.slice();
    const out = oneClassSvmBatch.score!(model, { ...input, values: test });
    expect(Array.from(test)).toEqual(Array.from(copy));
    let maxOther = 0;
    for (let i = 20; i < n; i++) if (Math.abs(i - 900) > 12) maxOther = Math.max(maxOther, out.score[i]);
    expect(out.score[900]).toBeGreaterThan(maxOther);
    const back = JSON.parse(JSON.stringify(model));
    expect(Array.from(oneClassSvmBatch.score!(back, input).score)).toEqual(
      Array.from(oneClassSvmBatch.score!(model, input).score)
    );
  });
});

test('oneClassSvm: a too-sparse training series gives a model that judges no point, saying why', () => {
  const values = Float64Array.from({ length: 300 }, (_, i) => (i % 3 === 0 ? i : NaN));
  const input = { timestamps: Float64Array.from({ length: 300 }, (_, i) => i), values, intervalMs: 1 };
  const model = oneClassSvmBatch.fit(input, oneClassSvmBatch.params({}));
  expect(model.svm).toBeNull();
  expect(model.untrained).toMatch(/too sparse/);
  expect(Array.from(oneClassSvmBatch.score!(model, input).score).every(Number.isNaN)).toBe(true);
});
