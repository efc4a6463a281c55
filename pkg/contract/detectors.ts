import catalog from './detectors.json';

/** A detector the engine ships, as the plugin offers it. */
export interface DetectorInfo {
  /** the name used in queries, jobs and explanations, e.g. `zscore` */
  name: string;
  family: 'novelty' | 'statistical' | 'seasonal' | 'forecast' | 'multivariate' | 'drift';
  description: string;
  /** the default ensemble runs it when a query or job names no detectors */
  default: boolean;
}

/**
 * Every detector of the engine's registry (`pkg/detectors/registry.ts`), in its order. Generated into
 * `detectors.json` by `npx tsx pkg/codegen/detectorCatalog.ts`; a unit test keeps it current.
 */
export const DETECTOR_CATALOG = catalog as DetectorInfo[];
