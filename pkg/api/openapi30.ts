/**
 * The route schemas are JSON Schema draft 7 (TypeBox), the API document is OpenAPI 3.0.3, whose Schema Object is
 * an older dialect: rewrite the few keywords that differ so schema-driven tools (validators, clients, fuzzers)
 * read the document as the routes validate requests.
 *
 * - `exclusiveMinimum: n` / `exclusiveMaximum: n` (numbers since draft 6) become `minimum: n` /
 *   `maximum: n` with `exclusiveMinimum: true` / `exclusiveMaximum: true` (OpenAPI 3.0 booleans);
 * - `const: v` becomes `enum: [v]`;
 * - `{ type: 'null' }` in an `anyOf`/`oneOf` becomes `nullable: true` on the schema.
 *
 * Source: OpenAPI Specification 3.0.3, "Schema Object"; JSON Schema draft 7, "Validation" 6.2.3-6.2.5.
 */

type Json = unknown;

/** A copy of `doc` in which every schema uses OpenAPI 3.0's keywords (see above); `doc` is not changed. */
export function toOpenApi30Schemas<T>(doc: T): T {
  return rewrite(doc) as T;
}

function rewrite(node: Json): Json {
  if (Array.isArray(node)) return node.map(rewrite);
  if (node === null || typeof node !== 'object') return node;
  const out: Record<string, Json> = {};
  for (const [k, v] of Object.entries(node)) out[k] = rewrite(v);
  for (const [excl, bound] of [
    ['exclusiveMinimum', 'minimum'],
    ['exclusiveMaximum', 'maximum'],
  ] as const) {
    const n = out[excl];
    if (typeof n !== 'number') continue;
    const given = out[bound];
    const tighter =
      bound === 'minimum' ? typeof given !== 'number' || n >= given : typeof given !== 'number' || n <= given;
    if (tighter) {
      out[bound] = n;
      out[excl] = true;
    } else delete out[excl];
  }
  if ('const' in out) {
    out.enum = [out.const];
    delete out.const;
  }
  for (const key of ['anyOf', 'oneOf'] as const) {
    const alts = out[key];
    if (!Array.isArray(alts)) continue;
    const isNull = (s: Json) => typeof s === 'object' && s !== null && (s as { type?: unknown }).type === 'null';
    if (!alts.some(isNull)) continue;
    const rest = alts.filter((s) => !isNull(s));
    out.nullable = true;
    if (rest.length === 1) {
      delete out[key];
      Object.assign(out, rest[0] as object, { nullable: true });
    } else out[key] = rest;
  }
  return out;
}
