import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { HealthResponse, ProbeResponse } from '../../contract/api';
import { scrubbedMessage } from '../../core/scrub';
import type { SourceHealthState } from '../health';
import type { RouteOptions, Services } from '../services';

/** Whether the store answers; never throws. */
async function storeState(s: Services): Promise<{ ok: boolean; error?: string }> {
  try {
    await s.repo.store.check();
    return { ok: true };
  } catch (err) {
    return { ok: false, error: scrubbedMessage(err) };
  }
}

/**
 * Health (no token needed), answered from state in memory so that a probe never waits on a source or on
 * detection (which runs in worker threads):
 * - `GET /api/health/live`: liveness, 200 whenever the process answers (restart it when this fails);
 * - `GET /api/health/ready`: readiness, 200 when the store answers, else 503 with the store's error (send it no
 *   traffic meanwhile);
 * - `GET /api/health`: the status report: `ok` or `degraded` (the store, a source or a job failing), the
 *   detection pool's load, version and job counts.
 */
export const healthRoutes: FastifyPluginAsyncTypebox<RouteOptions> = async (app, { services: s }) => {
  app.get(
    '/api/health/live',
    {
      schema: {
        tags: ['service'],
        summary: 'Liveness: 200 whenever the engine answers (no token needed)',
        security: [],
        response: { 200: ProbeResponse },
      },
    },
    async () => ({ status: 'live' as const })
  );
  app.get(
    '/api/health/ready',
    {
      schema: {
        tags: ['service'],
        summary: 'Readiness: 200 when the store answers, else 503 (no token needed)',
        security: [],
        response: { 200: ProbeResponse, 503: ProbeResponse },
      },
    },
    async (_req, reply) => {
      const store = await storeState(s);
      return reply.code(store.ok ? 200 : 503).send({ status: store.ok ? 'ready' : 'unready', store });
    }
  );
  app.get(
    '/api/health',
    {
      schema: {
        tags: ['service'],
        summary: 'Status, version, store and source reachability, detection load (no token needed)',
        security: [],
        response: { 200: HealthResponse },
      },
    },
    async () => {
      const now = s.clock.now();
      const store = await storeState(s);
      const seenByJobs = s.scheduler?.sources() ?? {};
      const sources: Record<string, SourceHealthState> = {};
      await Promise.all(
        s.sources.list().map(async (c) => {
          const state = await s.health.check(c, now);
          const byJobs = seenByJobs[c.name];
          sources[c.name] = state.ok && byJobs && !byJobs.ok ? byJobs : state;
        })
      );
      let jobs = { total: 0, failing: 0 };
      if (store.ok) {
        const list = await s.repo.listJobs(now);
        jobs = { total: list.length, failing: list.filter((j) => j.enabled && j.lastRun && !j.lastRun.ok).length };
      }
      const ok = store.ok && Object.values(sources).every((x) => x.ok) && jobs.failing === 0;
      const { threads, running, queued, maxQueue } = s.pool.stats();
      return {
        status: ok ? ('ok' as const) : ('degraded' as const),
        version: s.version,
        store,
        sources,
        jobs,
        detection: { threads, running, queued, maxQueue },
      };
    }
  );
};
