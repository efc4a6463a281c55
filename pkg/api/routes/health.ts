import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { HealthResponse } from '../../contract/api';
import type { SourceHealthState } from '../health';
import type { RouteOptions } from '../services';

/** `GET /api/health`: status, version, store and source reachability, failing jobs (no token needed). */
export const healthRoutes: FastifyPluginAsyncTypebox<RouteOptions> = async (app, { services: s }) => {
  app.get(
    '/api/health',
    {
      schema: {
        tags: ['service'],
        summary: 'Status, version, store and source reachability (no token needed)',
        security: [],
        response: { 200: HealthResponse },
      },
    },
    async () => {
      const now = s.clock.now();
      let store: { ok: boolean; error?: string } = { ok: true };
      try {
        await s.repo.store.check();
      } catch (err) {
        store = { ok: false, error: (err as Error).message };
      }
      const seenByJobs = s.scheduler?.sources() ?? {};
      const sources: Record<string, SourceHealthState> = {};
      await Promise.all(
        s.sources.list().map(async (c) => {
          const state = await s.health.check(c, now);
          const byJobs = seenByJobs[c.name];
          sources[c.name] = state.ok && byJobs && !byJobs.ok ? byJobs : state;
        })
      );
      const jobs = await s.repo.listJobs(now);
      const failing = jobs.filter((j) => j.enabled && j.lastRun && !j.lastRun.ok).length;
      const ok = store.ok && Object.values(sources).every((x) => x.ok) && failing === 0;
      return {
        status: ok ? ('ok' as const) : ('degraded' as const),
        version: s.version,
        store,
        sources,
        jobs: { total: jobs.length, failing },
      };
    }
  );
};
