import { toOpenApi30Schemas } from './openapi30';

describe('toOpenApi30Schemas', () => {
  it("rewrites draft 7's numeric exclusive bounds, const and null alternatives as OpenAPI 3.0 says them", () => {
    const doc = {
      openapi: '3.0.3',
      schema: {
        properties: {
          p: { type: 'number', exclusiveMinimum: 0, exclusiveMaximum: 100 },
          q: { type: 'number', minimum: 5, exclusiveMinimum: 0 },
          k: { const: 'prometheus' },
          v: { anyOf: [{ type: 'number' }, { type: 'null' }] },
          w: { anyOf: [{ type: 'number' }, { type: 'string' }, { type: 'null' }] },
        },
      },
    };
    const before = structuredClone(doc);
    expect(toOpenApi30Schemas(doc).schema.properties).toEqual({
      p: { type: 'number', minimum: 0, exclusiveMinimum: true, maximum: 100, exclusiveMaximum: true },
      q: { type: 'number', minimum: 5 },
      k: { enum: ['prometheus'] },
      v: { type: 'number', nullable: true },
      w: { anyOf: [{ type: 'number' }, { type: 'string' }], nullable: true },
    });
    expect(doc).toEqual(before);
  });
});
