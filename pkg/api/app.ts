import Fastify, { type FastifyInstance } from 'fastify';
import formbody from '@fastify/formbody';
import swagger from '@fastify/swagger';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { promApiRoutes } from '../promapi/routes';
import { bearerAuth } from './auth';
import { errorHandler, notFoundHandler } from './errors';
import { toOpenApi30Schemas } from './openapi30';
import { detectRoutes } from './routes/detect';
import { driftRoutes } from './routes/drift';
import { outlierRoutes } from './routes/outliers';
import { feedbackRoutes } from './routes/feedback';
import { forecastRoutes } from './routes/forecast';
import { healthRoutes } from './routes/health';
import { incidentRoutes } from './routes/incidents';
import { jobResultRoutes } from './routes/jobResults';
import { jobRoutes } from './routes/jobs';
import { jobExportRoutes } from './routes/jobsExport';
import { legacyRoutes } from './routes/legacy';
import { logRoutes } from './routes/logs';
import { serviceRoutes } from './routes/service';
import { resolveServices, type AppDeps } from './services';

export type { AppDeps, Services } from './services';

/**
 * Build the fastify app without listening: bearer auth, the one error handler, the OpenAPI document, and one
 * plugin per route group (each typed by the contract in `pkg/contract/`). Tests call `app.inject`.
 */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const services = resolveServices(deps);
  const app = Fastify({
    logger: deps.logger ?? false,
    bodyLimit: services.limits.bodyBytes,
    ajv: { customOptions: { allErrors: false, coerceTypes: true, removeAdditional: false, useDefaults: true } },
  }).withTypeProvider<TypeBoxTypeProvider>();
  await app.register(formbody);
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'Vigil engine API',
        version: services.version,
        description:
          'Anomaly detection for Grafana: ad-hoc detection, jobs, feedback, forecasts, drift, incidents, notifications and reports, and a Prometheus-compatible read API over the results. Every route but /api/health needs `Authorization: Bearer <token>`.',
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
    // the route schemas are JSON Schema draft 7; the document speaks OpenAPI 3.0's dialect
    transformObject: (d) => ('openapiObject' in d ? toOpenApi30Schemas(d.openapiObject) : d.swaggerObject),
  });
  app.addHook('onRequest', bearerAuth(services.apiToken));
  app.setErrorHandler(errorHandler);
  app.setNotFoundHandler(notFoundHandler);
  // the worker threads created here end with the app (a pool given in `deps` belongs to the caller)
  if (!deps.pool) app.addHook('onClose', async () => services.pool.close());
  if (deps.warmPool) app.addHook('onReady', async () => void services.pool.warm());
  // handlers take the event loop in short turns, so a busy engine still accepts connections (see LoopShare); health
  // probes answer at once
  app.addHook('preHandler', async (req) => {
    if (!req.routeOptions.url?.startsWith('/api/health')) await services.loopShare.turn();
  });

  const options = { services };
  await app.register(healthRoutes, options);
  await app.register(detectRoutes, options);
  await app.register(outlierRoutes, options);
  await app.register(jobRoutes, options);
  await app.register(jobExportRoutes, options);
  await app.register(jobResultRoutes, options);
  await app.register(feedbackRoutes, options);
  await app.register(forecastRoutes, options);
  await app.register(incidentRoutes, options);
  await app.register(legacyRoutes, options);
  await app.register(logRoutes, options);
  await app.register(promApiRoutes, {
    repo: services.repo,
    now: () => services.clock.now(),
    version: services.version,
  });
  await app.register(serviceRoutes, options);
  await app.register(driftRoutes, options);
  return app;
}
