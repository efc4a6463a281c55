/**
 * The engine client used by the data source, the panel and the app pages. Every request goes through
 * Grafana's data source proxy (`<instance url>/engine/...`), where the `routes` entry of the data
 * source's plugin.json adds `Authorization: Bearer <token>` from secureJsonData; the token never
 * reaches the browser.
 */
import { getBackendSrv, getDataSourceSrv, FetchError, FetchResponse } from '@grafana/runtime';
import { lastValueFrom } from 'rxjs';

import { DATASOURCE_ID, ENGINE_ROUTE } from './constants';
import type { ErrorBody } from '../pkg/contract';

/** An engine or proxy failure with a message that says what failed. */
export class EngineError extends Error {
  constructor(
    message: string,
    readonly status?: number,
    readonly code?: string
  ) {
    super(message);
    this.name = 'EngineError';
  }
}

function isApiErrorBody(v: unknown): v is ErrorBody {
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof (v as ErrorBody).error === 'object' &&
    (v as ErrorBody).error !== null &&
    typeof (v as ErrorBody).error.message === 'string'
  );
}

/**
 * Turn a failed fetch into an `EngineError` whose message names the failure: the engine's own error
 * (`{ error: { code, message } }`), Grafana's proxy errors (`{ message }`, e.g. a bad gateway when the
 * engine is unreachable), or the HTTP status.
 */
export function toEngineError(err: unknown, what: string): EngineError {
  if (err instanceof EngineError) return err;
  const fe = err as Partial<FetchError>;
  const status = typeof fe?.status === 'number' ? fe.status : undefined;
  const data = fe?.data as unknown;
  if (isApiErrorBody(data)) {
    return new EngineError(
      `${what}: ${data.error.message} (${data.error.code}, HTTP ${status})`,
      status,
      data.error.code
    );
  }
  const hint =
    status === 502
      ? ' — Grafana could not reach the engine; check the engine URL in the data source settings and that the engine is running'
      : status === 504
        ? ' — the engine did not answer in time'
        : status === 401 || status === 403
          ? ' — check the engine token in the data source settings'
          : '';
  const proxyMsg = typeof data === 'object' && data !== null ? (data as { message?: unknown }).message : undefined;
  if (typeof proxyMsg === 'string' && proxyMsg) {
    return new EngineError(`${what}: ${proxyMsg} (HTTP ${status})${hint}`, status);
  }
  if (status === 0 || status === undefined) {
    const m = err instanceof Error ? err.message : fe?.statusText || 'network error';
    return new EngineError(`${what}: ${m}`, status);
  }
  return new EngineError(`${what}: HTTP ${status}${fe.statusText ? ` ${fe.statusText}` : ''}${hint}`, status);
}

export interface EngineRequest {
  method?: 'GET' | 'POST' | 'PUT' | 'DELETE';
  path: string;
  params?: Record<string, string | number | undefined>;
  data?: unknown;
}

/** Client for one Vigil data source instance, addressed by its proxy URL (`/api/datasources/proxy/uid/<uid>`). */
export class EngineClient {
  constructor(readonly instanceUrl: string) {}

  /** URL of an engine path through the proxy route, e.g. `/api/health` -> `<instance>/engine/api/health`. */
  url(path: string): string {
    return `${this.instanceUrl.replace(/\/$/, '')}/${ENGINE_ROUTE}${path.startsWith('/') ? path : `/${path}`}`;
  }

  /**
   * Send a request and return the JSON body.
   * @throws EngineError naming the failed request and the reason
   */
  async request<T>(req: EngineRequest, what = `${req.method ?? 'GET'} ${req.path}`): Promise<T> {
    const params: Record<string, string | number> = {};
    for (const [k, v] of Object.entries(req.params ?? {})) if (v !== undefined) params[k] = v;
    try {
      const res: FetchResponse<T> = await lastValueFrom(
        getBackendSrv().fetch<T>({
          url: this.url(req.path),
          method: req.method ?? 'GET',
          params,
          data: req.data,
          showErrorAlert: false,
          showSuccessAlert: false,
        })
      );
      return res.data;
    } catch (err) {
      throw toEngineError(err, what);
    }
  }

  get<T>(path: string, params?: EngineRequest['params'], what?: string): Promise<T> {
    return this.request<T>({ path, params }, what);
  }

  post<T>(path: string, data?: unknown, what?: string): Promise<T> {
    return this.request<T>({ method: 'POST', path, data }, what);
  }

  /**
   * GET a text answer (e.g. an HTML or Markdown report) instead of JSON.
   * @throws EngineError naming the failed request and the reason
   */
  async text(path: string, params?: EngineRequest['params'], what = `GET ${path}`): Promise<string> {
    const p: Record<string, string | number> = {};
    for (const [k, v] of Object.entries(params ?? {})) if (v !== undefined) p[k] = v;
    try {
      const res: FetchResponse<string> = await lastValueFrom(
        getBackendSrv().fetch<string>({
          url: this.url(path),
          method: 'GET',
          params: p,
          responseType: 'text',
          showErrorAlert: false,
          showSuccessAlert: false,
        })
      );
      return res.data;
    } catch (err) {
      throw toEngineError(err, what);
    }
  }

  /** The URL of a GET through the proxy with its query string (for links the browser follows, e.g. downloads). */
  href(path: string, params: Record<string, string | number | undefined> = {}): string {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(params)) if (v !== undefined) q.set(k, String(v));
    const qs = q.toString();
    return `${this.url(path)}${qs ? `?${qs}` : ''}`;
  }
}

/**
 * The client of the first Vigil data source Grafana knows about (or the one named `uid`), for the app
 * pages and the panel when their data did not come from a Vigil query.
 * @throws EngineError when no Vigil data source is configured
 */
export async function engineForDataSource(uid?: string): Promise<EngineClient> {
  const srv = getDataSourceSrv();
  const settings = uid
    ? srv.getInstanceSettings(uid)
    : srv.getList({ pluginId: DATASOURCE_ID } as Parameters<typeof srv.getList>[0])[0];
  if (!settings || settings.type !== DATASOURCE_ID) {
    throw new EngineError(
      uid
        ? `Data source ${uid} is not a Vigil data source`
        : 'No Vigil data source is configured: add one under Connections > Data sources'
    );
  }
  return new EngineClient(settings.url ?? `/api/datasources/proxy/uid/${settings.uid}`);
}
