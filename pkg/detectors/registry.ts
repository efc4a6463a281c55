import { ParameterError } from '../core/errors';
import { baselineDetector } from './baseline';
import { etsDetector } from './ets';
import { iqrDetector } from './iqr';
import { isolationForestDetector } from './isolationForest';
import { kmeansDetector } from './kmeans';
import { ksDriftDetector } from './ksDrift';
import { lstmDetector } from './lstm';
import { madDetector } from './mad';
import { noveltyDetector } from './novelty';
import { oneClassSvmDetector } from './oneClassSvm';
import { prophetDetector } from './prophet';
import { seasonalDetector } from './seasonal';
import { spikeDetector } from './spike';
import type { Detector } from './types';
import { zscoreDetector } from './zscore';

/** A detector of any parameter and model type (the registry's element type). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyDetector = Detector<any, any>;

/** Every detector Vigil ships, by name. Add a detector with one line here. */
export const DETECTORS: Record<string, AnyDetector> = {
  zscore: zscoreDetector,
  mad: madDetector,
  iqr: iqrDetector,
  spike: spikeDetector,
  seasonal: seasonalDetector,
  novelty: noveltyDetector,
  isolationForest: isolationForestDetector,
  oneClassSvm: oneClassSvmDetector,
  kmeans: kmeansDetector,
  baseline: baselineDetector,
  ksDrift: ksDriftDetector,
  prophet: prophetDetector,
  ets: etsDetector,
  lstm: lstmDetector,
};

/** Detectors the ensemble runs when none are chosen. */
export const DEFAULT_DETECTORS: string[] = ['zscore', 'mad', 'iqr', 'spike', 'seasonal'];

/**
 * Look up a detector by name.
 * @throws ParameterError naming the unknown detector and listing the known ones
 */
export function getDetector(name: string): AnyDetector {
  const d = Object.prototype.hasOwnProperty.call(DETECTORS, name) ? DETECTORS[name] : undefined;
  if (!d) throw new ParameterError(`unknown detector "${name}"; known detectors: ${Object.keys(DETECTORS).join(', ')}`);
  return d;
}
