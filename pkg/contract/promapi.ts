/**
 * The envelope of the Prometheus-compatible read API (`/api/v1/...`), as the Prometheus HTTP API defines it:
 * `{ status: "success", data }` or `{ status: "error", errorType, error }`. `data` is the Prometheus shape of each
 * endpoint (vector, matrix, label names...).
 */
import { Type } from '@sinclair/typebox';
import { StringEnum } from './common';

export const PromResponse = Type.Object(
  {
    status: StringEnum(['success', 'error']),
    data: Type.Optional(Type.Unknown({ description: "the endpoint's Prometheus data" })),
    errorType: Type.Optional(Type.String()),
    error: Type.Optional(Type.String()),
  },
  { additionalProperties: true }
);
