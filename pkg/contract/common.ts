/**
 * Building blocks of the wire contract: label sets, epoch-millisecond times, nullable numbers. TypeBox schemas are
 * JSON Schema documents (fastify validates with them, the OpenAPI document is generated from them) whose
 * `Static<typeof X>` is the TypeScript type both the engine and the Grafana plugin use.
 */
import { Type, type SchemaOptions, type Static, type TSchema } from '@sinclair/typebox';

/** A series' labels: name -> value, e.g. `{ __name__: "cpu", host: "a" }`. */
export const Labels = Type.Record(Type.String(), Type.String(), { description: 'label name -> value' });
export type Labels = Static<typeof Labels>;

/** A time in epoch milliseconds. */
export const EpochMs = Type.Number({ description: 'epoch milliseconds' });

/** A number that is null where there is no value (a gap, a point without a band). */
export const NullableNumber = Type.Union([Type.Number(), Type.Null()]);

/**
 * A number that the engine holds as a number (NaN when unknown) and that travels as null when it is not finite,
 * as JSON.stringify writes NaN.
 */
export const WireNumber = Type.Unsafe<number>({ type: ['number', 'null'] });

/** `schema` or null. */
export function Nullable<T extends TSchema>(schema: T) {
  return Type.Union([schema, Type.Null()]);
}

/** One of `values` (a JSON Schema `enum`); its type is the union of the values. */
export function StringEnum<const T extends readonly string[]>(values: T, options: SchemaOptions = {}) {
  return Type.Unsafe<T[number]>({ ...options, enum: [...values] });
}
