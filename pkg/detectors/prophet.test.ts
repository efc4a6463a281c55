/** Behavioural tests shared by the forecast-band detectors (prophet, ets), plus each one's own cases. */
import * as path from 'node:path';
import { readNabCsv, readWindows } from '../bench/nab/corpus';
import { nabDir } from '../bench/nab/paths';
import { ParameterError } from '../core/errors';
import { etsDetector } from './ets';
import { prophetDetector } from './prophet';
import type { Detector, DetectorInput, DetectorModel } from './types';

type AnyDetector = Detector<Record<string, unknown>, DetectorModel>;

const HOUR = 3_600_000;

function input(values: number[], intervalMs = HOUR, t0 = Date.UTC(2024, 0, 1)): DetectorInput {
  return {
    timestamps: Float64Array.from(values, (_, i) => t0 + i * intervalMs),
    values: Float64Array.from(values),
    intervalMs,
  };
}

/** a noisy level with a slow drift: what non-seasonal ETS is for */
const level = (n: number) =>
  Array.from({ length: n }, (_, i) => 30 + 0.01 * i + 0.8 * Math.sin(i * 2.1) + 0.5 * Math.sin(i * 0.37));

const daily = (n: number) =>
  Array.from({ length: n }, (_, i) => 30 + 8 * Math.sin((2 * Math.PI * i) / 24) + 0.4 * Math.sin(i * 2.1));

/** NAB art_daily_jumpsup: train on the first 15% (NAB's probationary period), score everything. */
function nabCase(file: string) {
  const table = readNabCsv(path.join(nabDir(), 'data', file));
  const windows = readWindows(path.join(nabDir(), 'labels', 'combined_windows.json')).get(file) ?? [];
  const all: DetectorInput = { timestamps: table.timestamps, values: table.columns.value, intervalMs: 300_000 };
  const n = table.timestamps.length;
  const p = Math.floor(0.15 * n);
  const train: DetectorInput = { ...all, timestamps: all.timestamps.subarray(0, p), values: all.values.subarray(0, p) };
  const inWindow = (t: number) => windows.some(([a, b]) => t >= a && t <= b);
  return { all, train, inWindow, p };
}

describe.each([
  ['prophet', prophetDetector as unknown as AnyDetector, daily],
  ['ets', etsDetector as unknown as AnyDetector, level],
] as const)('%s detector', (_name, det, shape) => {
  it('scores a spike far above normal points and bands the expected value', () => {
    const values = shape(24 * 8);
    const model = det.fit(input(values.slice(0, 24 * 6)));
    const test = values.slice();
    test[24 * 7] += 30;
    const before = test.slice();
    const inp = input(test);
    const out = det.score(JSON.parse(JSON.stringify(model)), inp);
    expect(Array.from(inp.values)).toEqual(before); // input not mutated
    const spike = out.score[24 * 7];
    const others = Array.from(out.score.subarray(24 * 6, 24 * 8)).filter((s, i) => i !== 24 && Number.isFinite(s));
    expect(others.length).toBeGreaterThan(24);
    expect(spike).toBeGreaterThan(3);
    expect(spike).toBeGreaterThan(2 * Math.max(...others));
    const i = 24 * 7 + 3;
    expect(out.lower[i]).toBeLessThan(out.expected[i]);
    expect(out.upper[i]).toBeGreaterThan(out.expected[i]);
    expect(Math.abs(out.expected[i] - values[i])).toBeLessThan(out.upper[i] - out.lower[i]);
  });

  it('abstains on missing points and is deterministic', () => {
    const values = daily(24 * 4);
    values[50] = NaN;
    const model = det.fit(input(values));
    const a = det.score(model, input(values));
    const b = det.score(det.fit(input(values)), input(values));
    expect(Number.isNaN(a.score[50])).toBe(true);
    expect(Array.from(a.score)).toEqual(Array.from(b.score));
  });

  it('throws ParameterError for a bad level', () => {
    expect(() => det.fit(input(daily(48)), { level: 2 })).toThrow(ParameterError);
  });

  it('puts its highest score inside the labelled window of NAB art_daily_jumpsup', () => {
    const { all, train, inWindow, p } = nabCase('artificialWithAnomaly/art_daily_jumpsup.csv');
    // ETS refits every `refitEvery` points: a coarser refit keeps this real-data test quick
    const out = det.score(
      det.fit(train, det === (etsDetector as unknown as AnyDetector) ? { refitEvery: 48 } : {}),
      all
    );
    let best = -1;
    for (let i = p; i < out.score.length; i++)
      if (Number.isFinite(out.score[i]) && (best < 0 || out.score[i] > out.score[best])) best = i;
    expect(best).toBeGreaterThanOrEqual(0);
    expect(inWindow(all.timestamps[best])).toBe(true);
  });
});

describe('prophet detector', () => {
  it('abstains instead of throwing on a too-short training series', () => {
    const model = prophetDetector.fit(input([1, 2, 3]));
    expect(model.fit).toBeNull();
    expect(model.reason).toMatch(/at least 10/);
    expect(prophetDetector.score(model, input([1, 2, 3])).score.every(Number.isNaN)).toBe(true);
  });
});

describe('ets detector', () => {
  it('continues from the training tail: no warm-up when the input follows training', () => {
    const values = daily(24 * 6);
    const model = etsDetector.fit(input(values.slice(0, 24 * 4)));
    const next = input(values.slice(24 * 4), HOUR, Date.UTC(2024, 0, 1) + 24 * 4 * HOUR);
    expect(Number.isFinite(etsDetector.score(model, next).score[0])).toBe(true);
    const cold = etsDetector.fit(input(values.slice(0, 24 * 4), HOUR, 0));
    expect(Number.isNaN(etsDetector.score(cold, next).score[0])).toBe(true);
  });
});
