import { ParameterError } from '../core/errors';
import { baselineDetector } from './baseline';
import { contextualDetector } from './contextual';
import { etsDetector } from './ets';
import { iqrDetector } from './iqr';
import { isolationForestDetector } from './isolationForest';
import { kmeansDetector } from './kmeans';
import { ksDriftDetector } from './ksDrift';
import { levelDetector } from './level';
import { lstmDetector } from './lstm';
import { madDetector } from './mad';
import { noveltyDetector } from './novelty';
import { oneClassSvmDetector } from './oneClassSvm';
import { prophetDetector } from './prophet';
import { seasonalDetector } from './seasonal';
import { spikeDetector } from './spike';
import type { Detector } from './types';
import { volatilityDetector } from './volatility';
import { zscoreDetector } from './zscore';

/** A detector of any parameter and state type (the registry's element type). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyDetector = Detector<any, any>;

/** Every detector Vigil ships, by name (each exported as `<name>Detector`). Add a detector with one line here. */
export const DETECTORS: Record<string, AnyDetector> = {
  contextual: contextualDetector,
  novelty: noveltyDetector,
  level: levelDetector,
  volatility: volatilityDetector,
  zscore: zscoreDetector,
  mad: madDetector,
  iqr: iqrDetector,
  spike: spikeDetector,
  seasonal: seasonalDetector,
  prophet: prophetDetector,
  ets: etsDetector,
  lstm: lstmDetector,
  isolationForest: isolationForestDetector,
  oneClassSvm: oneClassSvmDetector,
  kmeans: kmeansDetector,
  baseline: baselineDetector,
  ksDrift: ksDriftDetector,
};

/**
 * Detectors the ensemble runs when none are chosen: contextual anomalies (`contextual`, first: its band is the one
 * shown when it has one), new values (`novelty`), new levels (`level`) and new spreads (`volatility`); see
 * `DEFAULT_ENSEMBLE` for their weights.
 */
export const DEFAULT_DETECTORS: string[] = ['contextual', 'novelty', 'level', 'volatility'];

/**
 * Look up a detector by name.
 * @throws ParameterError naming the unknown detector and listing the known ones
 */
export function getDetector(name: string): AnyDetector {
  const d = Object.prototype.hasOwnProperty.call(DETECTORS, name) ? DETECTORS[name] : undefined;
  if (!d) throw new ParameterError(`unknown detector "${name}"; known detectors: ${Object.keys(DETECTORS).join(', ')}`);
  return d;
}
