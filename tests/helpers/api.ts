import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { buildApp, type AppDeps } from '../../pkg/api/app';
import { defaultEngine } from '../../pkg/jobs/engine';
import { JobRunner } from '../../pkg/jobs/runner';
import { Scheduler } from '../../pkg/jobs/scheduler';
import { EngineMetrics } from '../../pkg/promapi/metrics';
import { SourceRegistry } from '../../pkg/sources/registry';
import type { SeriesSource } from '../../pkg/sources/types';
import { Repo } from '../../pkg/store/repo';
import { SqliteStore } from '../../pkg/store/sqlite';
import { ManualClock, MemorySeriesSource } from './jobs';

/**
 * Test kit of the REST API's route tests (`pkg/api/**`, `pkg/promapi/routes.test.ts`): the fastify app over an
 * in-memory SQLite store, a manual clock and in-memory sources, driven with `app.inject` (no port is opened).
 */

export const API_TOKEN = 'test-token-123';
/** Headers carrying the test app's bearer token. */
export const auth = { authorization: `Bearer ${API_TOKEN}` };

/** A running test app and the services behind it. */
export interface TestApp {
  app: FastifyInstance;
  repo: Repo;
  scheduler: Scheduler;
  /** GET `url` (with the token unless other headers are given) */
  get(url: string, headers?: Record<string, string>): Promise<LightMyRequestResponse>;
  /** POST `payload` as JSON to `url` (with the token unless other headers are given) */
  post(url: string, payload: unknown, headers?: Record<string, string>): Promise<LightMyRequestResponse>;
  /** stop the scheduler, close the app and the store */
  close(): Promise<void>;
}

/**
 * Start the app over a fresh in-memory store: a job runner and scheduler over `sources` (built once the store is
 * open, for sources that keep state in it) on `clock`, with the test token; `deps` adds or replaces services.
 * @param withMetrics record job runs in an `EngineMetrics` served at /metrics (process metrics off)
 */
export async function startTestApp(options: {
  clock: ManualClock;
  sources: (repo: Repo) => SeriesSource[];
  deps?: Partial<AppDeps>;
  withMetrics?: boolean;
}): Promise<TestApp> {
  const { clock } = options;
  const repo = new Repo(await SqliteStore.open());
  const sources = new SourceRegistry(options.sources(repo));
  const runner = new JobRunner({ repo, sources, engine: defaultEngine, clock });
  const metrics = options.withMetrics ? new EngineMetrics(repo, () => clock.now(), false) : undefined;
  const scheduler = new Scheduler({
    repo,
    runner,
    clock,
    ...(metrics ? { onRun: (j, ok, ms) => metrics.observeRun(j.name, ok, ms) } : {}),
  });
  const app = await buildApp({ apiToken: API_TOKEN, repo, sources, scheduler, clock, metrics, ...options.deps });
  return {
    app,
    repo,
    scheduler,
    get: (url, headers = auth) => app.inject({ method: 'GET', url, headers }),
    post: (url, payload, headers = auth) => app.inject({ method: 'POST', url, headers, payload: payload as object }),
    async close() {
      await scheduler.stop();
      await app.close();
      await repo.store.close();
    },
  };
}

export const MIN = 60_000;
/** The cpu job app's "now" is 10 s past T0 (Monday 5 Jan 2026, 12:00 UTC). */
export const T0 = Date.UTC(2026, 0, 5, 12, 0, 0);
/** The one spike in the cpu series (+40 over a level of 50 +- 5), half an hour before T0. */
export const SPIKE = T0 - 30 * MIN;

function noise(t: number): number {
  const x = Math.sin(t / 7919) * 43758.5453;
  return x - Math.floor(x) - 0.5;
}

/** The saved job of the cpu job app. */
export const cpuJobSpec = {
  name: 'cpu',
  source: { type: 'prometheus', query: 'cpu' },
  detectors: ['zscore', 'mad'],
  interval: '1m',
  trainingWindow: '1d',
  labels: { team: 'sre' },
  forecastHorizon: 6,
};

/** The cpu job app: a test app whose saved job `cpu` has run once. */
export interface CpuJobApp extends TestApp {
  clock: ManualClock;
  /** source `prometheus`: one series cpu{instance="a",job="node"}, one point a minute; set `fail` to make it fail */
  prom: MemorySeriesSource;
  /** source `logs` (Elasticsearch): one constant series */
  es: MemorySeriesSource;
  /** id of the saved job `cpu` */
  jobId: string;
}

/**
 * Register jest hooks that start the cpu job app before the file's tests (job `cpu` created through
 * POST /api/jobs and run once by the scheduler at T0 + 10 s, metrics on, health checks bounded at 200 ms) and
 * close it after them. The returned object is filled in by `beforeAll`: read its fields inside tests.
 */
export function useCpuJobApp(): CpuJobApp {
  let started: TestApp | undefined;
  const running = (): TestApp => {
    if (!started) throw new Error('the cpu job app is started by beforeAll: use it inside tests');
    return started;
  };
  // get and post are usable before beforeAll has run (destructured at the top of a test file)
  const fixture = {
    get: (url, headers) => running().get(url, headers),
    post: (url, payload, headers) => running().post(url, payload, headers),
  } as CpuJobApp;
  beforeAll(async () => {
    const clock = new ManualClock(T0 + 10_000);
    const prom = new MemorySeriesSource(
      'prometheus',
      'prometheus',
      [{ __name__: 'cpu', instance: 'a', job: 'node' }],
      (_l, t) => 50 + 5 * Math.sin((2 * Math.PI * t) / (60 * MIN)) + noise(t) + (t === SPIKE ? 40 : 0)
    );
    const es = new MemorySeriesSource('logs', 'elasticsearch', [{ __name__: 'count' }], () => 1);
    started = await startTestApp({
      clock,
      sources: () => [prom, es],
      deps: { healthTimeoutMs: 200 },
      withMetrics: true,
    });
    const { app, repo, scheduler, close } = started;
    Object.assign(fixture, { app, repo, scheduler, close, clock, prom, es });
    const res = await started.post('/api/jobs', cpuJobSpec);
    expect(res.statusCode).toBe(201);
    fixture.jobId = res.json().id;
    expect(await scheduler.runNow(fixture.jobId)).toBe(true);
  });
  afterAll(() => running().close());
  return fixture;
}
