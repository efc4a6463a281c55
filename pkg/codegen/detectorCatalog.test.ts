import { readFileSync } from 'node:fs';
import { CATALOG_FILE, detectorCatalogText } from './detectorCatalog';
import { DETECTOR_CATALOG } from '../contract/detectors';
import { DEFAULT_DETECTORS, DETECTORS } from '../detectors/registry';

describe('pkg/contract/detectors.json', () => {
  it('is the catalogue generated from the registry (regenerate: npx tsx pkg/codegen/detectorCatalog.ts)', () => {
    expect(readFileSync(CATALOG_FILE, 'utf8')).toBe(detectorCatalogText());
    expect(DETECTOR_CATALOG.map((d) => d.name)).toEqual(Object.keys(DETECTORS));
    expect(DETECTOR_CATALOG.filter((d) => d.default).map((d) => d.name)).toEqual(DEFAULT_DETECTORS);
  });
});
