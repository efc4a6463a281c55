/**
 * Plain-HTTP plumbing shared by the Prometheus and Elasticsearch/OpenSearch sources: auth headers, a custom CA,
 * timeouts, and turning every transport failure (refused, DNS, TLS, timeout, garbage body) into a `SourceError`
 * that names the source, the URL and what went wrong.
 *
 * HTTP itself is undici's `fetch` (the library Node's own fetch is built on); services are injectable so tests
 * can record or replay shapes without a server.
 */
import { Agent, fetch as undiciFetch } from 'undici';
import type { Dispatcher } from 'undici';
import { SourceError } from '../core/errors';

/** The subset of `fetch` a source needs (undici's and Node's global fetch both satisfy it). */
export type FetchLike = (
  url: string,
  init: {
    method: string;
    headers: Record<string, string>;
    body?: string;
    signal?: AbortSignal;
    dispatcher?: Dispatcher;
  }
) => Promise<{
  status: number;
  statusText?: string;
  text(): Promise<string>;
  /** the body as a stream (undici's fetch): read with a byte limit; without it `text()` is read and measured */
  body?: AsyncIterable<Uint8Array> | null;
  headers?: { get(name: string): string | null };
}>;

/** HTTP basic auth (`Authorization: Basic base64(user:password)`). */
export interface BasicAuth {
  type: 'basic';
  username: string;
  password: string;
}
/** Bearer token (`Authorization: Bearer <token>`), e.g. a Grafana Cloud / Mimir access token. */
export interface BearerAuth {
  type: 'bearer';
  token: string;
}
/**
 * Elasticsearch API key (`Authorization: ApiKey <key>`). `key` is the base64 `id:api_key` ("encoded" field of
 * the create-API-key answer); alternatively give `id` and `apiKey` and it is encoded here.
 */
export interface ApiKeyAuth {
  type: 'apikey';
  key?: string;
  id?: string;
  apiKey?: string;
}
export type HttpAuth = BasicAuth | BearerAuth | ApiKeyAuth;

/** Connection settings common to the HTTP sources. */
export interface HttpClientOptions {
  /** Base URL, e.g. `http://localhost:9090` or `https://es.example.org:9200/prefix`. */
  url: string;
  auth?: HttpAuth;
  /** PEM CA certificate(s) to trust for https, in addition to nothing else (like curl --cacert). */
  caCert?: string | Buffer;
  /** Per-request timeout in ms (default 30 000). */
  timeoutMs?: number;
  /** Extra headers sent with every request (e.g. `X-Scope-OrgID` for Mimir/Cortex tenants). */
  headers?: Record<string, string>;
  /** Most bytes of one answer's body (default 32 MiB); a larger answer is refused as it arrives. */
  maxAnswerBytes?: number;
}

/** Injected I/O. The default is undici's fetch. */
export interface HttpServices {
  fetch: FetchLike;
}

export const DEFAULT_TIMEOUT_MS = 30_000;

/** Most bytes of one source answer the engine reads (32 MiB): a larger one is refused before it fills memory. */
export const DEFAULT_MAX_ANSWER_BYTES = 32 * 1024 * 1024;

/** HTTP status a `SourceError` carries when the source's answer was over the byte limit (the API answers 400). */
export const ANSWER_TOO_LARGE = 413;

/** Default services: undici's fetch (which accepts a `dispatcher` for the custom CA). */
export function defaultHttpServices(): HttpServices {
  return { fetch: undiciFetch as unknown as FetchLike };
}

/**
 * The `Authorization` header value for an auth setting.
 * @throws SourceError when an API key is given neither as `key` nor as `id` + `apiKey`
 */
export function authorizationHeader(source: string, auth: HttpAuth): string {
  switch (auth.type) {
    case 'basic':
      return 'Basic ' + Buffer.from(`${auth.username}:${auth.password}`, 'utf8').toString('base64');
    case 'bearer':
      return `Bearer ${auth.token}`;
    case 'apikey': {
      if (auth.key) return `ApiKey ${auth.key}`;
      if (auth.id && auth.apiKey)
        return 'ApiKey ' + Buffer.from(`${auth.id}:${auth.apiKey}`, 'utf8').toString('base64');
      throw new SourceError(source, 'API key auth needs "key" (base64 id:api_key) or both "id" and "apiKey"');
    }
  }
}

/** An undici dispatcher trusting the given CA (PEM), or undefined when none is given. */
export function caDispatcher(caCert: string | Buffer | undefined): Dispatcher | undefined {
  if (caCert === undefined) return undefined;
  return new Agent({ connect: { ca: caCert } });
}

/** One HTTP exchange, already read to text. */
export interface HttpAnswer {
  status: number;
  statusText: string;
  text: string;
}

/** A configured HTTP endpoint: base URL, auth, CA, timeout and the error wording for one source kind. */
export class HttpEndpoint {
  readonly source: string;
  readonly baseUrl: string;
  readonly timeoutMs: number;
  readonly maxAnswerBytes: number;
  private readonly headers: Record<string, string>;
  private readonly dispatcher: Dispatcher | undefined;
  private readonly services: HttpServices;

  /**
   * @param source source name used in error messages, e.g. `prometheus`
   * @throws SourceError when the URL is not an absolute http(s) URL or the timeout is not positive
   */
  constructor(source: string, options: HttpClientOptions, services: HttpServices = defaultHttpServices()) {
    this.source = source;
    let parsed: URL;
    try {
      parsed = new URL(options.url);
    } catch {
      throw new SourceError(source, `"${options.url}" is not a valid URL (expected e.g. http://localhost:9090)`);
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
      throw new SourceError(source, `URL "${options.url}" must use http or https, got ${parsed.protocol}`);
    }
    this.baseUrl = options.url.replace(/\/+$/, '');
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    if (!(this.timeoutMs > 0) || !Number.isFinite(this.timeoutMs)) {
      throw new SourceError(source, `timeoutMs must be a positive number of milliseconds, got ${options.timeoutMs}`);
    }
    this.maxAnswerBytes = options.maxAnswerBytes ?? DEFAULT_MAX_ANSWER_BYTES;
    if (!(this.maxAnswerBytes > 0)) {
      throw new SourceError(source, `maxAnswerBytes must be a positive number of bytes, got ${options.maxAnswerBytes}`);
    }
    this.headers = { ...(options.headers ?? {}) };
    if (options.auth) this.headers.authorization = authorizationHeader(source, options.auth);
    this.dispatcher = caDispatcher(options.caCert);
    this.services = services;
  }

  /**
   * Send one request and read the body as text. Non-2xx answers are returned (callers parse error bodies);
   * transport failures throw.
   *
   * @param path path (and query string) appended to the base URL, starting with `/`
   * @throws SourceError on timeout, refused connection, DNS or TLS failure, naming the URL; with status 413
   *   (`ANSWER_TOO_LARGE`) when the body is larger than `maxAnswerBytes` (the rest is not read)
   */
  async request(
    method: 'GET' | 'POST' | 'PUT' | 'DELETE' | 'HEAD',
    path: string,
    body?: { contentType: string; text: string }
  ): Promise<HttpAnswer> {
    const url = this.baseUrl + path;
    const headers: Record<string, string> = { accept: 'application/json', ...this.headers };
    if (body) headers['content-type'] = body.contentType;
    const signal = AbortSignal.timeout(this.timeoutMs);
    let res: Awaited<ReturnType<FetchLike>>;
    try {
      res = await this.services.fetch(url, {
        method,
        headers,
        body: body?.text,
        signal,
        ...(this.dispatcher ? { dispatcher: this.dispatcher } : {}),
      });
    } catch (err) {
      throw this.transportError(method, url, err);
    }
    const tooLarge = (size: string) =>
      new SourceError(
        this.source,
        `${method} ${redact(url)} answered ${size}, more than the limit of ${mib(this.maxAnswerBytes)}; ` +
          'ask for a shorter range, a longer interval or fewer series',
        ANSWER_TOO_LARGE
      );
    const declared = Number(res.headers?.get('content-length') ?? NaN);
    if (declared > this.maxAnswerBytes) {
      await cancel(res.body);
      throw tooLarge(mib(declared));
    }
    let text: string;
    try {
      text = res.body ? await readLimited(res.body, this.maxAnswerBytes) : await res.text();
    } catch (err) {
      if (err instanceof AnswerTooLarge) throw tooLarge(`over ${mib(this.maxAnswerBytes)}`);
      throw this.transportError(method, url, err);
    }
    if (text.length > this.maxAnswerBytes) throw tooLarge(`over ${mib(this.maxAnswerBytes)}`);
    return { status: res.status, statusText: res.statusText ?? '', text };
  }

  /** Release the CA dispatcher's sockets, if one was created. */
  async close(): Promise<void> {
    if (this.dispatcher) await this.dispatcher.close();
  }

  private transportError(method: string, url: string, err: unknown): SourceError {
    const where = `${method} ${redact(url)}`;
    const e = err as { name?: string; message?: string; cause?: { code?: string; message?: string } };
    if (e?.name === 'TimeoutError' || (e?.name === 'AbortError' && /timeout/i.test(e.message ?? ''))) {
      return new SourceError(this.source, `${where} timed out after ${this.timeoutMs} ms`);
    }
    if (e?.name === 'AbortError') return new SourceError(this.source, `${where} was aborted`);
    const code = e?.cause?.code;
    const causeMsg = e?.cause?.message;
    if (code === 'ECONNREFUSED') {
      return new SourceError(
        this.source,
        `cannot connect to ${redact(this.baseUrl)}: connection refused (is it running?)`
      );
    }
    if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
      return new SourceError(this.source, `cannot resolve host of ${redact(this.baseUrl)} (${code})`);
    }
    if (code && /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ALTNAME/.test(code)) {
      return new SourceError(
        this.source,
        `${where} failed: TLS certificate not accepted (${code}: ${causeMsg ?? ''}); for a private CA give its PEM as caCert`
      );
    }
    const detail = [code, causeMsg ?? e?.message].filter(Boolean).join(': ');
    return new SourceError(this.source, `${where} failed: ${detail || String(err)}`);
  }
}

class AnswerTooLarge extends Error {}

/** Read a body stream as UTF-8 text, stopping (and cancelling the rest) once it passes `limit` bytes. */
async function readLimited(body: AsyncIterable<Uint8Array>, limit: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.byteLength;
    // leaving the loop early cancels the stream: the rest of the answer is never read
    if (size > limit) throw new AnswerTooLarge();
    chunks.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
  }
  return Buffer.concat(chunks, size).toString('utf8');
}

async function cancel(body: AsyncIterable<Uint8Array> | null | undefined): Promise<void> {
  const b = body as { cancel?: () => Promise<void> } | null | undefined;
  await b?.cancel?.().catch(() => undefined);
}

function mib(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

/** The URL without user:password. */
export function redact(url: string): string {
  return url.replace(/\/\/[^/@]*@/, '//***@');
}

/**
 * Parse a JSON body, or throw a SourceError that quotes the start of the garbage (an HTML login page, a proxy
 * error...).
 */
export function parseJsonBody(source: string, what: string, answer: HttpAnswer): unknown {
  try {
    return JSON.parse(answer.text);
  } catch {
    const snippet = answer.text.slice(0, 200).replace(/\s+/g, ' ').trim();
    return failNotJson(source, what, answer.status, snippet);
  }
}

function failNotJson(source: string, what: string, status: number, snippet: string): never {
  throw new SourceError(
    source,
    `${what}: answer is not JSON (HTTP ${status}${snippet ? `, body starts "${snippet}"` : ', empty body'})`,
    status
  );
}
