/**
 * Layout of the Grafana plugin as @grafana/create-plugin scaffolds an app with nested plugins: the app
 * manifest at the root, `src/datasource/` and `src/panel/` each with a plugin.json and a module, one
 * webpack entry per plugin.
 */
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

import { getEntries, getPluginJsonPath } from '../../.config/webpack/utils';

const ROOT = path.resolve(__dirname, '..', '..');
const json = (p: string) => JSON.parse(readFileSync(path.join(ROOT, p), 'utf8'));

describe('plugin layout', () => {
  const cwd = process.cwd();
  beforeAll(() => process.chdir(ROOT));
  afterAll(() => process.chdir(cwd));

  it('builds one module per plugin: the app, the data source and the panel', () => {
    const entries = getEntries();
    expect(Object.fromEntries(Object.entries(entries).map(([k, v]) => [k, path.relative(ROOT, v)]))).toEqual({
      module: 'src/module.tsx',
      'datasource/module': 'src/datasource/module.ts',
      'panel/module': 'src/panel/module.tsx',
    });
    expect(path.relative(ROOT, getPluginJsonPath())).toBe('plugin.json');
  });

  it.each(['plugin.json', 'src/datasource/plugin.json', 'src/panel/plugin.json'])(
    '%s is valid against Grafana’s plugin.json schema',
    (file) => {
      // vendored from the grafana repository (docs/sources/developers/plugins/plugin.schema.json)
      const schema = json('tests/provisioning/grafana-plugin.schema.json');
      delete schema.$schema;
      // the schema's patterns escape "-" (valid in JavaScript regexps only without the u flag)
      const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
      addFormats(ajv);
      const validate = ajv.compile(schema);
      validate(json(file));
      expect(ajv.errorsText(validate.errors)).toBe('No errors');
      // and the check can fail
      expect(validate({ ...json(file), id: 'Vigil Anomaly' })).toBe(false);
    }
  );

  it('declares the three plugin ids for Grafana 11 and later, the nested ones with their paths', () => {
    const app = json('plugin.json');
    const ds = json('src/datasource/plugin.json');
    const panel = json('src/panel/plugin.json');
    expect([app.type, app.id]).toEqual(['app', 'vigil-anomaly-app']);
    expect([ds.type, ds.id]).toEqual(['datasource', 'vigil-anomaly-datasource']);
    expect([panel.type, panel.id]).toEqual(['panel', 'vigil-anomaly-panel']);
    for (const p of [app, ds, panel]) expect(p.dependencies.grafanaDependency).toBe('>=11.0.0');
    // Grafana's plugin validator: every nested plugin.json is declared with its type and its path in the archive
    const nested = app.includes.filter((i: { type: string }) => i.type === 'datasource' || i.type === 'panel');
    expect(nested).toEqual([
      { type: 'datasource', name: ds.name, path: 'datasource/plugin.json' },
      { type: 'panel', name: panel.name, path: 'panel/plugin.json' },
    ]);
    for (const i of nested) expect(existsSync(path.join(ROOT, 'src', i.path))).toBe(true);
  });

  it('reaches the engine through proxy routes that carry the token and a role (see tests/browser/harness/dsProxy)', () => {
    const ds = json('src/datasource/plugin.json');
    expect(ds.backend).toBe(false);
    expect(ds.annotations).toBe(true);
    expect(ds.metrics).toBe(true);
    const roles = ds.routes.map((r: { method?: string; path: string; reqRole: string }) =>
      [r.method ?? '*', r.path, r.reqRole].join(' ')
    );
    expect(roles).toContain('GET engine Viewer');
    expect(roles).toContain('POST engine/api/jobs Editor');
    expect(roles).toContain('POST engine/api/anomalies Editor');
    // the catch-all comes last: a route listed after it could never match
    expect(roles[roles.length - 1]).toBe('* engine Admin');
  });

  it('pages: reading for Viewers, creating a job for Editors, configuration for Admins', () => {
    const pages = json('plugin.json').includes.filter((i: { type: string }) => i.type === 'page');
    const role = (name: string) => pages.find((p: { name: string }) => p.name === name)?.role;
    for (const name of ['Jobs', 'Incidents', 'Reports', 'Feedback', 'Drift']) expect(role(name)).toBe('Viewer');
    expect(role('New job')).toBe('Editor');
    expect(role('Configuration')).toBe('Admin');
    for (const p of pages) expect(p.path).toMatch(/^\/(a|plugins)\/%PLUGIN_ID%/);
  });
});

describe("catalog (what Grafana's plugin validator checks)", () => {
  const pkg = json('package.json');
  const repo = pkg.homepage as string;
  const read = (p: string) => readFileSync(path.join(ROOT, p), 'utf8');

  it('ships a LICENSE matching package.json, and a CHANGELOG', () => {
    expect(pkg.license).toBe('Apache-2.0');
    expect(read('LICENSE')).toMatch(/Apache License\s+Version 2\.0/);
    expect(read('LICENSE')).not.toMatch(/\[yyyy\]|\[name of copyright owner\]/);
    expect(read('CHANGELOG.md')).toMatch(new RegExp(`## \\[${pkg.version.replace(/\./g, '\\.')}\\]`));
  });

  it('the catalog README (src/README.md) has absolute links only, into the repository named in package.json', () => {
    const readme = read('src/README.md');
    const links = [...readme.matchAll(/\]\(([^)]+)\)/g)].map((m) => m[1]);
    expect(links.length).toBeGreaterThan(3);
    expect(links.filter((l) => !/^https:\/\//.test(l))).toEqual([]);
    expect(links.filter((l) => l.includes('github.com') && !l.startsWith(repo))).toEqual([]);
  });

  it('info.links point at the repository; every screenshot is one the browser suite takes', () => {
    const info = json('plugin.json').info;
    expect(info.links.map((l: { name: string }) => l.name)).toEqual([
      'Documentation',
      'Repository',
      'Raise issue',
      'License',
    ]);
    for (const l of info.links) expect(l.url.startsWith(repo)).toBe(true);
    expect(info.screenshots.length).toBeGreaterThanOrEqual(3);
    const specs = ['app', 'panel', 'timeseries', 'editors', 'themes']
      .map((f) => path.join(ROOT, 'tests', 'browser', `${f}.spec.ts`))
      .filter(existsSync)
      .map((f) => readFileSync(f, 'utf8'))
      .join('\n');
    for (const s of info.screenshots) {
      expect(s.path).toMatch(/^img\/screenshots\/[\w-]+\.png$/);
      const name = path.basename(s.path, '.png');
      // the suite saves <name>-dark.png and <name>-light.png for each themed snapshot it takes
      expect(specs).toContain(`'${name.replace(/-(dark|light)$/, '')}'`);
    }
  });
});
