import { fitCalibration, normalTail, OnlineCalibration, tailProbability } from './calibration';

describe('normal calibration', () => {
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

  test('fitCalibration(normal) keeps mean, sd and count, and judges only from 20 scores', () => {
    const raw = Float64Array.from({ length: 100 }, (_, i) => (i % 2 ? 1 : 3));
    const cal = fitCalibration(raw, 'normal');
    expect(cal.method).toBe('normal');
    expect(cal.mean).toBeCloseTo(2, 12);
    expect(cal.sd).toBeCloseTo(1, 12);
    expect(cal.count).toBe(100);
    expect(tailProbability(cal, 2 + 1.959963985)).toBeCloseTo(0.025, 7);
    expect(tailProbability(fitCalibration(raw.subarray(0, 19), 'normal'), 10)).toBeNaN();
    expect(fitCalibration(raw).method).toBeUndefined(); // tail by default
  });

  test('online normal calibration continues the fitted moments and updates them with each score', () => {
    const train = Float64Array.from({ length: 40 }, (_, i) => (i % 2 ? 1 : 3));
    const online = OnlineCalibration.continuing(fitCalibration(train, 'normal'));
    expect(online.probability(3)).toBeCloseTo(normalTail(3, 2, 1), 12);
    for (let i = 0; i < 40; i++) online.observe(2);
    // 80 scores: mean 2, population variance 40 / 80
    expect(online.probability(3)).toBeCloseTo(normalTail(3, 2, Math.sqrt(0.5)), 12);
    online.observe(NaN);
    expect(online.probability(3)).toBeCloseTo(normalTail(3, 2, Math.sqrt(0.5)), 12);
  });

  test('an online normal calibration with no training scores abstains until it has 20', () => {
    const online = OnlineCalibration.continuing(fitCalibration([], 'normal'));
    for (let i = 0; i < 19; i++) {
      expect(online.probability(1)).toBeNaN();
      online.observe(i % 3);
    }
    online.observe(0);
    expect(online.probability(10)).toBeLessThan(1e-6);
  });
});

describe('standard calibration', () => {
  test('reads the raw score as a standard normal deviate, online too, whatever the training scores', () => {
    const cal = fitCalibration([5, 6, 7], 'standard');
    expect(cal.method).toBe('standard');
    expect(tailProbability(cal, 1.959963985)).toBeCloseTo(0.025, 7);
    const empty = fitCalibration([], 'standard');
    expect(tailProbability(empty, 0)).toBeCloseTo(0.5, 7);
    const online = OnlineCalibration.continuing(cal);
    for (let i = 0; i < 100; i++) online.observe(50);
    expect(online.probability(1.959963985)).toBeCloseTo(0.025, 7);
    expect(tailProbability(cal, NaN)).toBeNaN();
  });
});
