import { timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';

/**
 * An `onRequest` hook that lets a request through only with `Authorization: Bearer <token>` (compared in constant
 * time); `/api/health` (and its `/live` and `/ready` probes) need none. Refusals are 401 with `WWW-Authenticate`, in the Prometheus API's error shape
 * under `/api/v1/` and in the engine's elsewhere.
 */
export function bearerAuth(token: string) {
  const expected = Buffer.from(token);
  return async (req: FastifyRequest, reply: FastifyReply) => {
    const url = req.url.split('?')[0];
    if (url === '/api/health' || url === '/api/health/live' || url === '/api/health/ready') return;
    const h = req.headers.authorization ?? '';
    const m = /^Bearer\s+(.+)$/i.exec(h);
    const given = m ? Buffer.from(m[1].trim()) : Buffer.alloc(0);
    if (!m || given.length !== expected.length || !timingSafeEqual(given, expected)) {
      const error = {
        code: 'unauthorized',
        message: m
          ? 'the bearer token is not valid for this Vigil engine'
          : 'missing "Authorization: Bearer <token>" header; every route but /api/health needs the engine token (VIGIL_API_TOKEN)',
      };
      reply.header('WWW-Authenticate', 'Bearer realm="vigil"');
      if (url.startsWith('/api/v1/')) {
        return reply.code(401).send({ status: 'error', errorType: 'unauthorized', error: error.message });
      }
      return reply.code(401).send({ error });
    }
  };
}
