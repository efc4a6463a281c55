import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { parseInterval } from '../core/interval';
import { EngineMetrics } from '../promapi/metrics';
import type { VigilConfig } from '../config/config';
import { ElasticsearchHttpClient } from '../sources/elasticsearch';
import { createSeriesSources, httpOptions, toHttpAuth } from '../sources/seriesSources';
import { loadGeoIp } from '../logs/geoip';
import { ElasticsearchLogSource, type LogQueryState } from '../logs/logSource';
import { LogJobEvents } from '../logs/logJobs';
import type { Job } from '../contract/jobs';
import { Redactor } from '../logs/redact';
import { DEFAULT_RULES, watchRules } from '../logs/ruleFiles';
import { defaultEngine, type DetectionEngine } from '../jobs/engine';
import { ElasticsearchAnomalySink } from '../sinks/elasticsearch';
import { remoteWriteSink, type RemoteWriteSink } from '../sinks/remoteWrite';
import { JobRunner, type AnomalySink } from '../jobs/runner';
import { schedulerFor } from '../jobs/pgBossScheduler';
import type { JobScheduler } from '../jobs/scheduler';
import { SourceRegistry } from '../sources/registry';
import { systemClock, type Clock } from '../core/clock';
import type { SeriesSource } from '../sources/types';
import { Repo } from '../store/repo';
import { openStore } from '../store/store';
import { actionConfig } from '../config/action';
import { IncidentTracker } from '../jobs/incidents';
import { GrafanaAnnotator } from '../notify/grafana';
import { Notifier } from '../notify/notifier';
import { IncidentRepo } from '../store/incidents';
import { WorkerPool } from '../pool/pool';
import { buildApp } from './app';
import { DEFAULT_LIMITS } from './limits';
import { loggerOptions } from './logging';
import { incidentJobs, jobReports } from './reportData';

export interface RunningServer {
  app: FastifyInstance;
  /** base URL, e.g. http://127.0.0.1:8080 */
  url: string;
  repo: Repo;
  scheduler: JobScheduler;
  /** incidents of the scheduled runs, and their notifications */
  incidents: IncidentTracker;
  /** the remote write of job results, when `remoteWrite` is configured */
  remoteWrite?: RemoteWriteSink;
  /** stop the scheduler and the HTTP server, and close the store */
  close(): Promise<void>;
}

export interface StartOptions {
  /** replace the configured sources (tests) */
  sources?: SeriesSource[];
  /** replace the logger options (tests capture the logs with a `stream`) */
  logger?: import('fastify').FastifyServerOptions['logger'];
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
  // the default file source reads a folder of its own in the data directory (created here), never the working one
  const defaultFiles = path.join(config.dataDir, 'files');
  if (config.sources.some((s) => s.type === 'file' && s.root === defaultFiles))
    mkdirSync(defaultFiles, { recursive: true });
  const repo = new Repo(store);
  const redactor = new Redactor(config.redaction ?? {});
  const sources = new SourceRegistry(opts.sources ?? (await createSeriesSources(config.sources)));
  if (!opts.sources) {
    // every Elasticsearch/OpenSearch source also serves log queries (`elasticsearch-logs`)
    for (const c of config.sources.filter((x) => x.type === 'elasticsearch')) {
      sources.add(
        new ElasticsearchLogSource(c.name, new ElasticsearchHttpClient(await httpOptions(c)), {
          redactor,
          store: {
            load: (key) => repo.getLogTemplates<LogQueryState>(key),
            save: (key, state) => repo.saveLogTemplates(key, state, clock.now()),
          },
        })
      );
    }
  }
  const rules = watchRules(
    config.logs?.rules ?? [DEFAULT_RULES],
    (r) => app?.log.info({ rules: r.length }, 'log rules reloaded'),
    (err) => app?.log.warn({ err: err.message }, 'log rules not reloaded; the rules in force stay')
  );
  const geoip = loadGeoIp(config.logs?.geoip);
  const metrics = new EngineMetrics(repo, () => clock.now());
  const sinks: AnomalySink[] = [];
  if (config.sink) {
    sinks.push(
      new ElasticsearchAnomalySink({
        url: config.sink.url,
        index: config.sink.index,
        auth: toHttpAuth(config.sink.auth),
        timeoutMs: config.sink.timeout ? parseInterval(config.sink.timeout, 'sink.timeout') : undefined,
      })
    );
  }
  const engine = opts.engine ?? defaultEngine;
  let app: FastifyInstance | undefined = undefined;
  const log = {
    info: (o: unknown, m?: string) => app?.log.info(o as object, m),
    warn: (o: unknown, m?: string) => app?.log.warn(o as object, m),
    error: (o: unknown, m?: string) => app?.log.error(o as object, m),
    debug: (o: unknown, m?: string) => app?.log.debug(o as object, m),
  };
  // each run's results also go to the user's Prometheus-compatible TSDB (in the background: never fails a run)
  const remoteWrite = config.remoteWrite
    ? remoteWriteSink(config.remoteWrite, { repo, clock, logger: log, metrics })
    : undefined;
  // incidents of scheduled runs: stored, notified (Alertmanager, webhook, Slack, PagerDuty), annotated in Grafana
  const action = config.action ?? actionConfig(config, process.env);
  const incidents = new IncidentRepo(store);
  const notifier = action.notify.receivers.length ? new Notifier(action.notify, { clock, logger: log }) : undefined;
  const annotator = action.annotations
    ? new GrafanaAnnotator(action.annotations, {
        clock,
        logger: log,
        onAnnotationId: (id, annotationId) => void incidents.setAnnotationId(id, annotationId),
      })
    : undefined;
  annotator?.restore(await incidents.annotationIds());
  const tracker = new IncidentTracker({
    persistence: incidents,
    clock,
    job: incidentJobs(repo, () => clock.now()),
    watermark: async (id) => (await repo.getState(id)).lastProcessed,
    notifier,
    annotator,
    options: action.incidents,
    logger: log,
  });
  await tracker.start();
  sinks.push(tracker);
  // log jobs also run the rules in force over each run's messages; their hits join the job's events
  const logJobs = new LogJobEvents({ rules: () => rules.rules, redactor, geoip });
  const extraEvents = async (job: Job, from: number, to: number) => {
    const src = sources.get(job.source);
    return src instanceof ElasticsearchLogSource ? logJobs.run(job, src, from, to) : [];
  };
  // detection and peer-group outliers run on worker threads, for the API's requests and scheduled runs alike
  const pool = new WorkerPool({ maxQueue: DEFAULT_LIMITS.detectionQueue });
  const runner = new JobRunner({ repo, sources, engine, clock, sinks, logger: log, extraEvents, pool });
  // replicas sharing a PostgreSQL store share its jobs through a queue there; the embedded store runs them in-process
  const scheduler = schedulerFor(store, config.store, {
    repo,
    runner,
    clock,
    maxBackoffMs: parseInterval(config.scheduler.maxBackoff, 'scheduler.maxBackoff'),
    concurrency: config.scheduler.concurrency,
    recoveryMs: config.scheduler.recovery ? parseInterval(config.scheduler.recovery, 'scheduler.recovery') : undefined,
    logger: log,
    onRun: (job, ok, durationMs) => {
      metrics.observeRun(job.name, ok, durationMs);
      if (ok) void remoteWrite?.afterRun(job.id);
      tracker
        .afterRun(job.id)
        .catch((err) => log.warn({ err: (err as Error).message, job: job.name }, 'incident step failed'));
    },
  });
  app = await buildApp({
    apiToken: config.apiToken,
    repo,
    sources,
    engine,
    scheduler,
    metrics,
    clock,
    logger: opts.logger ?? loggerOptions(config.logLevel),
    incidents,
    notifier,
    annotationsUrl: action.annotations?.url,
    ...(action.summaryModel ? { summaryModel: action.summaryModel } : {}),
    logs: { redactor, rules: () => rules.rules, geoip },
    pool,
    warmPool: true,
  });
  const url = await app.listen({ port: config.port, host: config.host });
  await scheduler.start();
  // summaries of held-back notifications and Alertmanager re-sends
  const notifyTick = setInterval(() => {
    tracker.tick().catch((err) => log.warn({ err: (err as Error).message }, 'notification tick failed'));
  }, 5000);
  notifyTick.unref();
  const reports = jobReports(action, { repo, incidents, clock, logger: log });
  void reports.start().catch((err) => log.warn({ err: (err as Error).message }, 'report schedule failed'));
  const retentionMs = parseInterval(config.scheduler.retention, 'scheduler.retention');
  // incidents and delivery records are kept for 90 days at least, whatever the results' retention
  const incidentRetentionMs = Math.max(retentionMs, 90 * 86_400_000);
  const pruneNow = () =>
    Promise.all([repo.prune(clock.now() - retentionMs), incidents.prune(clock.now() - incidentRetentionMs)]).catch(
      (err: Error) => log.warn({ err: err.message }, 'pruning failed')
    );
  await pruneNow();
  const prune = setInterval(() => void pruneNow(), 3_600_000);
  prune.unref();
  let closed = false;
  return {
    app,
    url,
    repo,
    scheduler,
    incidents: tracker,
    remoteWrite,
    async close() {
      if (closed) return;
      closed = true;
      clearInterval(prune);
      clearInterval(notifyTick);
      await reports.stop();
      rules.close();
      await scheduler.stop();
      await tracker.idle();
      await remoteWrite?.close();
      await Promise.allSettled([notifier?.close(), annotator?.close()]);
      await app!.close();
      await pool.close();
      await store.close();
    },
  };
}
