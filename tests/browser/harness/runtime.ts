/**
 * Stand-ins for the Grafana services a plugin reaches through @grafana/runtime, for the browser test
 * harness: a fetch-based backendSrv (talking to the harness server, which plays Grafana's data source
 * proxy in front of a real `vigil serve`), a data source service knowing one Vigil data source, and a
 * template service replacing `$var` from a map.
 */
import type { DataSourceInstanceSettings, ScopedVars, TypedVariableModel } from '@grafana/data';
import type { BackendSrv, BackendSrvRequest, FetchResponse, TemplateSrv } from '@grafana/runtime';
import { from, Observable } from 'rxjs';

import { VigilDataSource } from '../../../src/datasource/datasource';
import type { VigilDataSourceOptions } from '../../../src/types';

/** Every request the plugin made, for assertions (method, url, body). */
export const requestLog: Array<{ method: string; url: string; body?: unknown; status: number }> = [];

function buildUrl(url: string, params?: BackendSrvRequest['params']): string {
  if (!params) return url;
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(params as Record<string, unknown>)) {
    if (v === undefined || v === null) continue;
    if (Array.isArray(v)) v.forEach((x) => qs.append(k, String(x)));
    else qs.append(k, String(v));
  }
  const s = qs.toString();
  return s ? `${url}${url.includes('?') ? '&' : '?'}${s}` : url;
}

async function doFetch<T>(options: BackendSrvRequest): Promise<FetchResponse<T>> {
  const method = (options.method ?? 'GET').toUpperCase();
  const url = buildUrl(options.url, options.params);
  const hasBody = options.data !== undefined && method !== 'GET';
  let res: Response;
  try {
    res = await fetch(url, {
      method,
      headers: { ...(hasBody ? { 'Content-Type': 'application/json' } : {}), ...(options.headers ?? {}) },
      body: hasBody ? JSON.stringify(options.data) : undefined,
    });
  } catch (e) {
    requestLog.push({ method, url, body: options.data, status: 0 });
    throw { status: 0, statusText: (e as Error).message, data: { message: (e as Error).message }, config: options };
  }
  const text = await res.text();
  let data: unknown = text;
  try {
    data = text ? JSON.parse(text) : '';
  } catch {
    /* keep text */
  }
  requestLog.push({ method, url, body: options.data, status: res.status });
  const response = {
    data: data as T,
    status: res.status,
    statusText: res.statusText,
    ok: res.ok,
    headers: res.headers,
    redirected: res.redirected,
    type: res.type,
    url: res.url,
    config: options,
  } as FetchResponse<T>;
  if (!res.ok) {
    // the shape of Grafana's FetchError
    throw { status: res.status, statusText: res.statusText, data, config: options };
  }
  return response;
}

/** A backendSrv whose `fetch` uses the browser's fetch, like Grafana's own (errors as FetchError objects). */
export function createBackendSrv(): BackendSrv {
  const fetchObs = <T>(options: BackendSrvRequest): Observable<FetchResponse<T>> => from(doFetch<T>(options));
  const call = async <T>(method: string, url: string, data?: unknown, params?: BackendSrvRequest['params']) =>
    (await doFetch<T>({ method, url, data, params })).data;
  const srv = {
    fetch: fetchObs,
    get: <T>(url: string, params?: BackendSrvRequest['params']) => call<T>('GET', url, undefined, params),
    post: <T>(url: string, data?: unknown) => call<T>('POST', url, data),
    put: <T>(url: string, data?: unknown) => call<T>('PUT', url, data),
    patch: <T>(url: string, data?: unknown) => call<T>('PATCH', url, data),
    delete: <T>(url: string, data?: unknown) => call<T>('DELETE', url, data),
    request: async <T>(options: BackendSrvRequest) => (await doFetch<T>(options)).data,
    datasourceRequest: <T>(options: BackendSrvRequest) => doFetch<T>(options),
    resolveCancelerIfExists: () => {},
    chunked: fetchObs,
  };
  return srv as unknown as BackendSrv;
}

/** Settings of the harness's Vigil data source as Grafana hands them to the plugin (proxy URL, jsonData). */
export function vigilSettings(
  uid: string,
  jsonData: VigilDataSourceOptions
): DataSourceInstanceSettings<VigilDataSourceOptions> {
  return {
    id: 1,
    uid,
    type: 'vigil-anomaly-datasource',
    name: 'Vigil',
    url: `/api/datasources/proxy/uid/${uid}`,
    access: 'proxy',
    jsonData,
    readOnly: false,
    meta: {
      id: 'vigil-anomaly-datasource',
      name: 'Vigil',
      type: 'datasource',
      annotations: true,
      metrics: true,
      module: 'public/plugins/vigil-anomaly-datasource/module.js',
      baseUrl: 'public/plugins/vigil-anomaly-datasource',
      info: {
        author: { name: 'Vigil' },
        description: '',
        links: [],
        logos: { small: '', large: '' },
        screenshots: [],
        updated: '',
        version: '',
      },
    },
  } as unknown as DataSourceInstanceSettings<VigilDataSourceOptions>;
}

/** A data source service that knows one Vigil data source. */
export function createDataSourceSrv(getSettings: () => DataSourceInstanceSettings<VigilDataSourceOptions>) {
  let instance: VigilDataSource | undefined;
  const srv = {
    get: async () => (instance ??= new VigilDataSource(getSettings())),
    getList: (filters?: { pluginId?: string }) =>
      !filters?.pluginId || filters.pluginId === getSettings().type ? [getSettings()] : [],
    getInstanceSettings: (ref?: string | { uid?: string } | null) => {
      const uid = typeof ref === 'string' ? ref : ref?.uid;
      return !uid || uid === getSettings().uid || uid === getSettings().name ? getSettings() : undefined;
    },
    reload: async () => {
      instance = undefined;
    },
    registerRuntimeDataSource: () => {},
  };
  return srv;
}

/** A template service replacing `$name` and `${name}` from `vars` (and scoped vars). */
export function createTemplateSrv(vars: Record<string, string>): TemplateSrv {
  const srv = {
    getVariables: () => [] as TypedVariableModel[],
    replace: (target?: string, scopedVars?: ScopedVars) =>
      (target ?? '').replace(/\$\{(\w+)\}|\$(\w+)/g, (m, a, b) => {
        const name = a ?? b;
        const scoped = scopedVars?.[name]?.value;
        if (scoped !== undefined) return String(scoped);
        return name in vars ? vars[name] : m;
      }),
    containsTemplate: (t?: string) => Boolean(t && /\$\{?\w+/.test(t)),
    updateTimeRange: () => {},
  };
  return srv as unknown as TemplateSrv;
}
