import fs from 'fs';
import path from 'path';
import { globSync } from 'glob';

import { DIST_DIR, SOURCE_DIR } from './constants';

function loadJson(file: string) {
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

export function getPackageJson() {
  return loadJson(path.resolve(process.cwd(), 'package.json'));
}

/**
 * The app's manifest. create-plugin keeps it in `src/plugin.json`; this repository keeps it at the root
 * (`plugin.json`), and the build copies it into `dist/`.
 */
export function getPluginJsonPath() {
  const root = path.resolve(process.cwd(), 'plugin.json');
  return fs.existsSync(root) ? root : path.resolve(process.cwd(), SOURCE_DIR, 'plugin.json');
}

export function getPluginJson() {
  return loadJson(getPluginJsonPath());
}

/**
 * Entries for the app and its nested plugins: `module` for `src/module.tsx` (the app), and
 * `<dir>/module` for every `src/<dir>/plugin.json` with a sibling `module.(ts|tsx)`, as create-plugin does.
 */
export function getEntries(): Record<string, string> {
  const entries: Record<string, string> = {};
  const src = path.resolve(process.cwd(), SOURCE_DIR);
  const appModule = globSync('module.{ts,tsx}', { cwd: src, absolute: true })[0];
  if (appModule) entries.module = appModule;
  for (const pj of globSync('**/plugin.json', { cwd: src, absolute: true })) {
    const dir = path.dirname(pj);
    const mod = globSync('module.{ts,tsx}', { cwd: dir, absolute: true })[0];
    if (!mod) continue;
    const rel = path.relative(src, dir).split(path.sep).join('/');
    entries[rel === '' ? 'module' : `${rel}/module`] = mod;
  }
  return entries;
}

export const distDir = () => path.resolve(process.cwd(), DIST_DIR);
