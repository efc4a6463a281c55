import { pushTimeseries } from 'prometheus-remote-write';
import { SourceError } from '../core/errors';
import { scrubSecrets } from '../core/scrub';
import type { Clock } from '../core/clock';
import { parseInterval } from '../core/interval';
import type { RemoteWriteConfig } from '../config/config';
import type { Labels } from '../core/series';
import type { DriftStatus } from '../contract/results';
import { resultLabels } from '../promapi/catalog';
import {
  authorizationHeader,
  caDispatcher,
  defaultHttpServices,
  redact,
  type FetchLike,
  type HttpAuth,
  type HttpServices,
} from '../sources/http';
import { toHttpAuth } from '../sources/seriesSources';
import type { Repo, ResultSeriesRows } from '../store/repo';

/** Settings of the remote write of job results (`remoteWrite` in vigil.yaml, durations resolved to ms). */
export interface RemoteWriteOptions {
  /** the receiver's write endpoint, e.g. `http://prometheus:9090/api/v1/write` */
  url: string;
  auth?: HttpAuth;
  /** extra headers, e.g. `X-Scope-OrgID` */
  headers?: Record<string, string>;
  /** PEM CA certificate(s) to trust for https */
  caCert?: string | Buffer;
  /** per-request timeout in ms (default 10 000) */
  timeoutMs?: number;
  /** further attempts after a network error, a timeout, a 5xx or a 429 (default 2) */
  retries?: number;
  /** oldest sample sent, in ms back from a run's newest point (default 3 600 000: one hour) */
  maxSampleAgeMs?: number;
  /** wait before the first retry in ms, doubled for each further one (default 500) */
  backoffMs?: number;
  /** most samples in one request; a run's samples take as many requests as needed, in order (default 5 000) */
  maxSamplesPerRequest?: number;
}

/** One series of a remote-write request: its labels (with `__name__`) and samples in time order (epoch ms). */
export interface RemoteWriteSeries {
  labels: Labels & { __name__: string };
  samples: { value: number; timestamp: number }[];
}

/** What one send after a run did. */
export interface RemoteWriteOutcome {
  /** samples the receiver accepted (0 when there was nothing new or the write failed) */
  samples: number;
  /** requests made (1 + retries used; 0 when there was nothing to send) */
  attempts: number;
  /** set when the samples were not written: the scrubbed reason, as logged */
  error?: string;
  /** whether the samples are kept to be sent again with the job's next run */
  kept?: boolean;
}

export const REMOTE_WRITE_DEFAULTS = {
  timeoutMs: 10_000,
  retries: 2,
  maxSampleAgeMs: 3_600_000,
  backoffMs: 500,
  maxSamplesPerRequest: 5000,
};

/**
 * The remote-write series of a job's stored results, labelled exactly as the engine's Prometheus-compatible API
 * labels them (`resultLabels`): `vigil_anomaly_score` (0-100, points with a score), `vigil_anomalous` (1 above the
 * band, -1 below, 0 normal; points with a value), `vigil_expected{bound="lower|mean|upper"}` (the band and expected
 * value), and for drift checks after `driftAfter` (epoch ms) `vigil_drift` (1/0) and `vigil_drift_p_value` at the
 * time of the check. Null values are left out; samples are in time order, series without samples are dropped.
 */
export function remoteWriteSeries(
  results: ResultSeriesRows[],
  drift: DriftStatus[],
  driftAfter = -Infinity
): RemoteWriteSeries[] {
  const out: RemoteWriteSeries[] = [];
  const add = (labels: Labels, samples: RemoteWriteSeries['samples']) => {
    if (samples.length > 0) out.push({ labels: labels as RemoteWriteSeries['labels'], samples });
  };
  for (const s of results) {
    const points = [...s.points].sort((a, b) => a.t - b.t);
    const l = (name: string, extra: Labels = {}) => resultLabels(name, s.jobName, s.jobId, s.labels, extra);
    const pick = (f: (p: (typeof points)[number]) => number | null) =>
      points.flatMap((p) => {
        const v = f(p);
        return v === null || !Number.isFinite(v) ? [] : [{ value: v, timestamp: p.t }];
      });
    add(
      l('vigil_anomaly_score'),
      pick((p) => p.score)
    );
    add(
      l('vigil_anomalous'),
      pick((p) => (p.value === null ? null : p.anomaly ? p.direction || 1 : 0))
    );
    add(
      l('vigil_expected', { bound: 'lower' }),
      pick((p) => p.lower)
    );
    add(
      l('vigil_expected', { bound: 'mean' }),
      pick((p) => p.expected)
    );
    add(
      l('vigil_expected', { bound: 'upper' }),
      pick((p) => p.upper)
    );
  }
  for (const d of drift) {
    if (!(d.checkedAt > driftAfter)) continue;
    add(resultLabels('vigil_drift', d.name, d.jobId, d.labels), [
      { value: d.drifting ? 1 : 0, timestamp: d.checkedAt },
    ]);
    if (Number.isFinite(d.pValue))
      add(resultLabels('vigil_drift_p_value', d.name, d.jobId, d.labels), [
        { value: d.pValue, timestamp: d.checkedAt },
      ]);
  }
  return out;
}

/**
 * The series split into requests of at most `max` samples (at least one), each series' samples in time order across
 * the requests, which are sent one after the other.
 */
export function requestBatches(series: RemoteWriteSeries[], max: number): RemoteWriteSeries[][] {
  const size = Math.max(1, Math.floor(max));
  const out: RemoteWriteSeries[][] = [];
  let batch: RemoteWriteSeries[] = [];
  let n = 0;
  for (const s of series) {
    for (let i = 0; i < s.samples.length;) {
      const take = Math.min(size - n, s.samples.length - i);
      batch.push({ labels: s.labels, samples: s.samples.slice(i, i + take) });
      n += take;
      i += take;
      if (n === size) {
        out.push(batch);
        batch = [];
        n = 0;
      }
    }
  }
  if (batch.length > 0) out.push(batch);
  return out;
}

/** A failed request: whether a retry may succeed (network, timeout, 5xx, 429) or not (any other 4xx). */
class WriteFailure extends Error {
  constructor(
    message: string,
    readonly transient: boolean
  ) {
    super(message);
  }
}

interface Logger {
  warn(obj: unknown, msg?: string): void;
  error?(obj: unknown, msg?: string): void;
  debug?(obj: unknown, msg?: string): void;
}

/**
 * Writes each job run's results to a Prometheus-compatible TSDB with remote write (protocol 1.0: snappy-compressed
 * protobuf `WriteRequest`, encoded by the `prometheus-remote-write` library), so alert rules can run on the user's
 * own Prometheus, Mimir, Thanos or VictoriaMetrics and the results outlive the engine.
 *
 * After a run (`afterRun`) the job's stored results newer than what was last sent, and at most `maxSampleAgeMs`
 * older than the run's newest point, are read back from the store and sent in requests of at most
 * `maxSamplesPerRequest` samples; runs of one job are sent one after the other. A request that fails on the network, times out, or is answered 5xx or 429 is tried again
 * `retries` times with a doubling wait; if it still fails, an error naming the receiver and the cause is logged and
 * the samples are sent again with the job's next run (within `maxSampleAgeMs`). Another 4xx (e.g. samples out of the
 * receiver's time window) is logged and not retried. A failing write never fails the run: the results are already
 * in the store, which the engine's own API serves. Every message is scrubbed of credentials.
 */
export class RemoteWriteSink {
  private readonly options: Required<
    Pick<RemoteWriteOptions, 'timeoutMs' | 'retries' | 'maxSampleAgeMs' | 'backoffMs' | 'maxSamplesPerRequest'>
  > &
    RemoteWriteOptions;
  private readonly headers: Record<string, string>;
  private readonly fetch: FetchLike;
  private readonly dispatcher: ReturnType<typeof caDispatcher>;
  /** per job: newest result time sent (or given up on), and newest drift check sent */
  private readonly sent = new Map<string, { results: number; drift: number }>();
  private readonly queues = new Map<string, Promise<unknown>>();

  /** @throws SourceError when the URL is not an absolute http(s) URL */
  constructor(
    options: RemoteWriteOptions,
    private readonly deps: {
      repo: Pick<Repo, 'getState' | 'readResults' | 'listDrift'>;
      clock: Pick<Clock, 'now'>;
      logger?: Logger;
      services?: HttpServices;
      /** the engine's metrics: samples sent, kept for the next run, refused */
      metrics?: { observeRemoteWrite(samples: number, outcome: 'sent' | 'kept' | 'refused'): void };
      /** waits between retries (tests pass a fast one) */
      sleep?: (ms: number) => Promise<void>;
    }
  ) {
    if (!/^https?:\/\/[^/]/.test(options.url)) {
      throw new SourceError('remote write', `url must be an absolute http(s) URL, got "${redact(options.url)}"`);
    }
    this.options = { ...REMOTE_WRITE_DEFAULTS, ...stripUndefined(options), url: options.url };
    this.headers = { ...(options.headers ?? {}) };
    if (options.auth) this.headers.authorization = authorizationHeader('remote write', options.auth);
    this.fetch = (deps.services ?? defaultHttpServices()).fetch;
    this.dispatcher = caDispatcher(options.caCert);
  }

  /**
   * Send the job's new results after one of its runs, in the background (after the job's earlier sends). Never
   * throws and never rejects; the outcome is logged (and returned by the promise, for tests).
   */
  afterRun(jobId: string): Promise<RemoteWriteOutcome> {
    const prev = this.queues.get(jobId) ?? Promise.resolve();
    const next = prev.then(() =>
      this.send(jobId).catch((err: unknown) => {
        const error = `remote write of job ${jobId} failed: ${scrubSecrets(String((err as Error)?.message ?? err))}`;
        this.log('warn', { jobId }, `remote write failed: ${error}`);
        return { samples: 0, attempts: 0, error } as RemoteWriteOutcome;
      })
    );
    this.queues.set(jobId, next);
    void next.finally(() => {
      if (this.queues.get(jobId) === next) this.queues.delete(jobId);
    });
    return next;
  }

  /** Resolves once every send under way has ended. */
  async idle(): Promise<void> {
    while (this.queues.size > 0) await Promise.allSettled([...this.queues.values()]);
  }

  /** Wait for the sends under way and release the CA dispatcher's sockets. */
  async close(): Promise<void> {
    await this.idle();
    if (this.dispatcher) await this.dispatcher.close();
  }

  private async send(jobId: string): Promise<RemoteWriteOutcome> {
    const { repo } = this.deps;
    const state = await repo.getState(jobId);
    const newest = state.lastProcessed;
    if (newest === undefined) {
      this.log('debug', { jobId }, 'remote write: the job has no results yet');
      return { samples: 0, attempts: 0 };
    }
    const mark = this.sent.get(jobId) ?? { results: -Infinity, drift: -Infinity };
    const from = Math.max(mark.results + 1, newest - this.options.maxSampleAgeMs);
    const results = from <= newest ? await repo.readResults(jobId, from, newest) : [];
    const drift = (await repo.listDrift()).filter((d) => d.jobId === jobId);
    const series = remoteWriteSeries(results, drift, mark.drift);
    const samples = series.reduce((n, s) => n + s.samples.length, 0);
    const done = {
      results: Math.max(mark.results, newest),
      drift: Math.max(mark.drift, ...drift.map((d) => d.checkedAt)),
    };
    if (samples === 0) {
      this.log('debug', { jobId, from, newest }, 'remote write: no new samples after the run');
      this.sent.set(jobId, done);
      return { samples: 0, attempts: 0 };
    }
    let attempts = 0;
    let written = 0;
    for (const batch of requestBatches(series, this.options.maxSamplesPerRequest)) {
      const inBatch = batch.reduce((n, s) => n + s.samples.length, 0);
      for (let tries = 1; ; tries++) {
        attempts++;
        try {
          await this.write(batch);
          written += inBatch;
          break;
        } catch (err) {
          const failure =
            err instanceof WriteFailure ? err : new WriteFailure(String((err as Error)?.message ?? err), true);
          if (failure.transient && tries <= this.options.retries) {
            await (this.deps.sleep ?? sleep)(this.options.backoffMs * 2 ** (tries - 1));
            continue;
          }
          // the run's samples go again with the next run (the receiver takes the ones it has twice), unless the
          // receiver refused them: a retry would not change that
          const kept = failure.transient;
          if (!kept) this.sent.set(jobId, done);
          if (written > 0) this.deps.metrics?.observeRemoteWrite(written, 'sent');
          this.deps.metrics?.observeRemoteWrite(samples - written, kept ? 'kept' : 'refused');
          const error = scrubSecrets(
            `remote write to ${redact(this.options.url)} failed after ${tries} attempt${tries > 1 ? 's' : ''}: ` +
              `${failure.message}; ${samples - written} samples of job ${jobId} ` +
              (kept
                ? 'stay in the store and are sent again with its next run'
                : 'were refused and are not sent again (they stay in the store)')
          );
          this.log('error', { jobId, samples: samples - written }, `remote write failed: ${error}`);
          return { samples: written, attempts, error, kept };
        }
      }
    }
    this.sent.set(jobId, done);
    this.deps.metrics?.observeRemoteWrite(samples, 'sent');
    this.log('debug', { jobId, samples, series: series.length, attempts }, 'results written with remote write');
    return { samples, attempts };
  }

  /** One remote-write request. @throws WriteFailure */
  private async write(series: RemoteWriteSeries[]): Promise<void> {
    const timeoutMs = this.options.timeoutMs;
    const fetch = this.fetch;
    const dispatcher = this.dispatcher;
    let result: { status: number; statusText: string; errorMessage?: string };
    try {
      result = await pushTimeseries(series, {
        url: this.options.url,
        headers: this.headers,
        // the library's request through the engine's HTTP client (undici), with a timeout
        fetch: (url, init) =>
          fetch(url, {
            method: init?.method ?? 'POST',
            headers: init?.headers ?? {},
            body: init?.body as unknown as string,
            signal: AbortSignal.timeout(timeoutMs),
            ...(dispatcher ? { dispatcher } : {}),
          }).then((r) => ({ status: r.status, statusText: r.statusText ?? '', text: () => r.text() })),
      });
    } catch (err) {
      const e = err as { name?: string; message?: string; cause?: { code?: string; message?: string } };
      if (e?.name === 'TimeoutError') throw new WriteFailure(`no answer within ${timeoutMs} ms`, true);
      const code = e?.cause?.code;
      if (code === 'ECONNREFUSED') throw new WriteFailure('connection refused (is the receiver running?)', true);
      throw new WriteFailure([code, e?.cause?.message ?? e?.message].filter(Boolean).join(': ') || String(err), true);
    }
    if (result.status >= 200 && result.status < 300) return;
    const body = (result.errorMessage ?? '').trim().slice(0, 300);
    const hint = /out of (bounds|order)|too old/i.test(body)
      ? ' (the receiver refuses samples this old: lower remoteWrite.maxSampleAge, or let the receiver take ' +
        'out-of-order samples, e.g. Prometheus storage.tsdb.out_of_order_time_window)'
      : result.status === 404
        ? ' (is the remote-write receiver enabled? Prometheus needs --web.enable-remote-write-receiver)'
        : '';
    throw new WriteFailure(
      `HTTP ${result.status} ${result.statusText}${body ? `: ${body}` : ''}${hint}`,
      result.status >= 500 || result.status === 429
    );
  }

  private log(level: 'warn' | 'error' | 'debug', obj: Record<string, unknown>, msg: string): void {
    const logger = this.deps.logger;
    if (!logger) return;
    if (level === 'error') (logger.error ?? logger.warn).call(logger, obj, msg);
    else if (level === 'debug') logger.debug?.(obj, msg);
    else logger.warn(obj, msg);
  }
}

/**
 * The sink of a `remoteWrite` config block (durations parsed, auth resolved).
 * @throws InputError for a bad duration; SourceError for a bad URL
 */
export function remoteWriteSink(
  config: RemoteWriteConfig,
  deps: ConstructorParameters<typeof RemoteWriteSink>[1]
): RemoteWriteSink {
  return new RemoteWriteSink(
    {
      url: config.url,
      auth: toHttpAuth(config.auth),
      headers: config.headers,
      retries: config.retries,
      timeoutMs: config.timeout ? parseInterval(config.timeout, 'remoteWrite.timeout') : undefined,
      maxSampleAgeMs: config.maxSampleAge ? parseInterval(config.maxSampleAge, 'remoteWrite.maxSampleAge') : undefined,
    },
    deps
  );
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
