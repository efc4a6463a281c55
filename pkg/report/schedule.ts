import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Clock } from '../core/clock';
import { UndiciSender, type Sender } from '../notify/http';
import { bucketStart } from './model';
import type { RenderedReport } from './render';

const DAY = 86_400_000;
/** A failed scheduled report is tried again after this long. */
const RETRY_MS = 15 * 60_000;

/** File extension of each report format. */
const EXTENSION: Record<string, string> = { pdf: 'pdf', html: 'html', md: 'md', json: 'json' };

/** A scheduled report: every day or week, over the jobs (default all), to a folder and/or a webhook. */
export interface ReportScheduleConfig {
  name: string;
  every: '1d' | '1w';
  format?: 'pdf' | 'html' | 'md' | 'json';
  jobs?: string[];
  title?: string;
  folder?: string;
  webhook?: { url: string; headers?: Record<string, string> };
}

/** Bookkeeping of scheduled reports: the end of the last period each one covered (so restarts do not repeat). */
export interface ReportRunStore {
  lastRun(name: string): Promise<number | undefined>;
  setLastRun(name: string, periodEnd: number): Promise<void>;
}

/** The outcome of one scheduled report. */
export interface ReportRun {
  name: string;
  from: number;
  to: number;
  /** file written, when the report has a folder */
  file?: string;
  /** HTTP status of the webhook, when it has one */
  webhookStatus?: number;
  error?: string;
}

export interface ReportSchedulerDeps {
  clock: Clock;
  runs: ReportRunStore;
  /** render the report of one schedule over [from, to) */
  render(config: ReportScheduleConfig, from: number, to: number): Promise<RenderedReport>;
  sender?: Sender;
  logger?: { info(obj: unknown, msg?: string): void; warn(obj: unknown, msg?: string): void };
  onRun?: (run: ReportRun) => void;
}

/**
 * The period a scheduled report covers when run at `now`: the last whole UTC day (`1d`) or the last whole week
 * from Monday 00:00 UTC (`1w`) before `now`.
 */
export function lastPeriod(every: '1d' | '1w', now: number): { from: number; to: number } {
  const to = bucketStart(now, every);
  return { from: to - (every === '1d' ? DAY : 7 * DAY), to };
}

/**
 * Runs scheduled reports: each one covers the last whole day or week (UTC) and is written to its folder as
 * `<name>-<YYYY-MM-DD>.<format>` and/or POSTed to its webhook (the rendered body with its content type and
 * `X-Vigil-Report`, `X-Vigil-Report-From`, `X-Vigil-Report-To` headers; retried like notifications). At start a
 * report whose last period has not been sent yet runs once (a restart never repeats a sent period, and a long
 * stop sends only the latest period); a failed one is tried again every 15 minutes. Time comes from the engine
 * clock.
 */
export class ReportScheduler {
  private readonly timers = new Map<string, unknown>();
  private readonly sender: Sender;
  private readonly ownSender?: UndiciSender;
  private stopped = true;
  private running: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly configs: readonly ReportScheduleConfig[],
    private readonly deps: ReportSchedulerDeps
  ) {
    this.ownSender = deps.sender ? undefined : new UndiciSender();
    this.sender = deps.sender ?? this.ownSender!;
  }

  /** Schedule every report; a due one runs right away. */
  async start(): Promise<void> {
    this.stopped = false;
    for (const c of this.configs) await this.plan(c);
  }

  /** Cancel the timers and wait for a report being written. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const t of this.timers.values()) this.deps.clock.clearTimeout(t);
    this.timers.clear();
    await this.running;
    await this.ownSender?.close();
  }

  /**
   * Produce one report now for its last whole period (also used by the timers).
   * @returns what was written or sent
   */
  async runNow(config: ReportScheduleConfig): Promise<ReportRun> {
    const { from, to } = lastPeriod(config.every, this.deps.clock.now());
    const run: ReportRun = { name: config.name, from, to };
    try {
      const rendered = await this.deps.render(config, from, to);
      const format = config.format ?? 'pdf';
      if (config.folder) {
        await mkdir(config.folder, { recursive: true });
        const file = path.join(
          config.folder,
          `${config.name}-${new Date(from).toISOString().slice(0, 10)}.${EXTENSION[format]}`
        );
        await writeFile(file, rendered.body);
        run.file = file;
      }
      if (config.webhook) {
        const res = await this.sender.send({
          method: 'POST',
          url: config.webhook.url,
          headers: {
            ...(config.webhook.headers ?? {}),
            'content-type': rendered.contentType,
            'x-vigil-report': config.name,
            'x-vigil-report-from': new Date(from).toISOString(),
            'x-vigil-report-to': new Date(to).toISOString(),
          },
          body: typeof rendered.body === 'string' ? rendered.body : Buffer.from(rendered.body),
        });
        run.webhookStatus = res.status;
        if (res.status < 200 || res.status >= 300) run.error = `webhook answered HTTP ${res.status}`;
      }
      if (!run.error) await this.deps.runs.setLastRun(config.name, to);
    } catch (err) {
      run.error = (err as Error).message;
    }
    if (run.error) this.deps.logger?.warn({ report: config.name, error: run.error }, 'scheduled report failed');
    else
      this.deps.logger?.info(
        { report: config.name, file: run.file, webhook: run.webhookStatus },
        'scheduled report sent'
      );
    this.deps.onRun?.(run);
    return run;
  }

  private async plan(config: ReportScheduleConfig): Promise<void> {
    if (this.stopped) return;
    const now = this.deps.clock.now();
    const { to } = lastPeriod(config.every, now);
    const last = await this.deps.runs.lastRun(config.name);
    let failed = false;
    if (last === undefined || last < to) {
      const p = this.runNow(config);
      this.running = p;
      failed = (await p).error !== undefined;
    }
    if (this.stopped) return;
    const next = to + (config.every === '1d' ? DAY : 7 * DAY);
    // a failed report is tried again in 15 minutes, a sent one at the end of the next period
    const wait = failed ? Math.min(RETRY_MS, next - now) : next - this.deps.clock.now();
    const handle = this.deps.clock.setTimeout(
      () => {
        this.timers.delete(config.name);
        void this.plan(config);
      },
      Math.max(1000, wait)
    );
    this.timers.set(config.name, handle);
  }
}
