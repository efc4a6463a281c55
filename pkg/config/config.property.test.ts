/**
 * Property-based tests (fast-check) of config loading: any YAML document (or text that is not YAML) gives a
 * config or a ConfigError, never another error; documents built from the config's keys with wrong or random values
 * are refused with a message naming the key, or accepted with the values they gave.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import YAML from 'yaml';
import { ConfigError, loadConfig } from './config';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'vigil-config-prop-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let n = 0;
function load(text: string) {
  const file = path.join(dir, `c${n++}.yaml`);
  writeFileSync(file, text);
  let outcome: ReturnType<typeof loadConfig> | Error;
  try {
    outcome = loadConfig({ file, env: { VIGIL_API_TOKEN: 'property-test-token' } });
  } catch (err) {
    outcome = err as Error;
  }
  return outcome;
}

const leaf = fc.oneof(
  fc.string({ maxLength: 20 }),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.constantFrom('prometheus', 'elasticsearch', 'file', 'http://localhost:9090', 'http://u:p@h:9200', '5m', '-1', '1d')
);
const key = fc.constantFrom(
  'port',
  'host',
  'dataDir',
  'logLevel',
  'sources',
  'scheduler',
  'sink',
  'store',
  'type',
  'url',
  'name',
  'root',
  'auth',
  'username',
  'password',
  'timeout',
  'maxBackoff',
  'retention',
  'index',
  'extra'
);
const doc = fc.letrec<{ v: unknown }>((tie) => ({
  v: fc.oneof(
    { depthSize: 'small' },
    leaf,
    fc.array(tie('v'), { maxLength: 3 }),
    fc.dictionary(key, tie('v'), { maxKeys: 5 })
  ),
})).v;

describe('loadConfig (property-based)', () => {
  it('answers any document or text with a config or a ConfigError', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          doc.map((d) => YAML.stringify(d)),
          fc.string({ maxLength: 200 })
        ),
        (text) => {
          const out = load(text);
          if (out instanceof Error) {
            expect(out).toBeInstanceOf(ConfigError);
            expect(out.message.length).toBeGreaterThan(0);
          } else {
            expect(out.apiToken).toBe('property-test-token');
            expect(Number.isInteger(out.port)).toBe(true);
          }
        }
      ),
      { numRuns: 200, seed: 20261130 }
    );
  });

  it('keeps a valid port and refuses an invalid one naming "port"', () => {
    fc.assert(
      fc.property(fc.oneof(fc.integer({ min: -100, max: 70_000 }), fc.string({ maxLength: 5 })), (port) => {
        const out = load(YAML.stringify({ port }));
        if (typeof port === 'number' && port >= 0 && port <= 65_535) expect(out).toMatchObject({ port });
        else {
          expect(out).toBeInstanceOf(ConfigError);
          expect((out as Error).message).toMatch(/port/);
        }
      }),
      { numRuns: 100, seed: 20261130 }
    );
  });
});
