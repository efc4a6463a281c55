import { InputError } from '../../core/errors';
import { normalizeScore, nullScore, perfectScore } from './normalize';
import { optimizeThreshold } from './optimize';
import { sweepFile } from './sweep';
import { scoreAtThreshold } from './thresholdScores';
import type { Profiles, ThresholdScore, WindowLimits } from './types';

/** One file's detector output: row timestamps (epoch ms) and anomaly scores (0-1). */
export interface ScoredFile {
  timestamps: Float64Array;
  anomalyScores: Float64Array;
}

/** A corpus result for one profile. */
export interface ProfileResult {
  /** threshold chosen for the whole corpus (or the fixed one given) */
  threshold: number;
  /** raw corpus score at that threshold, and its row counts */
  corpus: ThresholdScore;
  nullScore: number;
  perfectScore: number;
  /** 0-100 normalised score */
  normalized: number;
  /** each file's score at the corpus threshold, by relative path */
  files: Record<string, ThresholdScore>;
}

/**
 * Score a corpus the way NAB v1.1 does for every profile: one threshold per profile, optimised over the
 * whole corpus (or `thresholds[profile]` when given), per-file scores at that threshold, and the score
 * normalised against the null and perfect detectors.
 *
 * @param results detector output per relative data path (`<category>/<file>.csv`)
 * @param labels windows per relative data path; every result needs an entry (possibly empty)
 * @throws InputError for a result without labels, or any error of `sweepFile`
 */
export function scoreCorpus(
  results: Map<string, ScoredFile>,
  labels: Map<string, WindowLimits[]>,
  profiles: Profiles,
  thresholds: Record<string, number> = {}
): Record<string, ProfileResult> {
  const out: Record<string, ProfileResult> = {};
  const names = [...results.keys()].sort();
  let windowCount = 0;
  for (const name of names) {
    const w = labels.get(name);
    if (!w) throw new InputError(`no labels for "${name}"`);
    windowCount += w.length;
  }
  for (const [profile, { CostMatrix: cost }] of Object.entries(profiles)) {
    const rows = names.map((name) => {
      const r = results.get(name) as ScoredFile;
      return sweepFile(r.timestamps, r.anomalyScores, labels.get(name) as WindowLimits[], cost, { file: name });
    });
    const fixed = thresholds[profile];
    const corpus = fixed === undefined ? optimizeThreshold(rows, cost) : scoreAtThreshold(rows, fixed, cost);
    const threshold = fixed ?? corpus.threshold;
    const files: Record<string, ThresholdScore> = {};
    names.forEach((name, k) => (files[name] = scoreAtThreshold(rows[k], threshold, cost)));
    const nul = nullScore(rows, cost);
    const perfect = perfectScore(windowCount, cost);
    out[profile] = {
      threshold,
      corpus,
      nullScore: nul,
      perfectScore: perfect,
      normalized: normalizeScore(corpus.score, nul, perfect),
      files,
    };
  }
  return out;
}
