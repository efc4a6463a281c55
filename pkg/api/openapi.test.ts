import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { openApiDocument } from './openapi';

const committed = () => JSON.parse(readFileSync(path.join(__dirname, '..', '..', 'docs', 'openapi.json'), 'utf8'));

/**
 * swagger-parser's verdict on a document: "valid" or its validation errors. It runs in a child Node process
 * because its parser is an ES module, which this test runner cannot load.
 */
function validate(doc: unknown): string {
  const script =
    "const SwaggerParser = require('@apidevtools/swagger-parser');" +
    "let text = ''; process.stdin.on('data', (d) => (text += d)).on('end', () =>" +
    ' SwaggerParser.validate(JSON.parse(text)).then(() => console.log("valid"), (e) => console.log(e.message)));';
  return execFileSync(process.execPath, ['-e', script], {
    input: JSON.stringify(doc),
    cwd: path.join(__dirname, '..', '..'),
    encoding: 'utf8',
  }).trim();
}

describe('docs/openapi.json', () => {
  it('is the document generated from the current route schemas (regenerate: npx tsx pkg/api/openapi.ts)', async () => {
    expect(committed()).toEqual(await openApiDocument());
  });

  it('is a valid OpenAPI 3.0 document (checked by swagger-parser against the OpenAPI schema)', () => {
    const doc = committed();
    expect(doc.openapi).toBe('3.0.3');
    expect(Object.keys(doc.paths).length).toBeGreaterThan(30);
    expect(validate(doc)).toBe('valid');
  }, 60_000);

  it('would be refused with a draft 7 bound left in it (the validator does check schemas)', () => {
    const doc = committed();
    doc.paths['/api/detect'].post.requestBody.content['application/json'].schema.properties.from.exclusiveMinimum = 0;
    expect(validate(doc)).toMatch(/exclusiveMinimum must be boolean/);
  }, 60_000);
});
