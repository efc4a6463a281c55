import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadRules, watchRules } from './ruleFiles';

const RULE = (name: string, threshold = 5) =>
  `rules:\n  - name: ${name}\n    when: { message: x }\n    threshold: ${threshold}\n`;

async function until(check: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('rule files', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-rules-'));

  it('loads the default pack, files and folders, and refuses one name in two files', () => {
    const names = loadRules(['default']).map((r) => r.name);
    expect(names).toEqual(
      expect.arrayContaining([
        'ssh-brute-force',
        'invalid-user-sweep',
        'web-url-scan',
        'web-5xx-burst',
        'web-sql-injection',
      ])
    );
    const sub = fs.mkdtempSync(path.join(dir, 'pack-'));
    fs.writeFileSync(path.join(sub, 'a.yaml'), RULE('one'));
    fs.writeFileSync(path.join(sub, 'b.yml'), RULE('two'));
    fs.writeFileSync(path.join(sub, 'notes.txt'), 'not rules');
    expect(loadRules([sub]).map((r) => r.name)).toEqual(['one', 'two']);
    fs.writeFileSync(path.join(sub, 'c.yaml'), RULE('one'));
    expect(() => loadRules([sub])).toThrow(/c.yaml: rule "one" is also defined in a.yaml/);
    expect(() => loadRules([path.join(dir, 'missing.yaml')])).toThrow(/rule file not found/);
  });

  it('reloads a changed file, and keeps the rules in force when a change does not parse', async () => {
    const file = path.join(dir, 'live.yaml');
    fs.writeFileSync(file, RULE('live', 5));
    const changes: number[] = [];
    const errors: string[] = [];
    const w = watchRules(
      [file],
      (rules) => changes.push(rules[0].threshold),
      (err) => errors.push(err.message),
      50
    );
    try {
      expect(w.rules[0].threshold).toBe(5);
      fs.writeFileSync(file, RULE('live', 7));
      await until(() => changes.length === 1);
      expect(w.rules[0].threshold).toBe(7);
      fs.writeFileSync(file, 'rules: [oops');
      await until(() => errors.length === 1);
      expect(errors[0]).toMatch(/live.yaml line \d+: not valid YAML/);
      expect(w.rules[0].threshold).toBe(7);
      // an editor that writes a new file and renames it over the old one
      fs.writeFileSync(`${file}.tmp`, RULE('live', 9));
      fs.renameSync(`${file}.tmp`, file);
      await until(() => changes.length === 2);
      expect(w.rules[0].threshold).toBe(9);
    } finally {
      w.close();
    }
  });
});
