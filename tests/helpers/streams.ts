import { decodeState, encodeState } from '../../pkg/core/stateCodec';
import { emptyPoint, scoreSeries, type DetectorInput, type DetectorOutput } from '../../pkg/detectors/types';
import type { AnyDetector } from '../../pkg/detectors/registry';

/** A regular input from values (NaN for missing), spaced `intervalMs` from `t0`. */
export function regularInput(values: ArrayLike<number>, intervalMs = 60_000, t0 = Date.UTC(2024, 0, 1)): DetectorInput {
  return {
    timestamps: Float64Array.from({ length: values.length }, (_, i) => t0 + i * intervalMs),
    values: Float64Array.from(values),
    intervalMs,
  };
}

/** A seeded uniform generator in [0, 1) (a linear congruential generator; tests only). */
export function lcg(seed: number): () => number {
  let s = seed;
  return () => (s = (s * 1103515245 + 12345) % 2147483648) / 2147483648;
}

/** Run a detector over the first `split` points, serialise and restore its state, and continue over the rest. */
export function scoreAcrossRestart(
  detector: AnyDetector,
  params: Record<string, unknown>,
  input: DetectorInput,
  split: number
): DetectorOutput {
  const n = input.values.length;
  const out: DetectorOutput = {
    score: new Float64Array(n),
    expected: new Float64Array(n),
    lower: new Float64Array(n),
    upper: new Float64Array(n),
  };
  let state = detector.init(params, { intervalMs: input.intervalMs });
  const p = emptyPoint();
  for (let i = 0; i < n; i++) {
    if (i === split) state = decodeState(encodeState(state));
    p.score = p.expected = p.lower = p.upper = NaN;
    detector.update(state, input.timestamps[i], input.values[i], p);
    out.score[i] = p.score;
    out.expected[i] = p.expected;
    out.lower[i] = p.lower;
    out.upper[i] = p.upper;
  }
  return out;
}

/** Batch scoring (the online form run over the series). */
export function score(detector: AnyDetector, params: Record<string, unknown>, input: DetectorInput): DetectorOutput {
  return scoreSeries(detector, params, input);
}
