import { fitCalibration, normalTail, OnlineCalibration, tailProbability } from './calibration';

describe('normalTail', () => {
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
    expect(fitCalibration([5, 6, 7]).method).toBeUndefined(); // tail by default
  });
});
