/**
 * The streaming contract every registered detector keeps: batch scoring is the online form run over the series, a
 * state serialised and restored mid-stream continues exactly (a restart changes nothing), the input is never
 * mutated, runs are deterministic, missing points are not scored, and bad parameters are refused by name.
 */
import { ParameterError } from '../core/errors';
import { lcg, regularInput, score, scoreAcrossRestart } from '../../tests/helpers/streams';
import { DETECTORS } from './registry';

/** Cheap schedules for the detectors with heavy fits, so the contract runs in seconds. */
const PARAMS: Record<string, Record<string, unknown>> = {
  prophet: { window: 200, refitEvery: 100 },
  ets: { window: 120, refitEvery: 60, minHistory: 30 },
  seasonal: { window: 200, refitEvery: 100, periods: [24] },
  isolationForest: { trees: 20, refitHistory: 200, refitEvery: 100 },
  oneClassSvm: { maxTrain: 100, refitHistory: 200, refitEvery: 100 },
  kmeans: { refitHistory: 200, refitEvery: 100 },
  ksDrift: { reference: 100, window: 30, minPoints: 20 },
  baseline: { trainPoints: 100 },
};

// LSTM trains in a worker thread: its own test covers it (pkg/detectors/lstm.test.ts)
const names = Object.keys(DETECTORS).filter((n) => n !== 'lstm');

function signal(n: number): number[] {
  const rnd = lcg(11);
  return Array.from(
    { length: n },
    (_, i) => 50 + 10 * Math.sin((2 * Math.PI * i) / 24) + rnd() * 3 + (i === 300 ? 60 : 0)
  );
}

describe.each(names)('%s streams', (name) => {
  const detector = DETECTORS[name];
  const params = PARAMS[name] ?? {};
  const values = signal(360);
  values[100] = NaN;
  const input = regularInput(values, 3_600_000);

  test('a restart mid-stream changes nothing, runs are deterministic and the input is untouched', () => {
    const copy = Float64Array.from(input.values);
    const once = score(detector, params, input);
    const again = score(detector, params, input);
    const restarted = scoreAcrossRestart(detector, params, input, 250);
    expect(Array.from(input.values)).toEqual(Array.from(copy));
    for (const key of ['score', 'expected', 'lower', 'upper'] as const) {
      expect(Array.from(again[key])).toEqual(Array.from(once[key]));
      expect(Array.from(restarted[key])).toEqual(Array.from(once[key]));
    }
    expect(once.score[100]).toBeNaN();
    expect(Array.from(once.score).some((x) => Number.isFinite(x))).toBe(true);
  });

  test('refuses an unknown-valued parameter by name', () => {
    const [key] = Object.keys(detector.defaults).filter((k) => typeof detector.defaults[k] === 'number');
    expect(() => detector.init({ [key]: -1 }, { intervalMs: 60_000 })).toThrow(ParameterError);
    expect(() => detector.init({ [key]: -1 }, { intervalMs: 60_000 })).toThrow(new RegExp(key));
  });
});
