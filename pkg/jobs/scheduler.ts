import { SourceError } from '../core/errors';
import { scrubbedMessage } from '../core/scrub';
import type { JobState, Repo } from '../store/repo';
import { jobTiming, type JobRunner } from './runner';
import type { Clock } from '../core/clock';
import type { Job, LastRun } from '../contract/jobs';

/** Health of one source as the scheduler last saw it. */
export interface SourceHealth {
  ok: boolean;
  error?: string;
  lastCheck: number;
}

export interface SchedulerOptions {
  repo: Repo;
  runner: Pick<JobRunner, 'run'>;
  clock: Clock;
  /** longest wait after repeated failures (default 15 min) */
  maxBackoffMs?: number;
  /** most job runs in flight at once, over all jobs (default 4); further runs queue */
  concurrency?: number;
  logger?: { info(obj: unknown, msg?: string): void; warn(obj: unknown, msg?: string): void };
  onRun?: (job: Job, ok: boolean, durationMs: number, points: number) => void;
}

/**
 * What the engine and its routes need from a scheduler of jobs: the in-process `Scheduler` (embedded SQLite store)
 * or the `PgBossScheduler` (replicas sharing a PostgreSQL store).
 */
export interface JobScheduler {
  /** Schedule every enabled job. */
  start(): Promise<void>;
  /** Stop scheduling and wait for the runs in flight in this process. */
  stop(): Promise<void>;
  /** (Re)schedule a job after it was created, changed, enabled, disabled or deleted. */
  refresh(jobId: string): Promise<void>;
  /** Whether a run of the job is in flight in this process. */
  isRunning(jobId: string): boolean;
  /** Run the job now in this process unless a run of it is in flight here; false when skipped. */
  runNow(jobId: string): Promise<boolean>;
  /** Sources' health as seen by this process's job runs. */
  sources(): Record<string, SourceHealth>;
  /** Number of enabled jobs whose last run failed. */
  failingJobs(): Promise<number>;
  /** Runs in flight in this process and runs waiting for a slot. */
  load(): { active: number; queued: number };
}

/**
 * Runs every enabled job each interval on the newest data.
 *
 * - At most `concurrency` runs are in flight over all jobs (a thousand jobs due at once queue, not stampede).
 * - One timer per job; the next run is scheduled only when the current one has finished, and a run requested
 *   while one is in flight (e.g. `runNow`) is skipped, so runs of one job never overlap.
 * - A failing run backs off exponentially: interval × 2^failures, capped at `maxBackoffMs`; the failure is
 *   recorded on the job (`lastRun`) and, for a source error, on the source's health. Other jobs go on.
 * - Time comes from the injected clock, so tests drive it with a fake one.
 */
export class Scheduler implements JobScheduler {
  private timers = new Map<string, unknown>();
  private running = new Map<string, Promise<void>>();
  /** ticks under way: a tick reads the store after its run, so `stop` waits for them too */
  private ticks = new Set<Promise<void>>();
  private readonly sourceHealth = new Map<string, SourceHealth>();
  private stopped = true;
  private readonly maxBackoffMs: number;
  private readonly concurrency: number;
  private active = 0;
  private waiting: (() => void)[] = [];

  constructor(private readonly opts: SchedulerOptions) {
    this.maxBackoffMs = opts.maxBackoffMs ?? 15 * 60_000;
    this.concurrency = Math.max(1, opts.concurrency ?? 4);
  }

  /** Runs in flight and runs waiting for a slot. */
  load(): { active: number; queued: number } {
    return { active: this.active, queued: this.waiting.length };
  }

  private async slot<T>(fn: () => Promise<T>): Promise<T> {
    if (this.active >= this.concurrency) await new Promise<void>((r) => this.waiting.push(r));
    this.active++;
    try {
      return await fn();
    } finally {
      this.active--;
      this.waiting.shift()?.();
    }
  }

  /** Schedule every enabled job (first run right away, or when its backoff ends). */
  async start(): Promise<void> {
    this.stopped = false;
    for (const job of await this.opts.repo.listJobs(this.opts.clock.now())) await this.refresh(job.id);
  }

  /** Cancel all timers and wait for runs in flight. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const t of this.timers.values()) this.opts.clock.clearTimeout(t);
    this.timers.clear();
    await Promise.allSettled([...this.running.values(), ...this.ticks]);
  }

  /** (Re)schedule a job after it was created, changed, enabled, disabled or deleted. */
  async refresh(jobId: string): Promise<void> {
    const t = this.timers.get(jobId);
    if (t !== undefined) this.opts.clock.clearTimeout(t);
    this.timers.delete(jobId);
    if (this.stopped) return;
    const job = await this.opts.repo.getJob(jobId, this.opts.clock.now());
    if (!job || !job.enabled) return;
    const state = await this.opts.repo.getState(jobId);
    // a newer refresh of the same job may have scheduled it while this one read the store
    const again = this.timers.get(jobId);
    if (again !== undefined) this.opts.clock.clearTimeout(again);
    const wait = Math.max(0, (state.backoffUntil ?? 0) - this.opts.clock.now());
    this.schedule(jobId, wait);
  }

  /** Whether a run of the job is in flight. */
  isRunning(jobId: string): boolean {
    return this.running.has(jobId);
  }

  /** Start a run now unless one is in flight; resolves when it ends. Returns false when skipped. */
  async runNow(jobId: string): Promise<boolean> {
    if (this.running.has(jobId)) return false;
    const p = this.slot(() => this.execute(jobId));
    this.running.set(jobId, p);
    try {
      await p;
    } finally {
      this.running.delete(jobId);
    }
    return true;
  }

  /** Sources' health as seen by job runs. */
  sources(): Record<string, SourceHealth> {
    return Object.fromEntries(this.sourceHealth);
  }

  /** Number of enabled jobs whose last run failed. */
  async failingJobs(): Promise<number> {
    return (await this.opts.repo.listJobs(this.opts.clock.now())).filter((j) => j.enabled && j.lastRun && !j.lastRun.ok)
      .length;
  }

  private schedule(jobId: string, delayMs: number): void {
    const handle = this.opts.clock.setTimeout(() => {
      this.timers.delete(jobId);
      const tick = this.tick(jobId).finally(() => this.ticks.delete(tick));
      this.ticks.add(tick);
    }, delayMs);
    this.timers.set(jobId, handle);
  }

  private async tick(jobId: string): Promise<void> {
    if (this.stopped) return;
    await this.runNow(jobId);
    if (this.stopped || this.timers.has(jobId)) return;
    const job = await this.opts.repo.getJob(jobId, this.opts.clock.now());
    if (this.stopped || this.timers.has(jobId) || !job || !job.enabled) return;
    const state = await this.opts.repo.getState(jobId);
    if (this.stopped || this.timers.has(jobId)) return;
    let delay: number;
    try {
      delay = jobTiming(job).intervalMs;
    } catch {
      delay = 60_000;
    }
    if (state.backoffUntil !== undefined) delay = Math.max(0, state.backoffUntil - this.opts.clock.now());
    this.schedule(jobId, delay);
  }

  private async execute(jobId: string): Promise<void> {
    await executeRun({ ...this.opts, maxBackoffMs: this.maxBackoffMs, sourceHealth: this.sourceHealth }, jobId);
  }
}

/** What one run of a job needs besides the job: the scheduler's options and its view of the sources' health. */
export interface RunContext extends Omit<SchedulerOptions, 'maxBackoffMs' | 'concurrency'> {
  maxBackoffMs: number;
  sourceHealth: Map<string, SourceHealth>;
}

/**
 * Run a job once and record the outcome on it: on success its `lastRun` and new position (`lastProcessed`, failures
 * reset), on failure the error and an exponential backoff (interval × 2^failures, capped at `maxBackoffMs`), and the
 * source's health either way.
 *
 * With `exclusive` (replicas sharing a PostgreSQL store) the outcome is committed only if the job's state is still
 * the one the run started from (`Repo.commitRun`), and a run that advanced the job is recorded in `job_runs` under
 * the replica's name; a refused commit is logged and leaves the job as the other writer left it.
 *
 * @returns `done` (outcome committed), `refused` (exclusive commit refused) or `missing` (no such job)
 */
export async function executeRun(
  ctx: RunContext,
  jobId: string,
  exclusive?: { replica: string }
): Promise<'done' | 'refused' | 'missing'> {
  const { repo, clock } = ctx;
  const job = await repo.getJob(jobId, clock.now());
  if (!job) return 'missing';
  const started = clock.now();
  const state = await repo.getState(jobId);
  const commit = async (run: LastRun, next: JobState, advanced?: { to: number; points: number }) => {
    if (!exclusive) {
      await repo.setLastRun(jobId, run, next);
      return true;
    }
    const ok = await repo.commitRun(
      jobId,
      state,
      run,
      next,
      advanced
        ? {
            ...(state.lastProcessed !== undefined ? { from: state.lastProcessed } : {}),
            ...advanced,
            replica: exclusive.replica,
          }
        : undefined
    );
    if (!ok) ctx.logger?.info({ job: job.name, jobId }, 'run not committed: the job changed while it ran');
    return ok;
  };
  let intervalMs = 60_000;
  try {
    intervalMs = jobTiming(job).intervalMs;
    const res = await ctx.runner.run(job);
    const durationMs = clock.now() - started;
    const ok = await commit(
      {
        at: started,
        ok: true,
        durationMs,
        points: res.points,
        ...(res.threshold !== undefined ? { threshold: res.threshold } : {}),
      },
      { lastProcessed: res.lastProcessed, failures: 0, ...(res.warmup ? { warmup: res.warmup } : {}) },
      res.lastProcessed !== state.lastProcessed ? { to: res.lastProcessed, points: res.points } : undefined
    );
    if (!ok) return 'refused';
    if (job.source.type) ctx.sourceHealth.set(sourceName(job), { ok: true, lastCheck: clock.now() });
    ctx.onRun?.(job, true, durationMs, res.points);
  } catch (err) {
    const durationMs = clock.now() - started;
    const failures = state.failures + 1;
    const backoff = Math.min(intervalMs * 2 ** failures, ctx.maxBackoffMs);
    // stored and shown (lastRun.error, /api/health): never a credential
    const message = scrubbedMessage(err);
    const ok = await commit(
      { at: started, ok: false, error: message, durationMs },
      { ...state, failures, backoffUntil: clock.now() + backoff }
    );
    if (!ok) return 'refused';
    if (err instanceof SourceError) {
      ctx.sourceHealth.set(sourceName(job), { ok: false, error: message, lastCheck: clock.now() });
    }
    ctx.logger?.warn({ job: job.name, jobId, failures, backoffMs: backoff, err: message }, 'job run failed');
    ctx.onRun?.(job, false, durationMs, 0);
  }
  return 'done';
}

function sourceName(job: Job): string {
  return job.source.source ?? job.source.type;
}
