/**
 * The harness server: serves the harness page and plays the parts of Grafana's server the plugin relies
 * on. Its data source proxy applies the plugin's `routes` as Grafana does (./dsProxy): requests to
 * `/api/datasources/proxy/uid/<uid>/<path>` take the first route matching their method and path, are refused with
 * 403 when the route's `reqRole` is above the signed-in user's role, and go to the route's URL with
 * `Authorization: Bearer <secureJsonData.token>` added on the server, so the token never reaches the
 * browser; an unreachable engine answers 502 with an empty body, as Grafana's proxy does.
 */
import { existsSync, readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

import dsPluginJson from '../../../src/datasource/plugin.json';
import { DataSourceState, matchRoute, OrgRole, PluginRoute, routeHeaders, targetUrl } from './dsProxy';

export type { DataSourceState } from './dsProxy';

export interface HarnessServer {
  url: string;
  /** requests that went through the data source proxy: method, engine path, status */
  proxied: Array<{ method: string; path: string; status: number; authorization: boolean }>;
  datasource: DataSourceState;
  /** the signed-in user's organisation role */
  role: OrgRole;
  appSettings: Record<string, unknown>;
  close(): Promise<void>;
}

const routes = dsPluginJson.routes as PluginRoute[];
const ICONS_DIR = path.join(
  path.dirname(require.resolve('@grafana/ui/package.json')),
  'dist',
  'public',
  'img',
  'icons'
);

function readBody(req: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function sendJson(res: http.ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify(body));
}

/**
 * Start the harness server on 127.0.0.1.
 * @param opts.distDir the built harness (index.html, harness.js)
 * @param opts.datasource the Vigil data source's saved settings (engine URL and token)
 */
export async function startHarnessServer(opts: {
  distDir: string;
  datasource: DataSourceState;
  port?: number;
}): Promise<HarnessServer> {
  const state: HarnessServer = {
    url: '',
    proxied: [],
    datasource: opts.datasource,
    role: 'Admin',
    appSettings: { enabled: true, pinned: true, jsonData: {} },
    close: async () => {},
  };
  const proxyPrefix = /^\/api\/datasources\/proxy\/uid\/([^/]+)\/([^?]*)(\?.*)?$/;

  const server = http.createServer(async (req, res) => {
    const url = req.url ?? '/';
    try {
      const m = proxyPrefix.exec(url);
      if (m) {
        const [, , proxyPath, qs = ''] = m;
        const method = req.method ?? 'GET';
        const log = (status: number, authorization: boolean) =>
          state.proxied.push({ method, path: proxyPath.replace(/^engine/, ''), status, authorization });
        const matched = matchRoute(routes, method, proxyPath, state.role);
        if (matched.denied) {
          log(403, false);
          return sendJson(res, 403, { message: matched.denied });
        }
        if (!matched.route) {
          // Grafana would proxy to the data source's own URL, which a Vigil data source does not have
          log(502, false);
          res.writeHead(502);
          return res.end();
        }
        const headers = routeHeaders(matched.route, state.datasource);
        if (req.headers['content-type']) headers['Content-Type'] = req.headers['content-type'];
        const body = method === 'GET' || method === 'HEAD' ? undefined : await readBody(req);
        let upstream: Response;
        try {
          upstream = await fetch(`${targetUrl(matched.route, proxyPath, state.datasource)}${qs}`, {
            method,
            headers,
            body: body && body.length ? new Uint8Array(body) : undefined,
            signal: AbortSignal.timeout(30000),
          });
        } catch (e) {
          const timeout = (e as Error).name === 'TimeoutError';
          log(timeout ? 504 : 502, 'Authorization' in headers);
          res.writeHead(timeout ? 504 : 502);
          return res.end();
        }
        const buf = Buffer.from(await upstream.arrayBuffer());
        log(upstream.status, 'Authorization' in headers);
        res.writeHead(upstream.status, { 'Content-Type': upstream.headers.get('content-type') ?? 'application/json' });
        return res.end(buf);
      }
      // test hooks: the proxy log, and resetting the data source settings between tests
      if (url === '/__harness/proxied') return sendJson(res, 200, state.proxied);
      if (url === '/__harness/datasource' && req.method === 'PUT') {
        state.datasource = JSON.parse((await readBody(req)).toString()) as DataSourceState;
        state.proxied.length = 0;
        state.role = 'Admin';
        return sendJson(res, 200, { ok: true });
      }
      // the signed-in user's role (Grafana knows it from the session; the harness page sets it when it mounts)
      if (url === '/__harness/user' && req.method === 'PUT') {
        state.role = (JSON.parse((await readBody(req)).toString()) as { role: OrgRole }).role;
        return sendJson(res, 200, { ok: true });
      }
      if (url.startsWith('/api/datasources/uid/')) {
        if (req.method === 'PUT') {
          const b = JSON.parse((await readBody(req)).toString() || '{}') as Partial<DataSourceState>;
          state.datasource.jsonData = b.jsonData ?? {};
          for (const [k, v] of Object.entries(b.secureJsonData ?? {})) {
            if (v === '') delete state.datasource.secureJsonData[k];
            else state.datasource.secureJsonData[k] = v;
          }
        }
        // like Grafana: secure values are never sent back, only which ones are set
        return sendJson(res, 200, {
          uid: 'vigil',
          jsonData: state.datasource.jsonData,
          secureJsonFields: Object.fromEntries(Object.keys(state.datasource.secureJsonData).map((k) => [k, true])),
        });
      }
      if (url.startsWith('/api/plugins/vigil-anomaly-app/settings')) {
        if (req.method === 'POST') state.appSettings = JSON.parse((await readBody(req)).toString() || '{}');
        return sendJson(res, 200, req.method === 'POST' ? { message: 'Plugin settings updated' } : state.appSettings);
      }
      if (url.startsWith('/api/')) return sendJson(res, 404, { message: 'Not found' });
      // Grafana serves @grafana/ui's icons under public/build/img/icons/
      const icon = /^\/public\/build\/img\/icons\/([\w-]+\/[\w.-]+\.svg)$/.exec(url.split('?')[0]);
      if (icon) {
        const file = path.join(ICONS_DIR, icon[1]);
        if (!existsSync(file)) return sendJson(res, 404, { message: 'Not found' });
        res.writeHead(200, { 'Content-Type': 'image/svg+xml' });
        return res.end(readFileSync(file));
      }
      if (url.startsWith('/public/')) return sendJson(res, 404, { message: 'Not found' });
      const asset = url.split('?')[0].slice(1);
      const file = ['harness.js', 'harness.js.map', 'harness.css'].includes(asset) ? asset : 'index.html';
      const type = file.endsWith('.js')
        ? 'text/javascript'
        : file.endsWith('.css')
          ? 'text/css'
          : file.endsWith('.map')
            ? 'application/json'
            : 'text/html';
      res.writeHead(200, { 'Content-Type': type });
      res.end(readFileSync(path.join(opts.distDir, file)));
    } catch (e) {
      sendJson(res, 500, { message: (e as Error).message });
    }
  });
  await new Promise<void>((resolve) => server.listen(opts.port ?? 0, '127.0.0.1', resolve));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  state.close = () => new Promise((resolve) => server.close(() => resolve()));
  return state;
}
