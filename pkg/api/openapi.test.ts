import { readFileSync } from 'node:fs';
import path from 'node:path';
import { openApiDocument } from './openapi';

describe('docs/openapi.json', () => {
  it('is the document generated from the current route schemas (regenerate: npx tsx pkg/api/openapi.ts)', async () => {
    const committed = readFileSync(path.join(__dirname, '..', '..', 'docs', 'openapi.json'), 'utf8');
    expect(JSON.parse(committed)).toEqual(await openApiDocument());
  });
});
