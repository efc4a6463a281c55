/**
 * The benchmark's own Python: a virtual environment under `.cache/bench-venv` (gitignored) holding the Python
 * peers (scikit-learn; statsmodels and prophet for other rows) from `python/requirements.txt`, created with the
 * machine's python3 and pip on first use and reused while the requirements file is unchanged.
 */

import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { SourceError } from '../../core/errors';

/** Repository root (three levels above this file). */
export const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');
/** Cache directory for the venv, generated data and results. */
export const CACHE_DIR = path.join(REPO_ROOT, '.cache');
export const VENV_DIR = path.join(CACHE_DIR, 'bench-venv');
export const PYTHON_DIR = path.join(__dirname, 'python');

/** Path of the venv's python executable. */
export function venvPython(): string {
  return path.join(VENV_DIR, 'bin', 'python');
}

/**
 * Create the venv and install the requirements when missing or outdated (a stamp file holds the hash of the
 * requirements). Prints pip's progress to stderr.
 *
 * @returns the venv's python path
 * @throws SourceError when python3 or pip fails
 */
export function ensureVenv(log: (msg: string) => void = (m) => process.stderr.write(m + '\n')): string {
  const reqFile = path.join(PYTHON_DIR, 'requirements.txt');
  const hash = createHash('sha256').update(fs.readFileSync(reqFile)).digest('hex');
  const stamp = path.join(VENV_DIR, '.vigil-requirements');
  if (fs.existsSync(venvPython()) && fs.existsSync(stamp) && fs.readFileSync(stamp, 'utf8') === hash)
    return venvPython();
  fs.mkdirSync(CACHE_DIR, { recursive: true });
  const python3 = process.env.PYTHON ?? 'python3';
  log(`bench: creating Python venv for the peers in ${path.relative(REPO_ROOT, VENV_DIR)} (first run only)`);
  run(python3, ['-m', 'venv', VENV_DIR]);
  run(venvPython(), ['-m', 'pip', 'install', '--quiet', '--upgrade', 'pip']);
  run(venvPython(), ['-m', 'pip', 'install', '--quiet', '-r', reqFile]);
  fs.writeFileSync(stamp, hash);
  return venvPython();
}

function run(cmd: string, args: string[]): void {
  const r = spawnSync(cmd, args, { stdio: ['ignore', 'inherit', 'inherit'] });
  if (r.error || r.status !== 0) {
    throw new SourceError('python', `${cmd} ${args.join(' ')} failed (${r.error?.message ?? `exit ${r.status}`})`);
  }
}

/**
 * Run a script from `python/` with the venv's python and parse the JSON object it prints last on stdout.
 * @throws SourceError when the script fails or prints no JSON
 */
export function runPythonScript(script: string, args: string[], timeoutMs = 30 * 60 * 1000): Record<string, unknown> {
  const r = spawnSync(venvPython(), [path.join(PYTHON_DIR, script), ...args], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    timeout: timeoutMs,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  if (r.error || r.status !== 0) {
    throw new SourceError('python', `${script} failed (${r.error?.message ?? `exit ${r.status}`})`);
  }
  const lines = r.stdout.trim().split('\n');
  try {
    return JSON.parse(lines[lines.length - 1]) as Record<string, unknown>;
  } catch {
    throw new SourceError('python', `${script} printed no JSON result: ${r.stdout.slice(-500)}`);
  }
}
