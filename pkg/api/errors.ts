import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { ErrorBody } from '../contract/api';
import { InputError, ParameterError, SourceError } from '../core/errors';
import { scrubSecrets } from '../core/scrub';
import { PoolBusyError } from '../pool/pool';
import { ANSWER_TOO_LARGE } from '../sources/http';

/** An HTTP error with a machine code, rendered as `{ error: { code, message } }`. */
export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string
  ) {
    super(message);
  }
}

/** The error answers a route declares beside its success answer. */
export const errorResponses = { 400: ErrorBody, 401: ErrorBody, 404: ErrorBody, 502: ErrorBody };

/** The error answers of a route that runs detection or forecasts: also 429 when the worker pool's queue is full. */
export const detectionErrorResponses = { ...errorResponses, 429: ErrorBody };

/**
 * The one error handler: validation and input errors are 400, unknown ids 404, a source that is down 502 (504 on
 * a timeout), a query the source refused 400 `invalid_query`, a source answer over the size limit 400
 * `source_answer_too_large`, a full detection queue 429 `busy` with `Retry-After` (seconds), anything else 500;
 * always `{ error: { code, message } }`, the message scrubbed of credentials and tokens.
 */
export function errorHandler(err: FastifyError | Error, req: FastifyRequest, reply: FastifyReply) {
  const e = err as FastifyError & { validation?: unknown };
  if (e.validation) return reply.code(400).send({ error: { code: 'bad_request', message: scrubSecrets(e.message) } });
  if (err instanceof HttpError) {
    return reply.code(err.statusCode).send({ error: { code: err.code, message: scrubSecrets(err.message) } });
  }
  if (err instanceof InputError)
    return reply.code(400).send({ error: { code: 'invalid_input', message: scrubSecrets(err.message) } });
  if (err instanceof ParameterError) {
    return reply.code(400).send({ error: { code: 'invalid_parameter', message: scrubSecrets(err.message) } });
  }
  if (err instanceof PoolBusyError) {
    return reply
      .code(429)
      .header('retry-after', String(err.retryAfterSeconds))
      .send({ error: { code: 'busy', message: scrubSecrets(err.message) } });
  }
  if (err instanceof SourceError) {
    if (err.status === ANSWER_TOO_LARGE) {
      return reply.code(400).send({ error: { code: 'source_answer_too_large', message: scrubSecrets(err.message) } });
    }
    // the source refused the query itself (PromQL bad_data, ES parsing_exception): the caller's mistake
    if (err.status === 400)
      return reply.code(400).send({ error: { code: 'invalid_query', message: scrubSecrets(err.message) } });
    const timeout = /timed? ?out/i.test(err.message);
    return reply
      .code(timeout ? 504 : 502)
      .send({ error: { code: timeout ? 'source_timeout' : 'source_error', message: scrubSecrets(err.message) } });
  }
  if (typeof e.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) {
    return reply
      .code(e.statusCode)
      .send({ error: { code: e.code ?? 'bad_request', message: scrubSecrets(err.message) } });
  }
  req.log.error({ err }, 'request failed');
  return reply.code(500).send({ error: { code: 'internal', message: scrubSecrets(`internal error: ${err.message}`) } });
}

/** 404 for a route that does not exist, in the same error shape. */
export function notFoundHandler(req: FastifyRequest, reply: FastifyReply) {
  return reply
    .code(404)
    .send({ error: { code: 'not_found', message: `no route ${req.method} ${req.url.split('?')[0]}` } });
}
