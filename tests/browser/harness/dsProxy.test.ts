import dsPluginJson from '../../../src/datasource/plugin.json';
import { hasRole, joinUrlFragments, matchRoute, OrgRole, PluginRoute, targetUrl } from './dsProxy';

const routes = dsPluginJson.routes as PluginRoute[];
const ds = { jsonData: { url: 'http://vigil:8080' }, secureJsonData: { token: 't0k' } };

/** What a user of `role` gets for `method path` through the Vigil data source's routes: the engine URL or 403. */
function through(role: OrgRole, method: string, path: string): string {
  const m = matchRoute(routes, method, path, role);
  if (m.denied) return '403';
  if (!m.route) return 'no route';
  return targetUrl(m.route, path, ds);
}

describe("the data source's proxy routes, as Grafana applies them", () => {
  test('Viewers read: every GET and the POSTs that only read', () => {
    for (const role of ['Viewer', 'Editor', 'Admin'] as const) {
      expect(through(role, 'GET', 'engine/api/health')).toBe('http://vigil:8080/api/health');
      expect(through(role, 'GET', 'engine/api/jobs/j1/results')).toBe('http://vigil:8080/api/jobs/j1/results');
      expect(through(role, 'POST', 'engine/api/detect')).toBe('http://vigil:8080/api/detect');
      expect(through(role, 'POST', 'engine/api/forecast')).toBe('http://vigil:8080/api/forecast');
      expect(through(role, 'POST', 'engine/api/logs/analyze')).toBe('http://vigil:8080/api/logs/analyze');
      expect(through(role, 'POST', 'engine/api/v1/query_range')).toBe('http://vigil:8080/api/v1/query_range');
    }
  });

  test('Editors write jobs and feedback; Viewers are refused', () => {
    const writes: Array<[string, string, string]> = [
      ['POST', 'engine/api/jobs', 'http://vigil:8080/api/jobs'],
      ['PUT', 'engine/api/jobs/j1', 'http://vigil:8080/api/jobs/j1'],
      ['DELETE', 'engine/api/jobs/j1', 'http://vigil:8080/api/jobs/j1'],
      ['POST', 'engine/api/jobs/j1/disable', 'http://vigil:8080/api/jobs/j1/disable'],
      ['POST', 'engine/api/backtest', 'http://vigil:8080/api/backtest'],
      ['POST', 'engine/api/anomalies/a1/feedback', 'http://vigil:8080/api/anomalies/a1/feedback'],
      ['DELETE', 'engine/api/anomalies/a1/feedback', 'http://vigil:8080/api/anomalies/a1/feedback'],
    ];
    for (const [method, path, url] of writes) {
      expect(through('Viewer', method, path)).toBe('403');
      expect(through('Editor', method, path)).toBe(url);
      expect(through('Admin', method, path)).toBe(url);
    }
  });

  test('anything else is configuration, for Admins only', () => {
    expect(through('Viewer', 'PUT', 'engine/api/config')).toBe('403');
    expect(through('Editor', 'POST', 'engine/api/notifications/test')).toBe('403');
    expect(through('Admin', 'PUT', 'engine/api/config')).toBe('http://vigil:8080/api/config');
  });

  test('every route sends the token and goes to the engine URL', () => {
    for (const r of routes) {
      expect(r.path.startsWith('engine')).toBe(true);
      expect(r.url).toBe(`{{ .JsonData.url }}${r.path.slice('engine'.length)}`);
      expect(r.headers).toEqual([{ name: 'Authorization', content: 'Bearer {{ .SecureJsonData.token }}' }]);
      expect(['Viewer', 'Editor', 'Admin']).toContain(r.reqRole);
    }
  });

  test('roles and URL joining follow Grafana', () => {
    expect(hasRole('Editor', 'Viewer')).toBe(true);
    expect(hasRole('Viewer', 'Editor')).toBe(false);
    expect(hasRole('Viewer', undefined)).toBe(true);
    expect(joinUrlFragments('/api/v1/', '/query')).toBe('/api/v1/query');
    expect(joinUrlFragments('/api', 'x')).toBe('/api/x');
    expect(joinUrlFragments('', '/api/health')).toBe('/api/health');
    expect(() => targetUrl(routes[0], 'engine/api/jobs', { jsonData: {}, secureJsonData: {} })).toThrow(/not an http/);
  });
});
