import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { readRecords } from '../../pkg/sources/file';
import { REPO_ROOT, WEBLOGS_FILE } from '../helpers/shared';

// No raw client address leaves Vigil once redaction is on: every client IP of the web logs is looked for in what
// the log commands print.

const exec = promisify(execFile);
const VIGIL = path.join(REPO_ROOT, 'bin', 'vigil.js');

describe('redaction of the web logs', () => {
  const clients = new Set<string>();
  beforeAll(async () => {
    for await (const { record } of readRecords(WEBLOGS_FILE)) {
      clients.add(String(record.clientip));
      const m = /^(\S+) /.exec(String(record.message));
      if (m) clients.add(m[1]);
    }
    expect(clients.size).toBeGreaterThan(1000);
  });

  const leaks = (text: string) =>
    [...clients].filter((ip) => new RegExp(`(?<![0-9.])${ip.replace(/\./g, '\\.')}(?![0-9])`).test(text));

  it('vigil logs --redact (JSON and table) shows pseudonyms, never a client address', async () => {
    const env = { ...process.env, VIGIL_REDACTION_KEY: 'test-key-for-pseudonyms' };
    const json = (
      await exec(process.execPath, [VIGIL, 'logs', WEBLOGS_FILE, '--format', 'json', '--redact', '-q'], {
        env,
        maxBuffer: 1 << 26,
      })
    ).stdout;
    const doc = JSON.parse(json);
    expect(doc.ruleEvents[0].key).toMatch(/^ip-[0-9a-f]{12}$/);
    expect(doc.ruleEvents[0].examples[0].message).toMatch(/^ip-[0-9a-f]{12} - - \[/);
    expect(leaks(json)).toEqual([]);
    const table = (
      await exec(process.execPath, [VIGIL, 'logs', WEBLOGS_FILE, '--redact', '--templates', '-q'], { env })
    ).stdout;
    expect(table).toContain(doc.ruleEvents[0].key);
    expect(leaks(table)).toEqual([]);
  });

  it('without --redact the scan client is shown (the check above can fail)', async () => {
    const out = (await exec(process.execPath, [VIGIL, 'rules', WEBLOGS_FILE, '-q'])).stdout;
    expect(leaks(out)).toContain('30.156.16.164');
  });
});
