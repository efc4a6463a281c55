import { availableParallelism } from 'node:os';
import path from 'node:path';
import { Piscina } from 'piscina';
import { InputError, ParameterError, SourceError } from '../core/errors';
import type { Series } from '../core/series';
import type { ForecastOptions, ForecastResult } from '../forecast/forecast';
import type { DetectOptions } from '../pipeline/detect';
import { detectJson, forecastTask, outlierJudgement, outliersJson, type Envelope, type OutliersTask } from './tasks';
import type { GroupJudgement } from '../outliers/outlierResult';

/** The pool is full: every worker busy and the queue at its limit. The API answers 429 with `Retry-After`. */
export class PoolBusyError extends Error {
  constructor(
    message: string,
    /** seconds after which a retry has a good chance */
    readonly retryAfterSeconds: number
  ) {
    super(message);
    this.name = 'PoolBusyError';
  }
}

/**
 * The caller went away (its request closed) while its task waited for a thread: the task was dropped unrun. Answered
 * 499 (the client closed the request), which nobody reads.
 */
export class TaskAbandonedError extends Error {
  readonly statusCode = 499;
  readonly code = 'client_closed_request';
  constructor() {
    super('the request was closed before its detection started');
    this.name = 'TaskAbandonedError';
  }
}

/** Load of the pool, for `/metrics` and `/api/health`. */
export interface PoolStats {
  threads: number;
  running: number;
  queued: number;
  maxQueue: number;
  completed: number;
  /** tasks dropped unrun because their caller went away while they waited */
  abandoned: number;
}

/**
 * Where detection and forecasts run: a pool of worker threads (`WorkerPool`, the default) so the event loop stays
 * free for health checks, queries and the Prometheus-compatible API, or in-process (`InlinePool`).
 */
export interface DetectionPool {
  /**
   * The result of `pkg/pipeline`'s `detect` as JSON text. When `signal` aborts before the task has started (the
   * caller went away), the task is dropped.
   * @throws PoolBusyError when the queue is full; TaskAbandonedError when dropped
   */
  detectJson(series: Series[], options: DetectOptions, signal?: AbortSignal): Promise<string>;
  /**
   * Peer-group outliers (`pkg/outliers`) as the JSON text of `POST /api/outliers`' answer; dropped as `detectJson`.
   * @throws PoolBusyError when the queue is full; TaskAbandonedError when dropped
   */
  outliersJson(task: OutliersTask, signal?: AbortSignal): Promise<string>;
  /**
   * Peer-group outliers judged in typed arrays (`judgeGroup`), for a scheduled `outliers` job; dropped as `detectJson`.
   * @throws PoolBusyError when the queue is full; TaskAbandonedError when dropped
   */
  outlierJudgement(task: OutliersTask, signal?: AbortSignal): Promise<GroupJudgement>;
  /** Forecast a series (see `pkg/forecast`). @throws PoolBusyError when the queue is full */
  forecast(series: Series, options: Partial<ForecastOptions>): Promise<ForecastResult>;
  stats(): PoolStats;
  /**
   * Start the threads and run a small detection on each, so that the first requests do not wait for the code to load
   * and compile (seconds on a busy machine). Resolves when done; never rejects.
   */
  warm(): Promise<void>;
  close(): Promise<void>;
}

/** The warm-up task: two days and a bit of a noisy daily cycle at five minutes, with its default warm-up. */
function warmupTask(): { series: Series[]; options: DetectOptions } {
  const intervalMs = 300_000;
  const n = 700;
  const timestamps = new Float64Array(n);
  const values = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    timestamps[i] = i * intervalMs;
    values[i] = 100 + 20 * Math.sin((2 * Math.PI * i) / 288) + ((i * 7919) % 13);
  }
  return { series: [{ labels: {}, timestamps, values }], options: { intervalMs, warmup: 576 } };
}

export interface WorkerPoolOptions {
  /** worker threads (default: the cores available, `os.availableParallelism()`) */
  threads?: number;
  /** tasks waiting for a thread before new ones are refused (default 64) */
  maxQueue?: number;
  /** tasks handed to each thread at once (default `TASKS_PER_THREAD`) */
  tasksPerThread?: number;
}

/**
 * Tasks handed to each thread at once. A thread runs them one after the other from its own queue, so it starts the
 * next as soon as one ends, instead of waiting for a busy event loop to hand it over: under 100 dashboard clients
 * this doubled the detections answered per second (9.8 to 18.9) and cut their median latency from 5.4 s to 1.9 s.
 */
export const TASKS_PER_THREAD = 4;

/** Scheduling priority of the worker threads relative to the event loop's (`nice` increment, 0-19). */
export const WORKER_NICE = 10;

/** Default most tasks waiting for a worker. */
export const DEFAULT_MAX_QUEUE = 64;

/**
 * Detection in worker threads (piscina, sized to the cores, at a lower priority than the event loop). Tasks beyond the queue limit are refused at once with
 * a `PoolBusyError` whose retry delay is the expected time to drain the queue (mean task duration x queue / threads).
 */
export class WorkerPool implements DetectionPool {
  private piscinaPool: Piscina | undefined;
  private readonly threadCount: number;
  private readonly maxQueue: number;
  private readonly tasksPerThread: number;
  private meanTaskMs = 50;
  /** tasks on a thread */
  private active = 0;
  /** tasks waiting for a thread, oldest first */
  private readonly waiting: { go: () => void }[] = [];
  /** tasks dropped because their caller went away while they waited */
  private abandoned = 0;

  constructor(opts: WorkerPoolOptions = {}) {
    this.threadCount = Math.max(1, opts.threads ?? availableParallelism());
    this.maxQueue = opts.maxQueue ?? DEFAULT_MAX_QUEUE;
    this.tasksPerThread = Math.max(1, opts.tasksPerThread ?? TASKS_PER_THREAD);
  }

  /** The threads, started on first use (an engine that never detects starts none). */
  private get piscina(): Piscina {
    this.piscinaPool ??= new Piscina({
      filename: path.join(__dirname, 'worker.cjs'),
      minThreads: this.threadCount,
      maxThreads: this.threadCount,
      idleTimeout: 60_000,
      concurrentTasksPerWorker: this.tasksPerThread,
      // detection yields the cores to the event loop: health probes, queries and job runs come first (Linux
      // schedules threads by their own nice value; piscina applies it with @napi-rs/nice where available)
      niceIncrement: WORKER_NICE,
    });
    return this.piscinaPool;
  }

  /**
   * Run a task on a thread. At most `tasksPerThread` tasks per thread are handed to piscina; the others wait here, in
   * order, so a task whose caller has gone (`signal` aborted) while it waits is dropped without running.
   */
  private async run<T>(input: unknown, name: string, signal?: AbortSignal): Promise<T> {
    if (signal?.aborted) throw new TaskAbandonedError();
    if (this.active >= this.threadCount * this.tasksPerThread) {
      if (this.waiting.length >= this.maxQueue) throw this.busy();
      await new Promise<void>((resolve, reject) => {
        const entry = {
          go: () => {
            signal?.removeEventListener('abort', leave);
            resolve();
          },
        };
        const leave = () => {
          const i = this.waiting.indexOf(entry);
          if (i >= 0) this.waiting.splice(i, 1);
          this.abandoned++;
          reject(new TaskAbandonedError());
        };
        signal?.addEventListener('abort', leave, { once: true });
        this.waiting.push(entry);
      });
    }
    this.active++;
    const started = performance.now();
    try {
      const out = (await this.piscina.run(input, { name })) as Envelope<T>;
      this.meanTaskMs = 0.9 * this.meanTaskMs + 0.1 * (performance.now() - started);
      if (out.ok) return out.value;
      throw revive(out.error);
    } finally {
      this.active--;
      this.waiting.shift()?.go();
    }
  }

  private busy(): PoolBusyError {
    const threads = this.threadCount;
    const queued = this.waiting.length;
    // a task's time on a thread includes its wait in the thread's own queue of `tasksPerThread`
    const slots = threads * this.tasksPerThread;
    const seconds = Math.max(1, Math.ceil((this.meanTaskMs * (queued + slots)) / slots / 1000));
    return new PoolBusyError(
      `detection is busy: ${queued} requests are waiting for ${threads} worker threads; retry in ${seconds} s`,
      seconds
    );
  }

  detectJson(series: Series[], options: DetectOptions, signal?: AbortSignal): Promise<string> {
    return this.run({ series, options }, 'detectJson', signal);
  }
  outliersJson(task: OutliersTask, signal?: AbortSignal): Promise<string> {
    return this.run(task, 'outliersJson', signal);
  }
  outlierJudgement(task: OutliersTask, signal?: AbortSignal): Promise<GroupJudgement> {
    return this.run(task, 'outlierJudgement', signal);
  }
  async warm(): Promise<void> {
    const task = warmupTask();
    await Promise.allSettled(
      Array.from({ length: this.threadCount }, () => this.piscina.run(task, { name: 'detectJson' }))
    );
  }
  forecast(series: Series, options: Partial<ForecastOptions>): Promise<ForecastResult> {
    return this.run({ series, options }, 'forecastTask');
  }
  stats(): PoolStats {
    return {
      threads: this.threadCount,
      running: this.active,
      queued: this.waiting.length,
      maxQueue: this.maxQueue,
      completed: this.piscinaPool?.completed ?? 0,
      abandoned: this.abandoned,
    };
  }
  async close(): Promise<void> {
    const p = this.piscinaPool;
    this.piscinaPool = undefined;
    if (p) await p.destroy();
  }
}

/** The same tasks on the calling thread (tests, and hosts with one core where threads only add overhead). */
export class InlinePool implements DetectionPool {
  private completed = 0;
  async detectJson(series: Series[], options: DetectOptions, signal?: AbortSignal): Promise<string> {
    if (signal?.aborted) throw new TaskAbandonedError();
    return this.count(() => detectJson({ series, options }));
  }
  async outliersJson(task: OutliersTask, signal?: AbortSignal): Promise<string> {
    if (signal?.aborted) throw new TaskAbandonedError();
    return this.count(() => outliersJson(task));
  }
  async outlierJudgement(task: OutliersTask, signal?: AbortSignal): Promise<GroupJudgement> {
    if (signal?.aborted) throw new TaskAbandonedError();
    return this.count(() => outlierJudgement(task));
  }
  async forecast(series: Series, options: Partial<ForecastOptions>): Promise<ForecastResult> {
    return this.count(() => forecastTask({ series, options }));
  }
  private count<T>(fn: () => T): T {
    const out = fn();
    this.completed++;
    return out;
  }
  stats(): PoolStats {
    return { threads: 0, running: 0, queued: 0, maxQueue: 0, completed: this.completed, abandoned: 0 };
  }
  async warm(): Promise<void> {}
  async close(): Promise<void> {}
}

/**
 * An error a task threw, as its envelope carried it: Vigil's own errors get their class again so the API maps
 * them to the right status.
 */
function revive(e: Extract<Envelope<unknown>, { ok: false }>['error']): Error {
  let out: Error | undefined;
  if (e.name === 'InputError') {
    out = new InputError('');
    out.message = e.message;
  } else if (e.name === 'ParameterError') out = new ParameterError(e.message);
  else if (e.name === 'SourceError') {
    out = new SourceError(e.source ?? 'source', '', e.status);
    out.message = e.message;
  }
  if (!out) {
    out = new Error(e.message);
    out.name = e.name;
  }
  out.stack = e.stack;
  return out;
}
