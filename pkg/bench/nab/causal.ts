import { probit } from 'simple-statistics';
import { ParameterError } from '../../core/errors';
import { getDetector } from '../../detectors/registry';
import type { SeasonalModel } from '../../detectors/seasonal';
import type { DetectorInput } from '../../detectors/types';
import { combineScores } from '../../ensemble/ensemble';
import type { EnsembleModel } from '../../ensemble/types';
import { mstlForecast } from '../../forecast/ets';

/** How non-causal detectors are scored in streaming (see `causalRawScores`). */
export interface StreamingOptions {
  /** points scored per refit of a non-causal detector (default 96) */
  chunk: number;
  /** most points of history a non-causal detector refits on (default 1000) */
  history: number;
}

export const DEFAULT_STREAMING: StreamingOptions = { chunk: 96, history: 1000 };

/**
 * Raw scores of one fitted detector such that the score of row t depends only on rows <= t.
 *
 * Causal detectors (`detector.causal`) are scored once over the whole input. The seasonal detector (MSTL,
 * not causal: its in-sample decomposition sees the whole input) is refitted in chunks of `chunk` rows on the
 * `history` rows before each chunk only, and each chunk row is scored against MSTL's out-of-sample forecast
 * and band: raw score = |x - forecast| / band sd, the seasonal detector's own score, without look-ahead.
 * Rows before `start` (the training rows) are left NaN for it.
 *
 * @throws ParameterError for another non-causal detector (no honest streaming scheme for it)
 */
export function causalRawScores(
  name: string,
  model: unknown,
  input: DetectorInput,
  start: number,
  options: StreamingOptions = DEFAULT_STREAMING
): Float64Array {
  const detector = getDetector(name);
  if (detector.causal) return detector.score(model, input).score;
  if (name !== 'seasonal') {
    throw new ParameterError(`detector "${name}" is not causal and has no honest streaming scheme in the benchmark`);
  }
  const m = model as SeasonalModel;
  const n = input.values.length;
  const out = new Float64Array(n).fill(NaN);
  if (m.periods.length === 0) return out;
  const longest = Math.max(...m.periods);
  const z = probit(0.5 + m.params.level / 2);
  const history = Math.max(options.history, 2 * longest);
  for (let a = Math.max(start, 2 * longest); a < n; a += options.chunk) {
    const b = Math.min(n, a + options.chunk);
    const past = input.values.subarray(Math.max(0, a - history), a);
    let band;
    try {
      band = mstlForecast(past, m.periods, b - a, m.params.level);
    } catch {
      continue; // history MSTL cannot fit (e.g. too many gaps): the detector abstains on this chunk
    }
    for (let i = a; i < b; i++) {
      const x = input.values[i];
      const e = band.mean[i - a];
      const sd = (band.upper[i - a] - band.lower[i - a]) / (2 * z);
      if (!Number.isNaN(x) && Number.isFinite(e) && sd > 0) out[i] = Math.abs(x - e) / sd;
    }
  }
  return out;
}

/** Streaming ensemble output: the 0-100 anomaly score, each detector's 0-100 score, and the vote decision. */
export interface StreamingScores {
  score: Float64Array;
  contributions: Record<string, Float64Array>;
  anomalous: Uint8Array;
}

/**
 * Combine members' raw scores exactly as `scoreEnsemble(model, input, { calibration: 'online' })` does
 * (online tail-probability calibration, 0-100 scores, weight-averaged over the detectors that judged the
 * point, vote rule and threshold), for raw scores computed outside it (see `causalRawScores`).
 *
 * @param raws raw scores per member, in `model.members` order, each the series' length
 */
export function combineOnline(model: EnsembleModel, raws: Float64Array[]): StreamingScores {
  const n = raws.length ? raws[0].length : 0;
  const nan = new Float64Array(n).fill(NaN);
  const input = { timestamps: new Float64Array(n), values: nan, intervalMs: 1 };
  const outputs = raws.map((score) => ({ score, expected: nan, lower: nan, upper: nan }));
  const { score, contributions, anomalous } = combineScores(model, input, outputs, { calibration: 'online' });
  return { score, contributions, anomalous };
}
