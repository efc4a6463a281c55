/**
 * Layout of the Grafana plugin as @grafana/create-plugin scaffolds an app with nested plugins: the app
 * manifest at the root, `src/datasource/` and `src/panel/` each with a plugin.json and a module, one
 * webpack entry per plugin.
 */
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { readFileSync } from 'node:fs';
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

  it('declares the three plugin ids for Grafana 11 and later', () => {
    const app = json('plugin.json');
    const ds = json('src/datasource/plugin.json');
    const panel = json('src/panel/plugin.json');
    expect([app.type, app.id]).toEqual(['app', 'vigil-anomaly-app']);
    expect([ds.type, ds.id]).toEqual(['datasource', 'vigil-anomaly-datasource']);
    expect([panel.type, panel.id]).toEqual(['panel', 'vigil-anomaly-panel']);
    for (const p of [app, ds, panel]) expect(p.dependencies.grafanaDependency).toBe('>=11.0.0');
    expect(
      app.includes
        .filter((i: { type: string }) => i.type === 'datasource' || i.type === 'panel')
        .map((i: { name: string }) => i.name)
    ).toEqual([ds.name, panel.name]);
  });

  it('the data source is frontend-only, supports annotations and reaches the engine through one proxy route', () => {
    const ds = json('src/datasource/plugin.json');
    expect(ds.backend).toBe(false);
    expect(ds.annotations).toBe(true);
    expect(ds.metrics).toBe(true);
    expect(ds.routes).toEqual([
      {
        path: 'engine',
        url: '{{ .JsonData.url }}',
        headers: [{ name: 'Authorization', content: 'Bearer {{ .SecureJsonData.token }}' }],
      },
    ]);
  });
});
