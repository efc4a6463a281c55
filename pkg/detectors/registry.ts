import { ParameterError } from '../core/errors';
import { baseline } from './baseline';
import { ets } from './ets';
import { iqr } from './iqr';
import { isolationForestDetector } from './isolationForest';
import { kmeansDetector } from './kmeans';
import { ksDrift } from './ksDrift';
import { lstm } from './lstm';
import { mad } from './mad';
import { novelty } from './novelty';
import { oneClassSvm } from './ocsvm';
import { prophet } from './prophet';
import { seasonal } from './seasonal';
import { spike } from './spike';
import type { Detector } from './types';
import { zscore } from './zscore';

/** A detector of any parameter and model type (the registry's element type). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyDetector = Detector<any, any>;

/** Every detector Vigil ships, by name. Add a detector with one line here. */
export const DETECTORS: Record<string, AnyDetector> = {
  zscore,
  mad,
  iqr,
  spike,
  seasonal,
  novelty,
  isolationForest: isolationForestDetector,
  oneClassSvm,
  kmeans: kmeansDetector,
  baseline,
  ksDrift,
  prophet,
  ets,
  lstm,
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
