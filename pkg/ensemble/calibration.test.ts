import {
  calibratedTail,
  createTailCalibration,
  MIN_CALIBRATION_COUNT,
  normalDeviate,
  normalTail,
  observeCalibration,
  probabilityToScore,
} from './calibration';

describe('normalTail and normalDeviate', () => {
  test('normalTail matches the standard normal upper tail, small tails to 1e-6 relative', () => {
    expect(normalTail(0, 0, 1)).toBeCloseTo(0.5, 7);
    expect(normalTail(1.959963985, 0, 1)).toBeCloseTo(0.025, 7);
    expect(normalTail(-1.959963985, 0, 1)).toBeCloseTo(0.975, 7);
    // P(Z >= 5) = 2.866515719e-7, P(Z >= 10) = 7.619853024e-24 (scipy.stats.norm.sf)
    expect(Math.abs(normalTail(5, 0, 1) / 2.866515719e-7 - 1)).toBeLessThan(1e-6);
    expect(Math.abs(normalTail(30, 10, 2) / 7.619853024e-24 - 1)).toBeLessThan(1e-6);
    expect(normalTail(1, 0, 0)).toBe(0);
    expect(normalTail(0, 0, 0)).toBe(0.5);
    expect(normalTail(1, NaN, 1)).toBeNaN();
  });

  test('normalDeviate inverts normalTail over twenty orders of magnitude', () => {
    for (const z of [-3, -1, 0, 0.5, 1.96, 3, 5, 8]) expect(normalDeviate(normalTail(z, 0, 1))).toBeCloseTo(z, 5);
    expect(normalDeviate(0)).toBe(Infinity);
    expect(normalDeviate(1)).toBe(-Infinity);
    expect(normalDeviate(NaN)).toBeNaN();
  });
});

describe('tail calibration (online)', () => {
  const calibrated = (scores: number[]) => {
    const c = createTailCalibration();
    scores.forEach((s) => observeCalibration(c, s));
    return c;
  };

  test('maps raw scores to decreasing tail probabilities with an exponential tail', () => {
    const c = calibrated(Array.from({ length: 1000 }, (_, i) => i / 100));
    expect(calibratedTail(c, 0)).toBe(1);
    expect(calibratedTail(c, 5)).toBeCloseTo(0.5, 1);
    const p9 = calibratedTail(c, 9.5);
    const p20 = calibratedTail(c, 20);
    expect(p9).toBeLessThan(0.1);
    expect(p20).toBeLessThan(p9);
    expect(p20).toBeGreaterThan(0);
    expect(calibratedTail(c, NaN)).toBeNaN();
  });

  test('judges only after enough scores, and a few huge outliers do not calibrate themselves away', () => {
    expect(calibratedTail(calibrated([1, 2, 3]), 2)).toBeNaN();
    expect(MIN_CALIBRATION_COUNT).toBeGreaterThan(3);
    const scores = Array.from({ length: 200 }, (_, i) => (i % 10) / 5);
    scores[50] = scores[120] = scores[170] = 40;
    expect(calibratedTail(calibrated(scores), 40)).toBeLessThan(1e-6);
  });

  test('probability to 0-100 score', () => {
    expect(probabilityToScore(1e-3)).toBeCloseTo(50, 6);
    expect(probabilityToScore(1e-9)).toBe(100);
    expect(probabilityToScore(1)).toBe(0);
    expect(probabilityToScore(NaN)).toBeNaN();
  });
});
