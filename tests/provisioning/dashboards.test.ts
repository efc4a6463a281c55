/**
 * The bundled dashboards (provisioning/dashboards/*.json, also the app's `includes`) are portable: no data source uid
 * of the demo stack is written into a panel, a query, an annotation or a variable (every reference goes through a data
 * source variable, whose default is the demo stack's data source, or an `__inputs` entry); `__requires` lists every
 * plugin they use and the app declares the plugins Grafana does not ship; the panels read job results (the Vigil data
 * source's job and drift queries, the engine's vigil_* series) instead of running ad-hoc detection at every refresh.
 * tests/provisioning/compose.test.ts checks that the defaults resolve to the compose stack's data sources.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

import { migrateVariableQuery } from '../../src/datasource/migrations';
import { OPTIONS_VERSION } from '../../src/panel/options';

const ROOT = path.resolve(__dirname, '..', '..');
const read = (p: string) => readFileSync(path.join(ROOT, p), 'utf8');

type Json = Record<string, unknown>;
interface Ref {
  type?: string;
  uid?: string;
}
interface Variable {
  type: string;
  name: string;
  query?: unknown;
  datasource?: Ref;
  current?: { value?: unknown };
}
interface Requirement {
  type: string;
  id: string;
  name: string;
  version: string;
}
interface Panel {
  id: number;
  type: string;
  title: string;
  datasource?: Ref;
  targets?: Array<Json & { datasource?: Ref; queryType?: string; expr?: string }>;
  options?: Json;
  repeat?: string;
  panels?: Panel[];
}
interface Dashboard {
  uid: string;
  __inputs?: Array<{ name: string; type: string; pluginId?: string }>;
  __requires?: Requirement[];
  templating: { list: Variable[] };
  annotations: { list: Array<Json & { datasource?: Ref; builtIn?: number }> };
  panels: Panel[];
}

/** Data source references Grafana resolves itself (the built-in annotations, Mixed, Dashboard). */
const BUILT_IN = new Set(['-- Grafana --', '-- Mixed --', '-- Dashboard --', 'grafana']);
/** Data source types that are not plugins to require (the Mixed and Dashboard pseudo data sources, Grafana's own). */
const PSEUDO_TYPES = new Set(['datasource', 'grafana', '__expr__']);
/** Plugins shipped with Grafana 11+ that the dashboards use: they need no `dependencies.plugins` entry. */
const CORE = new Set(['prometheus', 'timeseries', 'table', 'logs', 'stat', 'text', 'row']);
/** The plugins of this app (its own nested data source and panel). */
const OWN = new Set(['vigil-anomaly-datasource', 'vigil-anomaly-panel']);

const files = readdirSync(path.join(ROOT, 'provisioning/dashboards')).filter((f) => f.endsWith('.json'));
const load = (f: string) => JSON.parse(read(`provisioning/dashboards/${f}`)) as Dashboard;

/** Every `datasource` reference in a dashboard, with where it was found. */
function datasourceRefs(node: unknown, where: string, out: Array<{ where: string; ref: unknown }> = []) {
  if (Array.isArray(node)) node.forEach((n, i) => datasourceRefs(n, `${where}[${i}]`, out));
  else if (node && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) {
      if (k === 'datasource') out.push({ where: `${where}.datasource`, ref: v });
      datasourceRefs(v, `${where}.${k}`, out);
    }
  }
  return out;
}

const allPanels = (panels: Panel[]): Panel[] => panels.flatMap((p) => [p, ...allPanels(p.panels ?? [])]);
const varName = (uid: string | undefined) => /^\$\{(\w+)(?::\w+)?\}$|^\$(\w+)$/.exec(uid ?? '');

/** The data source uid or variable a reference names, resolved: a variable's plugin type, or undefined. */
function refType(dash: Dashboard, r: Ref): string | undefined {
  const m = varName(r.uid);
  if (!m) return r.type;
  const name = m[1] ?? m[2];
  const v = dash.templating.list.find((x) => x.type === 'datasource' && x.name === name);
  if (v) return String(v.query);
  return dash.__inputs?.find((i) => i.name === name && i.type === 'datasource')?.pluginId;
}

/** The plugins a dashboard uses: panel types, and the data source types of its references and variables. */
function usedPlugins(dash: Dashboard): Array<{ type: 'panel' | 'datasource'; id: string }> {
  const used = new Map<string, { type: 'panel' | 'datasource'; id: string }>();
  for (const p of allPanels(dash.panels))
    if (p.type !== 'row') used.set(`panel:${p.type}`, { type: 'panel', id: p.type });
  for (const { ref } of datasourceRefs(dash, dash.uid)) {
    const r = (typeof ref === 'string' ? { uid: ref } : ref) as Ref;
    if (r.uid && BUILT_IN.has(r.uid)) continue;
    const t = refType(dash, r);
    if (t && !PSEUDO_TYPES.has(t)) used.set(`datasource:${t}`, { type: 'datasource', id: t });
  }
  for (const v of dash.templating.list) {
    if (v.type === 'datasource') used.set(`datasource:${v.query}`, { type: 'datasource', id: String(v.query) });
  }
  return [...used.values()];
}

describe.each(files)('dashboard %s', (file) => {
  const dash = load(file);

  it('names no data source uid: every reference is a data source variable, an input or built in', () => {
    const refs = datasourceRefs(dash, dash.uid);
    expect(refs.length).toBeGreaterThan(0);
    const dsVars = new Set(dash.templating.list.filter((v) => v.type === 'datasource').map((v) => v.name));
    const inputs = new Set((dash.__inputs ?? []).filter((i) => i.type === 'datasource').map((i) => i.name));
    for (const { where, ref } of refs) {
      const r = (typeof ref === 'string' ? { uid: ref } : ref) as Ref;
      if (r.uid && BUILT_IN.has(r.uid)) continue;
      const m = varName(r.uid);
      const name = m ? (m[1] ?? m[2]) : undefined;
      expect([where, r.uid, Boolean(name && (dsVars.has(name) || inputs.has(name)))]).toEqual([where, r.uid, true]);
      // the type written beside a variable is the variable's plugin type
      if (r.type && !PSEUDO_TYPES.has(r.type)) expect([where, r.type]).toEqual([where, refType(dash, r)]);
    }
  });

  it('has no __inputs: Grafana fills none when it provisions the file or imports it from the app', () => {
    // (an app's bundled dashboard is imported with an empty inputs list, and a missing input fails the import)
    expect(dash.__inputs ?? []).toEqual([]);
  });

  it('requires every plugin it uses, and only those', () => {
    const req = dash.__requires ?? [];
    expect(req.find((r) => r.type === 'grafana')).toMatchObject({ id: 'grafana', version: '11.0.0' });
    const used = usedPlugins(dash)
      .map((u) => `${u.type}:${u.id}`)
      .sort();
    expect(used.length).toBeGreaterThan(1);
    const listed = req
      .filter((r) => r.type !== 'grafana')
      .map((r) => `${r.type}:${r.id}`)
      .sort();
    expect(listed).toEqual(used);
    for (const r of req) expect(r.name).toBeTruthy();
  });

  it('the app depends on every plugin it uses that Grafana does not ship', () => {
    const app = JSON.parse(read('plugin.json')) as {
      dependencies: { plugins?: Array<{ type: string; id: string; version: string }> };
    };
    const declared = new Set((app.dependencies.plugins ?? []).map((p) => `${p.type}:${p.id}`));
    for (const u of usedPlugins(dash)) {
      if (CORE.has(u.id) || OWN.has(u.id)) continue;
      expect([u.id, declared.has(`${u.type}:${u.id}`)]).toEqual([u.id, true]);
    }
  });

  it('panels read job results (the Vigil job and drift queries, vigil_* series), never ad-hoc detection', () => {
    let vigilTargets = 0;
    for (const p of allPanels(dash.panels)) {
      for (const t of p.targets ?? []) {
        const type = refType(dash, t.datasource ?? p.datasource ?? {});
        if (type === 'vigil-anomaly-datasource') {
          vigilTargets++;
          expect([p.title, t.queryType]).toEqual([p.title, expect.stringMatching(/^(job|drift)$/)]);
          if (t.queryType === 'job') expect([p.title, t.jobId]).toEqual([p.title, expect.stringMatching(/^\$/)]);
        } else if (type === 'prometheus') {
          // the engine's result series, chosen by the job variable: no demo metric or selector
          expect([p.title, t.expr]).toEqual([p.title, expect.stringMatching(/^[^{]*\bvigil_\w+/)]);
          expect([p.title, /http_requests|service="/.test(String(t.expr))]).toEqual([p.title, false]);
        }
      }
      if (p.type === 'vigil-anomaly-panel') {
        expect([p.title, p.options?.optionsVersion]).toEqual([p.title, OPTIONS_VERSION]);
      }
      if (p.repeat) expect(dash.templating.list.map((v) => v.name)).toContain(p.repeat);
    }
    expect(vigilTargets).toBeGreaterThan(0);
    for (const a of dash.annotations.list) {
      const target = a.target as { queryType?: string } | undefined;
      if (target) expect([a.name, target.queryType]).toEqual([a.name, 'job']);
    }
  });

  it('its Vigil variables are queries the variable editor reads back unchanged', () => {
    const vars = dash.templating.list.filter((v) => v.type === 'query');
    for (const v of vars) {
      expect(refType(dash, v.datasource ?? {})).toBe('vigil-anomaly-datasource');
      expect(migrateVariableQuery(v.query)).toEqual(v.query);
    }
  });
});

describe('the checks can fail', () => {
  it('a hard-coded uid, a missing requirement and an ad-hoc query are found', () => {
    const dash = load(files[0]);
    const broken: Dashboard = JSON.parse(JSON.stringify(dash));
    broken.panels[0].datasource = { type: 'prometheus', uid: 'vigil-prom' };
    const refs = datasourceRefs(broken, broken.uid).map((r) => (r.ref as Ref).uid);
    expect(refs).toContain('vigil-prom');
    expect(varName('vigil-prom')).toBeNull();
    expect(varName('${vigil_results}')).not.toBeNull();
    broken.panels.push({ id: 99, type: 'piechart', title: 'x' });
    expect(usedPlugins(broken).map((u) => u.id)).toContain('piechart');
    expect((broken.__requires ?? []).map((r) => r.id)).not.toContain('piechart');
  });
});
