import packageJson from '../../package.json';
import { systemClock, type Clock } from '../core/clock';
import type { Series } from '../core/series';
import type { SourceQuery } from '../contract/sources';
import { defaultEngine, type DetectionEngine } from '../jobs/engine';
import type { JobScheduler } from '../jobs/scheduler';
import type { GeoIp } from '../logs/geoip';
import { Redactor } from '../logs/redact';
import { loadRules } from '../logs/ruleFiles';
import type { Rule } from '../logs/rules';
import { EngineMetrics } from '../promapi/metrics';
import { SourceRegistry } from '../sources/registry';
import type { Notifier } from '../notify/notifier';
import type { SummaryModelConfig } from '../report/rewrite';
import { IncidentRepo } from '../store/incidents';
import type { Repo } from '../store/repo';
import { WorkerPool, type DetectionPool } from '../pool/pool';
import { HealthChecker } from './health';
import { DEFAULT_LIMITS, checkRange, type Limits } from './limits';
import { LoopShare } from './loopShare';
import { ResultCache } from './resultCache';

export { checkRange } from './limits';

export const VERSION: string = packageJson.version;

/** Services the app uses; every one but `repo` and `apiToken` has a default. */
export interface AppDeps {
  apiToken: string;
  repo: Repo;
  sources?: SourceRegistry;
  engine?: DetectionEngine;
  /**
   * where detection and forecasts run (default: worker threads sized to the cores, created on first use and
   * closed with the app; a pool given here belongs to the caller)
   */
  pool?: DetectionPool;
  /**
   * start the pool's threads once the app is ready and run a small detection on each in the background, so the first
   * dashboards do not wait for the code to load (what `vigil serve` does; default off)
   */
  warmPool?: boolean;
  /** the event-loop turns request handlers wait for (default: `LoopShare` of `LOOP_SHARE_MS` a turn) */
  loopShare?: LoopShare;
  /** what one request may ask (default `DEFAULT_LIMITS`) */
  limits?: Partial<Limits>;
  scheduler?: JobScheduler;
  metrics?: EngineMetrics;
  clock?: Clock;
  version?: string;
  /** fastify logger option (pino); default off */
  logger?: import('fastify').FastifyServerOptions['logger'];
  /** ms to wait for a source's health check (default 5000) */
  healthTimeoutMs?: number;
  /** incidents, deliveries and report runs (default: over `repo`'s store) */
  incidents?: IncidentRepo;
  /** the notifier, for the receivers the API shows (none when no receiver is configured) */
  notifier?: Notifier;
  /** Grafana URL annotations are written to, when they are on */
  annotationsUrl?: string;
  /** an OpenAI-compatible endpoint that rewrites report summaries */
  summaryModel?: SummaryModelConfig;
  /** log analysis: redaction (default: masks, no key), the rules in force (default: the default pack), GeoIP */
  logs?: Partial<LogServices>;
}

/** What the log routes use. */
export interface LogServices {
  /** applied to everything the log routes return */
  redactor: Redactor;
  /** the rules in force (the service's watch reloads them) */
  rules(): Rule[];
  geoip: GeoIp | null;
}

/** The resolved services every route plugin receives. */
export type Services = Required<
  Omit<
    AppDeps,
    'scheduler' | 'logger' | 'notifier' | 'annotationsUrl' | 'summaryModel' | 'logs' | 'limits' | 'warmPool'
  >
> & {
  limits: Limits;
  /** answers to identical ad-hoc detections, shared (see `ResultCache`) */
  detections: ResultCache;
  scheduler?: JobScheduler;
  notifier?: Notifier;
  annotationsUrl?: string;
  summaryModel?: SummaryModelConfig;
  logs: LogServices;
  health: HealthChecker;
  /** Series of `source` over [from, to] on a grid of `intervalMs` (epoch ms), from the configured source. */
  fetchSeries(source: SourceQuery, from: number, to: number, intervalMs: number): Promise<Series[]>;
};

/** Options of every route plugin. */
export interface RouteOptions {
  services: Services;
}

/**
 * Fill in the defaults of `deps`.
 * @throws nothing; a bad range given to `fetchSeries` later throws InputError
 */
export function resolveServices(deps: AppDeps): Services {
  const clock = deps.clock ?? systemClock;
  const sources = deps.sources ?? new SourceRegistry();
  const healthTimeoutMs = deps.healthTimeoutMs ?? 5000;
  const limits: Limits = { ...DEFAULT_LIMITS, ...(deps.limits ?? {}) };
  return {
    apiToken: deps.apiToken,
    repo: deps.repo,
    sources,
    engine: deps.engine ?? defaultEngine,
    pool: deps.pool ?? new WorkerPool({ maxQueue: limits.detectionQueue }),
    limits,
    loopShare: deps.loopShare ?? new LoopShare(),
    detections: new ResultCache(),
    scheduler: deps.scheduler,
    incidents: deps.incidents ?? new IncidentRepo(deps.repo.store),
    notifier: deps.notifier,
    annotationsUrl: deps.annotationsUrl,
    summaryModel: deps.summaryModel,
    metrics: deps.metrics ?? new EngineMetrics(deps.repo, () => clock.now(), false),
    clock,
    version: deps.version ?? VERSION,
    healthTimeoutMs,
    health: new HealthChecker(healthTimeoutMs),
    logs: resolveLogServices(deps.logs),
    fetchSeries: async (source, from, to, intervalMs) => {
      checkRange(from, to);
      return sources.get(source).fetch(source, from, to, intervalMs);
    },
  };
}

function resolveLogServices(given: Partial<LogServices> | undefined): LogServices {
  let defaults: Rule[] | undefined;
  return {
    redactor: given?.redactor ?? new Redactor(),
    rules: given?.rules ?? (() => (defaults ??= loadRules(['default']))),
    geoip: given?.geoip ?? null,
  };
}
