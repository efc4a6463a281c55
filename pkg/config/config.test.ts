import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigError, loadConfig } from './config';

describe('loadConfig', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'vigil-config-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  const file = (text: string) => {
    const p = path.join(dir, 'vigil.yaml');
    writeFileSync(p, text);
    return p;
  };

  it('merges defaults, YAML, environment and flags (flags win)', () => {
    const cfg = loadConfig({
      file: file(
        'port: 9000\napiToken: from-file-123\nsources:\n  - type: prometheus\n    url: http://prom:9090\n    timeout: 10s\n'
      ),
      env: {
        VIGIL_API_TOKEN: 'from-env-456',
        VIGIL_ELASTICSEARCH_URL: 'http://es:9200',
        VIGIL_ELASTICSEARCH_API_KEY: 'abc',
      },
      flags: { port: 9100, dataDir: path.join(dir, 'data') },
    });
    expect(cfg.port).toBe(9100);
    expect(cfg.apiToken).toBe('from-env-456');
    expect(cfg.dataDir).toBe(path.join(dir, 'data'));
    expect(cfg.sources.map((s) => `${s.type}/${s.name}`)).toEqual([
      'prometheus/prometheus',
      'elasticsearch/elasticsearch',
      'file/file',
    ]);
    expect(cfg.sources[1].auth).toEqual({ type: 'apiKey', apiKey: 'abc' });
    expect(cfg.scheduler).toEqual({ maxBackoff: '15m', retention: '7d' });
  });

  it('requires a token', () => {
    expect(() => loadConfig({ env: {} })).toThrow(/apiToken is required: set VIGIL_API_TOKEN/);
  });

  it.each([
    ['port: "eighty"\n', /port: must be integer/],
    ['portt: 80\n', /portt: unknown key/],
    ['sources:\n  - type: prometheus\n', /sources\[0\]\.url: is required/],
    ['sources:\n  - type: prometheus\n    url: prom:9090\n', /sources\[0\]\.url: must be an http/],
    [
      'sources:\n  - type: graphite\n    url: http://x\n',
      /sources\[0\]\.type: must be one of prometheus, elasticsearch, file/,
    ],
    ['scheduler:\n  maxBackoff: soon\n', /scheduler\.maxBackoff: must be a duration/],
    ['sink:\n  url: http://es:9200\n  index: Bad Index\n', /sink\.index/],
    ['logLevel: loud\n', /logLevel: must be one of/],
    ['port: [1\n', /is not valid YAML/],
    ['- a\n- b\n', /top level must be a mapping/],
  ])('names the key at fault for %j', (text, message) => {
    const f = file(text);
    const run = () => loadConfig({ file: f, env: { VIGIL_API_TOKEN: 'token-123456' } });
    expect(run).toThrow(ConfigError);
    expect(run).toThrow(message);
  });

  it('names an unreadable config file', () => {
    expect(() =>
      loadConfig({ file: path.join(dir, 'missing.yaml'), env: { VIGIL_API_TOKEN: 'token-123456' } })
    ).toThrow(/missing\.yaml cannot be read/);
  });

  it('rejects a non-numeric VIGIL_PORT naming the variable', () => {
    expect(() => loadConfig({ env: { VIGIL_API_TOKEN: 'token-123456', VIGIL_PORT: 'x1' } })).toThrow(/VIGIL_PORT/);
  });
});
