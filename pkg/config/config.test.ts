import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { clearRegisteredSecrets, scrubSecrets } from '../core/scrub';
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

  it('moves credentials written in a source or sink URL to its auth setting', () => {
    const cfg = loadConfig({
      file: file(
        'sources:\n  - type: prometheus\n    url: http://vigil:p%40ss@prom:9090\n  - type: elasticsearch\n    url: https://u:pw@es:9200/prefix/\nsink:\n  url: http://w:s3cr3t@os:9200\n'
      ),
      env: { VIGIL_API_TOKEN: 'token-123456' },
    });
    expect(cfg.sources[0]).toMatchObject({
      url: 'http://prom:9090',
      auth: { type: 'basic', username: 'vigil', password: 'p@ss' },
    });
    expect(cfg.sources[1]).toMatchObject({
      url: 'https://es:9200/prefix/',
      auth: { type: 'basic', username: 'u', password: 'pw' },
    });
    expect(cfg.sink).toMatchObject({
      url: 'http://os:9200',
      auth: { type: 'basic', username: 'w', password: 's3cr3t' },
    });
    // the moved passwords are masked wherever they would show up
    expect(scrubSecrets('refused: server said s3cr3t is wrong')).toBe('refused: server said *** is wrong');
    clearRegisteredSecrets();
  });

  it.each([
    [
      'sources:\n  - type: prometheus\n    url: http://a:b@prom:9090\n    auth: { type: bearer, token: t0k3n }\n',
      /sources\[0\]\.url: has a user and password in it and sources\[0\]\.auth is set too/,
    ],
    [
      'sources:\n  - type: prometheus\n    url: http://prom:9090/?access_token=abc\n',
      /sources\[0\]\.url: carries a credential in its query string \("access_token=\.\.\."\)/,
    ],
    ['sink:\n  url: http://os:9200/?api_key=zzz\n', /sink\.url: carries a credential/],
  ])('refuses credentials it cannot move, naming the key and never the secret (%#)', (text, message) => {
    const f = file(text);
    const run = () => loadConfig({ file: f, env: { VIGIL_API_TOKEN: 'token-123456' } });
    expect(run).toThrow(message);
    try {
      run();
    } catch (e) {
      expect((e as Error).message).not.toMatch(/abc|zzz|:b@/);
    }
  });

  it('reads remoteWrite from the file and the environment, moves URL credentials and masks header secrets', () => {
    const cfg = loadConfig({
      file: file(
        'remoteWrite:\n  url: http://rw:Pa55word@mimir:9009/api/v1/push\n  headers: { X-Scope-OrgID: team-a, X-Api-Key: k3y-never-shown }\n  timeout: 5s\n  retries: 1\n  maxSampleAge: 2h\n'
      ),
      env: { VIGIL_API_TOKEN: 'token-123456' },
    });
    expect(cfg.remoteWrite).toEqual({
      url: 'http://mimir:9009/api/v1/push',
      auth: { type: 'basic', username: 'rw', password: 'Pa55word' },
      headers: { 'X-Scope-OrgID': 'team-a', 'X-Api-Key': 'k3y-never-shown' },
      timeout: '5s',
      retries: 1,
      maxSampleAge: '2h',
    });
    expect(scrubSecrets('refused Pa55word and k3y-never-shown for team-a')).toBe('refused *** and *** for team-a');
    clearRegisteredSecrets();
    const env = loadConfig({
      env: {
        VIGIL_API_TOKEN: 'token-123456',
        VIGIL_REMOTE_WRITE_URL: 'http://prom:9090/api/v1/write',
        VIGIL_REMOTE_WRITE_TOKEN: 'tok-123456',
      },
    });
    expect(env.remoteWrite).toEqual({
      url: 'http://prom:9090/api/v1/write',
      auth: { type: 'bearer', token: 'tok-123456' },
    });
    clearRegisteredSecrets();
  });

  it.each([
    ['remoteWrite:\n  timeout: 5s\n', /remoteWrite\.url: is required/],
    ['remoteWrite:\n  url: prom:9090\n', /remoteWrite\.url: must be an http/],
    [
      'remoteWrite:\n  url: http://p/api/v1/write\n  maxSampleAge: an hour\n',
      /remoteWrite\.maxSampleAge: must be a duration/,
    ],
    ['remoteWrite:\n  url: http://p/api/v1/write\n  retries: 50\n', /remoteWrite\.retries/],
    ['remoteWrite:\n  url: http://p/api/v1/write\n  batch: 5\n', /remoteWrite\.batch: unknown key/],
  ])('names the remoteWrite key at fault (%#)', (text, message) => {
    const f = file(text);
    expect(() => loadConfig({ file: f, env: { VIGIL_API_TOKEN: 'token-123456' } })).toThrow(message);
  });

  it('roots the default file source in a folder of the data directory, never the working directory', () => {
    const cfg = loadConfig({ env: { VIGIL_API_TOKEN: 'token-123456' }, flags: { dataDir: path.join(dir, 'd') } });
    expect(cfg.sources).toEqual([{ type: 'file', name: 'file', root: path.join(dir, 'd', 'files') }]);
  });

  it('takes the store from VIGIL_STORE and refuses anything but sqlite or postgres', () => {
    expect(loadConfig({ env: { VIGIL_API_TOKEN: 'token-123456', VIGIL_STORE: 'postgres://db/vigil' } }).store).toBe(
      'postgres://db/vigil'
    );
    expect(() => loadConfig({ env: { VIGIL_API_TOKEN: 'token-123456', VIGIL_STORE: 'mysql://db' } })).toThrow(
      /store: must be "sqlite" or a postgres:\/\/ URL/
    );
  });
});
