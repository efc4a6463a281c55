import { hostname } from 'node:os';
import PgBoss from 'pg-boss';
import type { JobSpec, Job } from '../contract/jobs';
import { jobTiming } from './runner';
import type { Store } from '../store/db';
import {
  Scheduler,
  executeRun,
  type JobScheduler,
  type RunContext,
  type SchedulerOptions,
  type SourceHealth,
} from './scheduler';

/** The pg-boss queue holding the runs of Vigil's jobs (one row per run, keyed by the job's id). */
export const RUN_QUEUE = 'vigil-job-runs';

/** The PostgreSQL schema pg-boss keeps its tables in, beside Vigil's. */
export const PGBOSS_SCHEMA = 'pgboss';

/** How long a job's first run (it fits on the whole training window) may last before it is presumed lost. */
const FIRST_RUN_ALLOWANCE_MS = 60_000;

export interface PgBossSchedulerOptions extends SchedulerOptions {
  /** the PostgreSQL store's `postgres://` URL: pg-boss keeps its queue in the same database */
  url: string;
  /** the name recorded with each run in `job_runs` (default `<hostname>:<pid>`) */
  replica?: string;
  /**
   * how often runs lost with a replica are taken up (default 10 s): pg-boss fails the runs that outlived their
   * expiry, and each replica queues a run for every enabled job left with none queued or running
   */
  recoveryMs?: number;
  /** how often an idle replica asks for due runs (default 1 s, at least 0.5 s) */
  pollMs?: number;
}

interface RunData {
  jobId: string;
  /** when the run was due, epoch ms: the job's next run is due one interval later (its phase is kept) */
  due: number;
}

/**
 * Runs the jobs of several `vigil serve` replicas sharing one PostgreSQL store, through pg-boss
 * (https://github.com/timgit/pg-boss): every run of a job is a row of the `vigil-job-runs` queue whose singleton key
 * is the job's id, in a `stately` queue (at most one run of a job queued and one running, whatever the number of
 * replicas), so a job runs on exactly one replica at a time.
 *
 * - Each replica's workers take due runs (`FOR UPDATE SKIP LOCKED`); at the end of a run the replica queues the job's
 *   next run, due one interval after this one was (or when its backoff ends), before the finished run is completed:
 *   a job always has a run queued or running. Runs of one job are never queued on a timer of one process, so a
 *   replica that dies leaves the others its jobs' next runs, taken when due.
 * - A run in flight on a replica killed with `kill -9` is presumed lost once it has lasted its expiry (the job's
 *   interval, or three times the job's previous run when longer; a first run, which fits on the training window,
 *   at least a minute); pg-boss's maintenance fails it, and the next sweep of a live replica (every `recoveryMs`)
 *   queues a run for every enabled job left with none. A one-minute job is so picked up within two intervals.
 * - A run commits only if the job's state is still the one it started from (`Repo.commitRun`): a run that outlived
 *   its expiry on a live but slow replica cannot record again the range its successor recorded. Runs that advanced
 *   a job are recorded in `job_runs` (the range each covered, and the replica).
 *
 * Failures back off as with the in-process `Scheduler` (interval × 2^failures, capped at `maxBackoffMs`). At most
 * `concurrency` runs are in flight per replica.
 */
export class PgBossScheduler implements JobScheduler {
  private boss?: PgBoss;
  private readonly ctx: RunContext;
  private readonly sourceHealth = new Map<string, SourceHealth>();
  private readonly running = new Map<string, Promise<void>>();
  private readonly replica: string;
  private readonly concurrency: number;
  private readonly recoveryMs: number;
  private readonly pollMs: number;
  private sweeper?: NodeJS.Timeout;
  private sweeping?: Promise<void>;
  private stopped = true;
  private queued = 0;

  constructor(private readonly opts: PgBossSchedulerOptions) {
    this.ctx = { ...opts, maxBackoffMs: opts.maxBackoffMs ?? 15 * 60_000, sourceHealth: this.sourceHealth };
    this.replica = opts.replica ?? `${hostname()}:${process.pid}`;
    this.concurrency = Math.max(1, opts.concurrency ?? 4);
    this.recoveryMs = Math.max(1000, opts.recoveryMs ?? 10_000);
    this.pollMs = Math.max(500, opts.pollMs ?? 1000);
  }

  /** Runs in flight in this replica, and runs fetched by its workers that wait for their turn. */
  load(): { active: number; queued: number } {
    return { active: this.running.size, queued: this.queued };
  }

  /**
   * Start pg-boss (creating its schema and the queue when missing), the workers, and the sweep that queues a run for
   * every enabled job with none (at once: jobs created while no replica ran start now).
   * @throws the driver's error when PostgreSQL cannot be reached
   */
  async start(): Promise<void> {
    const recoverySeconds = Math.max(1, Math.round(this.recoveryMs / 1000));
    const boss = new PgBoss({
      connectionString: this.opts.url,
      schema: PGBOSS_SCHEMA,
      max: this.concurrency + 2,
      schedule: false,
      maintenanceIntervalSeconds: recoverySeconds,
      // finished runs leave the live table quickly (it is read at every fetch) and the archive after a day
      archiveCompletedAfterSeconds: 600,
      archiveFailedAfterSeconds: 600,
      deleteAfterHours: 24,
    });
    boss.on('error', (err: Error) => this.opts.logger?.warn({ err: err.message }, 'job queue error'));
    await boss.start();
    if (!(await boss.getQueue(RUN_QUEUE))) {
      // replicas starting together may both create it: the loser finds it made
      await boss.createQueue(RUN_QUEUE, { name: RUN_QUEUE, policy: 'stately', retryLimit: 0 }).catch(async (err) => {
        if (!(await boss.getQueue(RUN_QUEUE))) throw err;
      });
    }
    this.boss = boss;
    this.stopped = false;
    const batchSize = Math.max(1, Math.ceil(this.concurrency / 2));
    for (let w = 0; w < this.concurrency; w += batchSize) {
      const workerId = await boss.work<RunData>(
        RUN_QUEUE,
        { batchSize, pollingIntervalSeconds: this.pollMs / 1000 },
        async (jobs) => {
          this.queued += jobs.length;
          for (const j of jobs) {
            this.queued--;
            await this.handle(j.data);
          }
          // runs were due: ask again at once rather than after the polling interval
          if (jobs.length === batchSize && !this.stopped) boss.notifyWorker(workerId);
        }
      );
    }
    await this.sweep();
    this.sweeper = setInterval(() => {
      this.sweeping ??= this.sweep()
        .catch((err: Error) => this.opts.logger?.warn({ err: err.message }, 'job sweep failed'))
        .finally(() => (this.sweeping = undefined));
    }, this.recoveryMs);
    this.sweeper.unref();
  }

  /** Stop taking runs, wait for this replica's runs in flight, and stop pg-boss (its queued runs stay queued). */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    clearInterval(this.sweeper);
    await this.sweeping;
    await this.boss?.stop({ graceful: true, wait: true, timeout: 60_000 });
    await Promise.allSettled(this.running.values());
    this.boss = undefined;
  }

  /**
   * Queue a run of the job now (or when its backoff ends) after it was created, changed or enabled, replacing the
   * run queued for later; a disabled or deleted job's queued run is dropped.
   */
  async refresh(jobId: string): Promise<void> {
    const boss = this.boss;
    if (!boss || this.stopped) return;
    const queued = await boss
      .getDb()
      .executeSql(`SELECT id FROM ${PGBOSS_SCHEMA}.job WHERE name = $1 AND singleton_key = $2 AND state = 'created'`, [
        RUN_QUEUE,
        jobId,
      ]);
    const ids = (queued.rows as { id: string }[]).map((r) => r.id);
    if (ids.length) await boss.deleteJob(RUN_QUEUE, ids);
    const job = await this.opts.repo.getJob(jobId, this.opts.clock.now());
    if (!job || !job.enabled) return;
    const state = await this.opts.repo.getState(jobId);
    await this.queue(job, Math.max(this.opts.clock.now(), state.backoffUntil ?? 0));
  }

  isRunning(jobId: string): boolean {
    return this.running.has(jobId);
  }

  /**
   * Run the job in this replica now, outside the queue (tools and tests); its commit is refused if a queued run
   * of the job committed first. Returns false when a run of the job is in flight here.
   */
  async runNow(jobId: string): Promise<boolean> {
    if (this.running.has(jobId)) return false;
    const p = executeRun(this.ctx, jobId, { replica: this.replica }).then(() => undefined);
    this.running.set(jobId, p);
    try {
      await p;
    } finally {
      this.running.delete(jobId);
    }
    return true;
  }

  sources(): Record<string, SourceHealth> {
    return Object.fromEntries(this.sourceHealth);
  }

  async failingJobs(): Promise<number> {
    return (await this.opts.repo.listJobs(this.opts.clock.now())).filter((j) => j.enabled && j.lastRun && !j.lastRun.ok)
      .length;
  }

  /** Run a job the queue handed to this replica, then queue its next run. */
  private async handle(data: RunData): Promise<void> {
    const { repo, clock } = this.opts;
    if (this.stopped || this.running.has(data.jobId)) return;
    const job = await repo.getJob(data.jobId, clock.now());
    if (!job || !job.enabled) return;
    const p = (async () => {
      const outcome = await executeRun(this.ctx, data.jobId, { replica: this.replica });
      if (outcome === 'missing') return;
      const after = await repo.getJob(data.jobId, clock.now());
      if (!after || !after.enabled) return;
      const intervalMs = intervalOf(after);
      // the first slot of the job's phase after now: a late run does not queue the slots it missed
      const now = clock.now();
      let due = data.due + intervalMs;
      if (due <= now) due += Math.ceil((now - due + 1) / intervalMs) * intervalMs;
      const state = await repo.getState(data.jobId);
      if (state.backoffUntil !== undefined && state.backoffUntil > due) due = state.backoffUntil;
      await this.queue(after, due);
    })();
    this.running.set(data.jobId, p);
    try {
      await p;
    } catch (err) {
      this.opts.logger?.warn({ jobId: data.jobId, err: (err as Error).message }, 'job run not completed');
    } finally {
      this.running.delete(data.jobId);
    }
  }

  /** Queue a run of a job due at `due` (epoch ms); a no-op when one is already queued. */
  private async queue(job: Job, due: number): Promise<void> {
    if (!this.boss) return;
    await this.boss.send(RUN_QUEUE, { jobId: job.id, due } satisfies RunData, {
      singletonKey: job.id,
      startAfter: this.startAfter(due),
      expireInSeconds: this.expirySeconds(job, job.lastRun?.durationMs),
      retryLimit: 0,
    });
  }

  /** The real time a run due at `due` on the scheduler's clock starts after. */
  private startAfter(due: number): Date {
    const wait = Math.max(0, due - this.opts.clock.now());
    return new Date(Date.now() + (this.opts.clock.realMs?.(wait) ?? wait));
  }

  /**
   * How long a run of a job may last before it is presumed lost, in whole real seconds: the job's interval, or three
   * times its last run when longer; a first run (no last run) at least a minute.
   */
  private expirySeconds(spec: JobSpec, lastDurationMs?: number): number {
    const real = (ms: number) => this.opts.clock.realMs?.(ms) ?? ms;
    const ms = Math.max(
      real(intervalOf(spec)),
      lastDurationMs === undefined ? FIRST_RUN_ALLOWANCE_MS : real(3 * lastDurationMs)
    );
    return Math.max(1, Math.ceil(ms / 1000));
  }

  /** Queue a run, due now (or when its backoff ends), of every enabled job with no run queued or running. */
  private async sweep(): Promise<void> {
    const boss = this.boss;
    if (!boss || this.stopped) return;
    const live = await boss
      .getDb()
      .executeSql(`SELECT DISTINCT singleton_key FROM ${PGBOSS_SCHEMA}.job WHERE name = $1 AND state < 'completed'`, [
        RUN_QUEUE,
      ]);
    const has = new Set((live.rows as { singleton_key: string }[]).map((r) => r.singleton_key));
    const now = this.opts.clock.now();
    const orphans = (await this.opts.repo.enabledJobs()).filter((j) => !has.has(j.id));
    if (!orphans.length) return;
    this.opts.logger?.info({ jobs: orphans.length }, 'queueing runs of jobs with none queued or running');
    const rows: PgBoss.JobInsert<RunData>[] = orphans.map((j) => {
      const due = Math.max(now, j.backoffUntil ?? 0);
      return {
        name: RUN_QUEUE,
        data: { jobId: j.id, due },
        singletonKey: j.id,
        startAfter: this.startAfter(due),
        expireInSeconds: this.expirySeconds(j.spec, j.lastDurationMs),
        retryLimit: 0,
      };
    });
    for (let i = 0; i < rows.length; i += 1000) await boss.insert(rows.slice(i, i + 1000));
  }
}

/**
 * The scheduler of a store's jobs: on PostgreSQL (`url`, the store's URL) a `PgBossScheduler`, so replicas share
 * the jobs; on the embedded SQLite store the in-process `Scheduler` (`recoveryMs` does not apply).
 */
export function schedulerFor(
  store: Pick<Store, 'dialect'>,
  url: string | undefined,
  opts: SchedulerOptions & { recoveryMs?: number }
): JobScheduler {
  if (store.dialect === 'postgres' && url) return new PgBossScheduler({ ...opts, url });
  const { recoveryMs: _, ...rest } = opts;
  return new Scheduler(rest);
}

function intervalOf(spec: JobSpec): number {
  try {
    return jobTiming(spec).intervalMs;
  } catch {
    return 60_000; // a bad spec runs (and fails) once a minute
  }
}
