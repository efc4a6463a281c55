/**
 * Grafana's data source proxy, as far as a plugin's `routes` go: which route a request takes, whether the signed-in
 * user's role may use it, and the URL it is sent to. Written after Grafana 11/12's `pkg/api/pluginproxy`
 * (`DataSourceProxy.validateRequest` and `ApplyRoute`): routes are tried in order; a route is skipped when its
 * `method` is set (and not `*`) and differs from the request's, or when the request path does not start with its
 * `path`; the first remaining route is the one, and a `reqRole` above the user's role refuses the request with 403
 * "plugin proxy route access denied". The route's `path` is cut from the request path and the rest joined to the
 * route's interpolated `url`. Pure: no I/O.
 */

export type OrgRole = 'Viewer' | 'Editor' | 'Admin';

export interface PluginRoute {
  path: string;
  method?: string;
  reqRole?: string;
  url?: string;
  headers?: Array<{ name: string; content: string }>;
}

export interface DataSourceState {
  jsonData: Record<string, unknown>;
  secureJsonData: Record<string, string>;
}

const RANK: Record<OrgRole, number> = { Viewer: 1, Editor: 2, Admin: 3 };

/** Whether `role` has at least `required` (Grafana's `HasUserRole`: Admin > Editor > Viewer). */
export function hasRole(role: OrgRole, required: string | undefined): boolean {
  if (!required || !(required in RANK)) return true; // ReqRole.IsValid() is false: no check
  return RANK[role] >= RANK[required as OrgRole];
}

/**
 * The route a request takes.
 * @param proxyPath the path after `/api/datasources/proxy/uid/<uid>/`, e.g. `engine/api/jobs`
 * @returns `{ route }`, `{ denied }` (403, the route needs a higher role) or `{}` when no route matches (Grafana then
 *   proxies to the data source's own URL, which a Vigil data source does not have)
 */
export function matchRoute(
  routes: PluginRoute[],
  method: string,
  proxyPath: string,
  role: OrgRole
): { route?: PluginRoute; denied?: string } {
  for (const route of routes) {
    if (route.method && route.method !== '*' && route.method !== method) continue;
    if (!proxyPath.startsWith(route.path)) continue;
    if (!hasRole(role, route.reqRole)) return { denied: 'plugin proxy route access denied' };
    return { route };
  }
  return {};
}

/** Fill a route template (`{{ .JsonData.url }}`, `{{ .SecureJsonData.token }}`) as Grafana does. */
export function interpolateRoute(template: string, ds: DataSourceState): string {
  return template.replace(/\{\{\s*\.(JsonData|SecureJsonData)\.(\w+)\s*\}\}/g, (_m, scope: string, key: string) => {
    const v = scope === 'JsonData' ? ds.jsonData[key] : ds.secureJsonData[key];
    return v === undefined || v === null ? '' : String(v);
  });
}

/** Grafana's `util.JoinURLFragments`: one slash between the two parts. */
export function joinUrlFragments(a: string, b: string): string {
  if (b.length === 0) return a;
  const aSlash = a.endsWith('/');
  const bSlash = b.startsWith('/');
  if (aSlash && bSlash) return a + b.slice(1);
  if (!aSlash && !bSlash) return `${a}/${b}`;
  return a + b;
}

/**
 * The URL a matched request goes to: the route's interpolated `url` (scheme, host and path as Go's `url.Parse` splits
 * them) with the rest of the request path (after the route's `path`) joined to its path.
 * @throws Error when the interpolated URL has no scheme and host (e.g. the data source has no engine URL)
 */
export function targetUrl(route: PluginRoute, proxyPath: string, ds: DataSourceState): string {
  const url = interpolateRoute(route.url ?? '', ds);
  const m = /^(https?:\/\/[^/?#]+)([^?#]*)/.exec(url);
  if (!m) throw new Error(`route URL "${url}" is not an http(s) URL`);
  return m[1] + joinUrlFragments(m[2], proxyPath.slice(route.path.length));
}

/** The headers a route adds (interpolated); a header whose value is empty after interpolation is left out. */
export function routeHeaders(route: PluginRoute, ds: DataSourceState): Record<string, string> {
  const out: Record<string, string> = {};
  for (const h of route.headers ?? []) {
    const v = interpolateRoute(h.content, ds);
    if (v && v !== 'Bearer ') out[h.name] = v;
  }
  return out;
}
