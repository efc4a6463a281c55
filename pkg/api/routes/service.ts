import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { RouteOptions } from '../services';

/** `/metrics` (Prometheus exposition) and `/api/openapi.json`. */
export const serviceRoutes: FastifyPluginAsyncTypebox<RouteOptions> = async (app, { services: s }) => {
  app.get(
    '/metrics',
    {
      schema: {
        tags: ['service'],
        summary: 'Prometheus exposition: engine metrics and newest result values',
        produces: ['text/plain'],
        response: { 200: Type.String({ description: 'Prometheus text exposition format 0.0.4' }) },
      },
    },
    async (_req, reply) => reply.header('Content-Type', s.metrics.contentType).send(await s.metrics.text())
  );
  app.get(
    '/api/openapi.json',
    {
      schema: {
        tags: ['service'],
        summary: 'This OpenAPI document',
        hide: true,
        response: { 200: Type.Object({}, { additionalProperties: true }) },
      },
    },
    async () => app.swagger() as Record<string, unknown>
  );
};
