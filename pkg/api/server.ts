import type { FastifyInstance } from 'fastify';
import { parseInterval } from '../core/interval';
import { EngineMetrics } from '../promapi/metrics';
import type { VigilConfig } from '../config/config';
import { createSeriesSources } from '../sources/seriesSources';
import { defaultEngine, type DetectionEngine } from '../jobs/engine';
import { ElasticsearchAnomalySink } from '../sinks/elasticsearch';
import { JobRunner, type AnomalySink } from '../jobs/runner';
import { Scheduler } from '../jobs/scheduler';
import { SourceRegistry } from '../sources/registry';
import { systemClock, type Clock } from '../core/clock';
import type { SeriesSource } from '../sources/types';
import { Repo } from '../store/repo';
import { openStore } from '../store/store';
import { buildApp } from './app';

export interface RunningServer {
  app: FastifyInstance;
  /** base URL, e.g. http://127.0.0.1:8080 */
  url: string;
  repo: Repo;
  scheduler: Scheduler;
  /** stop the scheduler and the HTTP server, and close the store */
  close(): Promise<void>;
}

export interface StartOptions {
  /** replace the configured sources (tests) */
  sources?: SeriesSource[];
  engine?: DetectionEngine;
  clock?: Clock;
}

/**
 * Start `vigil serve`: open the store (SQLite in the data directory, or the configured PostgreSQL; migrating it), build the sources, the scheduler and the app, listen, and
 * prune results past the retention once an hour.
 *
 * @throws ConfigError / SourceError for unusable sources; InputError for an unreadable store
 */
export async function startServer(config: VigilConfig, opts: StartOptions = {}): Promise<RunningServer> {
  const clock = opts.clock ?? systemClock;
  const store = await openStore({ store: config.store, dataDir: config.dataDir });
  const repo = new Repo(store);
  const sources = new SourceRegistry(opts.sources ?? (await createSeriesSources(config.sources)));
  const metrics = new EngineMetrics(repo, () => clock.now());
  const sinks: AnomalySink[] = [];
  if (config.sink) {
    const a = config.sink.auth;
    sinks.push(
      new ElasticsearchAnomalySink({
        url: config.sink.url,
        index: config.sink.index,
        auth: a && (a.type === 'apiKey' ? { type: 'apikey', key: a.apiKey } : a),
        timeoutMs: config.sink.timeout ? parseInterval(config.sink.timeout, 'sink.timeout') : undefined,
      })
    );
  }
  const engine = opts.engine ?? defaultEngine;
  let app: FastifyInstance | undefined = undefined;
  const log = {
    info: (o: unknown, m?: string) => app?.log.info(o, m),
    warn: (o: unknown, m?: string) => app?.log.warn(o, m),
  };
  const runner = new JobRunner({ repo, sources, engine, clock, sinks, logger: log });
  const scheduler = new Scheduler({
    repo,
    runner,
    clock,
    maxBackoffMs: parseInterval(config.scheduler.maxBackoff, 'scheduler.maxBackoff'),
    concurrency: config.scheduler.concurrency,
    logger: log,
    onRun: (job, ok, durationMs) => metrics.observeRun(job.name, ok, durationMs),
  });
  app = await buildApp({
    apiToken: config.apiToken,
    repo,
    sources,
    engine,
    scheduler,
    metrics,
    clock,
    logger: { level: config.logLevel },
  });
  const url = await app.listen({ port: config.port, host: config.host });
  await scheduler.start();
  const retentionMs = parseInterval(config.scheduler.retention, 'scheduler.retention');
  const pruneNow = () =>
    repo.prune(clock.now() - retentionMs).catch((err: Error) => log.warn({ err: err.message }, 'pruning failed'));
  await pruneNow();
  const prune = setInterval(() => void pruneNow(), 3_600_000);
  prune.unref();
  let closed = false;
  return {
    app,
    url,
    repo,
    scheduler,
    async close() {
      if (closed) return;
      closed = true;
      clearInterval(prune);
      await scheduler.stop();
      await app!.close();
      await store.close();
    },
  };
}
