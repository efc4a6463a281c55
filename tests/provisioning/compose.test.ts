/**
 * CI checks of the deployment files: docker-compose.yaml against the Compose specification's JSON schema
 * (vendored from the compose-spec repository: tests/provisioning/compose-spec.json), and every provisioned
 * dashboard, annotation, template variable and alert rule query naming a provisioned data source uid.
 */
import Ajv from 'ajv';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';

import { migrateQuery, validateQuery } from '../../src/datasource/migrations';
import type { VigilQuery } from '../../src/types';
import { ensureAlertmanagerInstalled } from '../servers/alertmanager';

const ROOT = path.resolve(__dirname, '..', '..');
const read = (p: string) => readFileSync(path.join(ROOT, p), 'utf8');
const readYaml = <T>(p: string) => YAML.parse(read(p)) as T;

type Json = Record<string, unknown>;

interface ComposeService {
  image?: string;
  build?: string | { context?: string; dockerfile?: string };
  volumes?: Array<string | { type: string; source?: string }>;
  environment?: Record<string, string> | string[];
  depends_on?: string[] | Record<string, unknown>;
  configs?: Array<string | { source: string }>;
}
interface Compose {
  services: Record<string, ComposeService>;
  volumes?: Record<string, unknown>;
  configs?: Record<string, { file?: string; content?: string }>;
}

const compose = readYaml<Compose>('docker-compose.yaml');

describe('docker-compose.yaml', () => {
  it('is valid against the Compose specification schema', () => {
    const schema = JSON.parse(read('tests/provisioning/compose-spec.json')) as Json;
    delete schema.$schema; // draft-07, Ajv's default; the https spelling of the URI is not registered in Ajv
    const ajv = new Ajv({ allErrors: true, strict: false });
    const validate = ajv.compile(schema);
    const ok = validate(compose);
    expect(ajv.errorsText(validate.errors, { separator: '\n' })).toBe('No errors');
    expect(ok).toBe(true);
  });

  it('the schema check rejects a broken file (it can fail)', () => {
    const schema = JSON.parse(read('tests/provisioning/compose-spec.json')) as Json;
    delete schema.$schema;
    const validate = new Ajv({ strict: false }).compile(schema);
    expect(validate({ services: { grafana: { image: 'x', ports: 'not-a-list' } } })).toBe(false);
    expect(validate({ services: { grafana: { imagee: 'typo' } } })).toBe(false);
  });

  it('runs Grafana, the engine, Prometheus, OpenSearch, Alertmanager and the traffic generator with pinned images', () => {
    expect(Object.keys(compose.services).sort()).toEqual([
      'alertmanager',
      'grafana',
      'opensearch',
      'prometheus',
      'traffic',
      'vigil',
    ]);
    for (const [name, s] of Object.entries(compose.services)) {
      expect(s.image ?? s.build).toBeDefined();
      if (s.image && !s.build && name !== 'traffic') expect(s.image).toMatch(/:v?[0-9][\w.-]*$/); // a version tag, not latest
    }
    const grafana = compose.services.grafana;
    const env = grafana.environment as Record<string, string>;
    expect(env.GF_PLUGINS_ALLOW_LOADING_UNSIGNED_PLUGINS.split(',').sort()).toEqual([
      'vigil-anomaly-app',
      'vigil-anomaly-datasource',
      'vigil-anomaly-panel',
    ]);
    expect(grafana.volumes).toEqual(
      expect.arrayContaining([
        './dist:/var/lib/grafana/plugins/vigil-anomaly-app:ro',
        './provisioning:/etc/grafana/provisioning:ro',
      ])
    );
    const build = compose.services.vigil.build as { context: string; dockerfile: string };
    expect(existsSync(path.join(ROOT, build.context, build.dockerfile))).toBe(true);
    // the traffic generator runs from the engine image
    expect(compose.services.traffic.image).toBe(compose.services.vigil.image);
    expect(existsSync(path.join(ROOT, 'tools/traffic/main.ts'))).toBe(true);
  });

  it('mounts only files that exist, and declares every named volume, config and dependency', () => {
    for (const [name, s] of Object.entries(compose.services)) {
      for (const v of s.volumes ?? []) {
        const src = typeof v === 'string' ? v.split(':')[0] : (v.source ?? '');
        if (src.startsWith('./')) {
          // dist/ is the build output (npm run build); everything else is in the repository
          if (src !== './dist') expect([name, src, existsSync(path.join(ROOT, src))]).toEqual([name, src, true]);
        } else {
          expect([name, src, Object.keys(compose.volumes ?? {}).includes(src)]).toEqual([name, src, true]);
        }
      }
      for (const c of s.configs ?? []) {
        const src = typeof c === 'string' ? c : c.source;
        expect(Object.keys(compose.configs ?? {})).toContain(src);
      }
      const deps = Array.isArray(s.depends_on) ? s.depends_on : Object.keys(s.depends_on ?? {});
      for (const d of deps) expect(Object.keys(compose.services)).toContain(d);
    }
  });
});

describe('the stack Alertmanager', () => {
  it('receives the engine incidents, groups them by job, and its config passes amtool', async () => {
    const env = compose.services.vigil.environment as Record<string, string>;
    expect(env.VIGIL_ALERTMANAGER_URL).toBe('http://alertmanager:9093');
    const cfg = readYaml<{ route: { group_by: string[] } }>('provisioning/alertmanager/alertmanager.yml');
    expect(cfg.route.group_by).toEqual(['alertname', 'vigil_job']);
    await ensureAlertmanagerInstalled(); // Debian's prometheus-alertmanager brings amtool
    const out = execFileSync(
      'amtool',
      ['check-config', path.join(ROOT, 'provisioning/alertmanager/alertmanager.yml')],
      {
        encoding: 'utf8',
      }
    );
    expect(out).toMatch(/SUCCESS/);
  });
});

// ---------------------------------------------------------------------------------------------------------------

interface ProvisionedDs {
  name: string;
  uid: string;
  type: string;
}
const datasources: ProvisionedDs[] = readdirSync(path.join(ROOT, 'provisioning/datasources'))
  .filter((f) => /\.ya?ml$/.test(f))
  .flatMap((f) => readYaml<{ datasources?: ProvisionedDs[] }>(`provisioning/datasources/${f}`).datasources ?? []);
const uids = new Map(datasources.map((d) => [d.uid, d]));
const BUILT_IN = new Set(['-- Grafana --', '-- Mixed --', '-- Dashboard --', 'grafana']);

const dashboardFiles = readdirSync(path.join(ROOT, 'provisioning/dashboards')).filter((f) => f.endsWith('.json'));

/** Every `datasource` reference in a dashboard, with where it was found. */
function datasourceRefs(node: unknown, where: string, out: Array<{ where: string; ref: unknown }>) {
  if (Array.isArray(node)) node.forEach((n, i) => datasourceRefs(n, `${where}[${i}]`, out));
  else if (node && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) {
      if (k === 'datasource') out.push({ where: `${where}.datasource`, ref: v });
      datasourceRefs(v, `${where}.${k}`, out);
    }
  }
  return out;
}

describe('provisioning', () => {
  it('provisions the Vigil data source with the proxy token, the engine’s Prometheus API, Prometheus and OpenSearch', () => {
    expect(uids.get('vigil')).toMatchObject({ type: 'vigil-anomaly-datasource' });
    expect(uids.get('vigil-prom')).toMatchObject({ type: 'prometheus', url: 'http://vigil:8080' });
    expect(uids.get('prometheus')).toMatchObject({ type: 'prometheus' });
    expect(uids.get('opensearch')).toMatchObject({ type: 'grafana-opensearch-datasource' });
    expect(uids.get('alertmanager')).toMatchObject({ type: 'alertmanager', url: 'http://alertmanager:9093' });
    expect(new Set(datasources.map((d) => d.uid)).size).toBe(datasources.length);
    const vigil = uids.get('vigil') as unknown as { jsonData: { url: string }; secureJsonData: { token: string } };
    expect(vigil.jsonData.url).toBe('http://vigil:8080');
    expect(vigil.secureJsonData.token).toBe('$VIGIL_API_TOKEN');
    // the data source plugin's routes use exactly these settings
    const { routes } = JSON.parse(read('src/datasource/plugin.json')) as {
      routes: Array<{ url: string; headers: Array<{ content: string }> }>;
    };
    for (const route of routes) {
      expect(route.url.startsWith('{{ .JsonData.url }}')).toBe(true);
      expect(route.headers[0].content).toBe('Bearer {{ .SecureJsonData.token }}');
    }
  });

  it.each(dashboardFiles)('dashboard %s: every query names a provisioned data source', (file) => {
    const dash = JSON.parse(read(`provisioning/dashboards/${file}`)) as {
      uid: string;
      templating: { list: Array<{ type: string; name: string; query?: unknown; current?: { value?: string } }> };
    };
    expect(dash.uid).toMatch(/^vigil-/);
    const dsVars = new Map(
      dash.templating.list
        .filter((v) => v.type === 'datasource')
        .map((v) => [v.name, { value: v.current?.value, type: v.query }])
    );
    for (const [name, v] of dsVars) {
      expect([name, v.value && uids.has(v.value)]).toEqual([name, true]);
      expect(uids.get(v.value!)!.type).toBe(v.type);
    }
    const refs = datasourceRefs(dash, dash.uid, []);
    expect(refs.length).toBeGreaterThan(0);
    for (const { where, ref } of refs) {
      const r = (typeof ref === 'string' ? { uid: ref } : ref) as { uid?: string; type?: string };
      const m = /^\$\{?(\w+)\}?$/.exec(r.uid ?? '');
      const uid = m ? dsVars.get(m[1])?.value : r.uid;
      if (uid && BUILT_IN.has(uid)) continue;
      expect([where, uid, uid !== undefined && uids.has(uid)]).toEqual([where, uid, true]);
      if (r.type && r.type !== 'datasource') expect([where, r.type]).toEqual([where, uids.get(uid!)!.type]);
    }
  });

  it.each(dashboardFiles)('dashboard %s: every Vigil query is complete for the query editor', (file) => {
    const dash = JSON.parse(read(`provisioning/dashboards/${file}`)) as Json;
    const targets: Array<{ where: string; q: VigilQuery }> = [];
    const walk = (node: unknown, where: string) => {
      if (Array.isArray(node)) node.forEach((n, i) => walk(n, `${where}[${i}]`));
      else if (node && typeof node === 'object') {
        const o = node as Json;
        const ds = o.datasource as { type?: string } | undefined;
        if (typeof o.refId === 'string' && ds?.type === 'vigil-anomaly-datasource')
          targets.push({ where, q: o as unknown as VigilQuery });
        for (const [k, v] of Object.entries(o)) walk(v, `${where}.${k}`);
      }
    };
    walk(dash, file);
    expect(targets.length).toBeGreaterThan(0);
    for (const { where, q } of targets) {
      const m = migrateQuery(q);
      expect([where, validateQuery(m)]).toEqual([where, undefined]);
      expect([where, q.schemaVersion]).toEqual([where, 2]); // saved at the current query schema
    }
  });

  it('every alert rule queries a provisioned data source and its condition exists', () => {
    const files = readdirSync(path.join(ROOT, 'provisioning/alerting')).filter((f) => /\.ya?ml$/.test(f));
    let rules = 0;
    for (const f of files) {
      const doc = readYaml<{
        groups?: Array<{
          rules: Array<{
            uid: string;
            condition: string;
            data: Array<{ refId: string; datasourceUid: string; model: Json }>;
          }>;
        }>;
      }>(`provisioning/alerting/${f}`);
      for (const g of doc.groups ?? []) {
        for (const r of g.rules) {
          rules++;
          const refIds = r.data.map((d) => d.refId);
          expect([r.uid, refIds.includes(r.condition)]).toEqual([r.uid, true]);
          for (const d of r.data) {
            expect([r.uid, d.datasourceUid, d.datasourceUid === '__expr__' || uids.has(d.datasourceUid)]).toEqual([
              r.uid,
              d.datasourceUid,
              true,
            ]);
            if (d.datasourceUid === '__expr__') {
              // expressions only reference refIds of the same rule
              for (const ref of String(d.model.expression ?? '').match(/\$(\w+)/g) ?? [])
                expect(refIds).toContain(ref.slice(1));
            }
          }
        }
      }
    }
    expect(rules).toBeGreaterThanOrEqual(2);
  });

  it("provisions contact points and a notification policy in Grafana's format, every route naming a contact point", () => {
    const points = readYaml<{
      apiVersion: number;
      contactPoints: Array<{
        orgId: number;
        name: string;
        receivers: Array<{ uid: string; type: string; settings: Json }>;
      }>;
    }>('provisioning/alerting/vigil-contact-points.yaml');
    expect(points.apiVersion).toBe(1);
    const names = new Set(points.contactPoints.map((c) => c.name));
    for (const c of points.contactPoints) {
      for (const r of c.receivers) {
        expect(r.uid).toMatch(/^[a-zA-Z0-9_-]{1,40}$/);
        expect(['webhook', 'slack', 'pagerduty']).toContain(r.type);
        if (r.type === 'webhook') expect(String(r.settings.url)).toMatch(/^\$\w+|^https?:\/\//);
      }
    }
    type Route = { receiver?: string; object_matchers?: string[][]; routes?: Route[] };
    const policies = readYaml<{ apiVersion: number; policies: Array<Route & { orgId: number }> }>(
      'provisioning/alerting/vigil-policies.yaml'
    );
    const walk = (r: Route): void => {
      if (r.receiver) expect([r.receiver, names.has(r.receiver)]).toEqual([r.receiver, true]);
      for (const m of r.object_matchers ?? []) expect(['=', '!=', '=~', '!~']).toContain(m[1]);
      (r.routes ?? []).forEach(walk);
    };
    expect(policies.policies[0].receiver).toBeDefined(); // the root needs a receiver
    policies.policies.forEach(walk);
    // the rules carry the label the policy routes on
    const rules = readYaml<{ groups: Array<{ rules: Array<{ labels: Record<string, string> }> }> }>(
      'provisioning/alerting/vigil-rules.yaml'
    );
    for (const r of rules.groups.flatMap((g) => g.rules)) expect(r.labels.source).toBe('vigil');
  });

  it('the app bundles the provisioned dashboards and enables itself with the Vigil data source', () => {
    const app = JSON.parse(read('plugin.json')) as {
      id: string;
      includes: Array<{ type: string; path?: string; name: string }>;
      dependencies: { grafanaDependency: string };
    };
    expect(app.id).toBe('vigil-anomaly-app');
    expect(app.dependencies.grafanaDependency).toBe('>=11.0.0');
    const bundled = app.includes.filter((i) => i.type === 'dashboard').map((i) => path.basename(i.path!));
    expect(bundled.sort()).toEqual([...dashboardFiles].sort());
    const apps = readYaml<{ apps: Array<{ type: string; jsonData: { datasourceUid: string } }> }>(
      'provisioning/plugins/vigil.yaml'
    );
    expect(apps.apps[0].type).toBe('vigil-anomaly-app');
    expect(uids.has(apps.apps[0].jsonData.datasourceUid)).toBe(true);
  });
});
