/**
 * Writes `pkg/contract/detectors.json`, the detector catalogue the Grafana plugin offers (name, family,
 * description, whether the default ensemble runs it), from the registry, so the plugin never keeps its own list.
 * Regenerate after changing a detector or the default set: `npx tsx pkg/codegen/detectorCatalog.ts` (a unit test
 * checks the file is current).
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { DetectorInfo } from '../contract/detectors';
import { DEFAULT_DETECTORS, DETECTORS } from '../detectors/registry';

/** The catalogue of the current registry, in its order. */
export function detectorCatalog(): DetectorInfo[] {
  return Object.values(DETECTORS).map((d) => ({
    name: d.name,
    family: d.family,
    description: d.description,
    default: DEFAULT_DETECTORS.includes(d.name),
  }));
}

/** The text of `pkg/contract/detectors.json` (as prettier formats JSON). */
export function detectorCatalogText(): string {
  return `${JSON.stringify(detectorCatalog(), null, 2)}\n`;
}

/** Where the catalogue lives. */
export const CATALOG_FILE = path.join(__dirname, '..', 'contract', 'detectors.json');

if (require.main === module) {
  writeFileSync(CATALOG_FILE, detectorCatalogText());
  console.log(`wrote ${path.relative(process.cwd(), CATALOG_FILE)}`);
}
