import { Agent, interceptors, request, type Dispatcher } from 'undici';
import type { RetryConfig } from './types';

/** Defaults of delivery retries: 4 retries, 1 s doubling up to 30 s, 10 s per attempt. */
export const DEFAULT_RETRY: RetryConfig = { retries: 4, minDelayMs: 1000, maxDelayMs: 30_000, timeoutMs: 10_000 };

/** HTTP statuses worth retrying: rate limited and server errors. */
export const RETRY_STATUSES = [408, 425, 429, 500, 502, 503, 504];

/** One HTTP request a notifier makes. `url` and `headers` may hold secrets: they never reach logs or errors. */
export interface OutgoingRequest {
  method: 'POST' | 'PATCH' | 'PUT';
  url: string;
  headers?: Record<string, string>;
  /** JSON text (the default content type), or bytes with a `content-type` header (e.g. a PDF report) */
  body: string | Buffer;
}

/** The answer, after retries. */
export interface OutgoingResponse {
  status: number;
  body: string;
  attempts: number;
}

/** Sends notification requests; the default is `UndiciSender`, tests may pass another. */
export interface Sender {
  send(req: OutgoingRequest): Promise<OutgoingResponse>;
}

/**
 * A delivery that failed after its retries. The message names the receiver's kind of failure (HTTP status,
 * timeout, connection refused), never the URL, headers or body, so it can be logged and served.
 */
export class DeliveryError extends Error {
  constructor(
    message: string,
    readonly attempts: number,
    readonly status?: number
  ) {
    super(message);
    this.name = 'DeliveryError';
  }
}

/**
 * Sends JSON with undici, retrying HTTP 408/425/429/5xx and network errors with exponential backoff (undici's
 * retry interceptor: `minDelayMs` doubling up to `maxDelayMs`, honouring `Retry-After`), counting the attempts.
 * A final HTTP error status is returned (the caller decides); a network failure or exhausted retries throw
 * `DeliveryError` with a message free of secrets.
 */
export class UndiciSender implements Sender {
  private readonly agent: Agent;
  private readonly retry: RetryConfig;
  constructor(retry: Partial<RetryConfig> = {}) {
    this.retry = { ...DEFAULT_RETRY, ...retry };
    this.agent = new Agent({ connect: { timeout: this.retry.timeoutMs } });
  }

  async send(req: OutgoingRequest): Promise<OutgoingResponse> {
    let attempts = 0;
    const count: Dispatcher.DispatcherComposeInterceptor = (dispatch) => (opts, handler) => {
      attempts++;
      return dispatch(opts, handler);
    };
    const dispatcher = this.agent.compose(
      count,
      interceptors.retry({
        maxRetries: this.retry.retries,
        minTimeout: this.retry.minDelayMs,
        maxTimeout: this.retry.maxDelayMs,
        timeoutFactor: 2,
        retryAfter: true,
        methods: ['POST', 'PATCH', 'PUT'],
        statusCodes: RETRY_STATUSES,
        errorCodes: [
          'ECONNRESET',
          'ECONNREFUSED',
          'ENOTFOUND',
          'ENETDOWN',
          'ENETUNREACH',
          'EHOSTDOWN',
          'EHOSTUNREACH',
          'EPIPE',
          'UND_ERR_SOCKET',
          'UND_ERR_CONNECT_TIMEOUT',
          'UND_ERR_HEADERS_TIMEOUT',
          'UND_ERR_BODY_TIMEOUT',
        ],
        throwOnError: true,
      })
    );
    try {
      const res = await request(req.url, {
        method: req.method,
        headers: { 'content-type': 'application/json', 'user-agent': 'vigil-notifier', ...(req.headers ?? {}) },
        body: req.body,
        dispatcher,
        headersTimeout: this.retry.timeoutMs,
        bodyTimeout: this.retry.timeoutMs,
      });
      const body = await res.body.text();
      return { status: res.statusCode, body, attempts: Math.max(1, attempts) };
    } catch (err) {
      throw new DeliveryError(describeFailure(err), Math.max(1, attempts), (err as { statusCode?: number }).statusCode);
    }
  }

  /** Close idle connections. */
  async close(): Promise<void> {
    await this.agent.close();
  }
}

/** A failure in words without the URL: `HTTP 503 after retries`, `connection refused`, `timed out`. */
export function describeFailure(err: unknown): string {
  const e = err as { code?: string; statusCode?: number; name?: string; cause?: { code?: string } };
  if (e.statusCode) return `HTTP ${e.statusCode} after retries`;
  const code = e.code ?? e.cause?.code;
  switch (code) {
    case 'ECONNREFUSED':
      return 'connection refused';
    case 'ENOTFOUND':
      return 'host not found';
    case 'ECONNRESET':
    case 'UND_ERR_SOCKET':
      return 'connection reset';
    case 'UND_ERR_CONNECT_TIMEOUT':
      return 'connect timed out';
    case 'UND_ERR_HEADERS_TIMEOUT':
    case 'UND_ERR_BODY_TIMEOUT':
      return 'timed out waiting for the answer';
    case 'UND_ERR_INVALID_ARG':
    case 'ERR_INVALID_URL':
      return 'invalid URL';
    default:
      return code ? `request failed (${code})` : `request failed (${e.name ?? 'error'})`;
  }
}
