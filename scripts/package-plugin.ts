/**
 * Package the built plugin for the Grafana catalog (or a manual install): copy the catalog screenshots that the
 * browser suite took (test-results/screenshots/, named in plugin.json's `info.screenshots`) into dist/img/screenshots/
 * and zip dist/ as `<plugin id>/` in `<plugin id>-<version>.zip`, the layout Grafana's plugin validator expects.
 *
 * Run after `npm run test:browser` (which builds dist/ and takes the screenshots): `npm run package`.
 * Needs the `zip` command (Debian package `zip`).
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..');
const DIST = path.join(ROOT, 'dist');
const SHOTS = path.join(ROOT, 'test-results', 'screenshots');

function fail(message: string): never {
  process.stderr.write(`package: ${message}\n`);
  process.exit(1);
}

if (!existsSync(path.join(DIST, 'plugin.json'))) fail('dist/plugin.json not found: run `npm run build` first');
const manifest = JSON.parse(readFileSync(path.join(DIST, 'plugin.json'), 'utf8')) as {
  id: string;
  info: { version: string; screenshots?: Array<{ path: string }> };
};
const missing: string[] = [];
for (const s of manifest.info.screenshots ?? []) {
  const from = path.join(SHOTS, path.basename(s.path));
  if (!existsSync(from)) {
    missing.push(path.relative(ROOT, from));
    continue;
  }
  mkdirSync(path.dirname(path.join(DIST, s.path)), { recursive: true });
  copyFileSync(from, path.join(DIST, s.path));
}
if (missing.length) fail(`catalog screenshots not found (run \`npm run test:browser\` first): ${missing.join(', ')}`);

const out = path.join(ROOT, `${manifest.id}-${manifest.info.version}.zip`);
const stage = mkdtempSync(path.join(os.tmpdir(), 'vigil-package-'));
try {
  symlinkSync(DIST, path.join(stage, manifest.id), 'dir');
  rmSync(out, { force: true });
  execFileSync('zip', ['-qr', out, manifest.id], { cwd: stage, stdio: 'inherit' });
} finally {
  rmSync(stage, { recursive: true, force: true });
}
process.stdout.write(`${path.relative(ROOT, out)}\n`);
