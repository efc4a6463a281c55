/**
 * Shared plumbing for the real test servers (Prometheus, OpenSearch): paths, free ports, spawning a server in
 * its own process group with a log file, waiting with a deadline, and stopping by process-group id.
 */
import { spawn, execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';

/** Repository root (this file is tests/servers/common.ts). */
export const REPO_ROOT = path.resolve(__dirname, '..', '..');

/** The shared data directory: `$VIGIL_SHARED_DIR`, else `../shared` beside the repository. */
export function sharedDir(): string {
  return process.env.VIGIL_SHARED_DIR
    ? path.resolve(process.env.VIGIL_SHARED_DIR)
    : path.resolve(REPO_ROOT, '..', 'shared');
}

/** Parent of the per-run server directories. */
export function serversRoot(): string {
  return path.join(REPO_ROOT, '.cache', 'servers');
}

/**
 * Where this run's server data, logs, pid files and URLs live: `$VIGIL_SERVERS_DIR`, else
 * `<repo>/.cache/servers/manual`. The jest globalSetup points it at a directory of its own per run
 * (`run-<pid>`), so two test runs in the same tree never touch each other's servers.
 */
export function serversDir(): string {
  const dir = process.env.VIGIL_SERVERS_DIR
    ? path.resolve(process.env.VIGIL_SERVERS_DIR)
    : path.join(serversRoot(), 'manual');
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

/** Build cache shared by runs (the backfilled TSDB): `$VIGIL_SERVERS_CACHE`, else `<repo>/.cache/servers-cache`. */
export function cacheDir(): string {
  const dir = process.env.VIGIL_SERVERS_CACHE
    ? path.resolve(process.env.VIGIL_SERVERS_CACHE)
    : path.join(REPO_ROOT, '.cache', 'servers-cache');
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

/** A free TCP port on 127.0.0.1 (asks the kernel for port 0, then releases it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => (port ? resolve(port) : reject(new Error('could not get a free port'))));
    });
  });
}

/** Error from a test server that failed to start; its message says what to look at. */
export class ServerStartError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ServerStartError';
  }
}

/** Last `lines` lines of a log file ('' when missing). */
export function tail(file: string, lines = 30): string {
  try {
    const text = fs.readFileSync(file, 'utf8');
    return text.split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

/** A server process started in its own process group. */
export interface ServerProcess {
  pid: number;
  logFile: string;
  /** Resolves with the exit code (or signal) once the process has exited. */
  exited: Promise<string>;
  /** True while the process has not exited. */
  alive(): boolean;
}

/**
 * Spawn `command args` detached (own process group), stdout+stderr appended to `logFile`, pid written to
 * `pidFile`. The caller stops it with `stopProcessGroup(pid)`.
 */
export function spawnServer(
  command: string,
  args: string[],
  opts: { logFile: string; pidFile: string; cwd?: string; env?: NodeJS.ProcessEnv }
): ServerProcess {
  const out = fs.openSync(opts.logFile, 'a');
  const child = spawn(command, args, {
    cwd: opts.cwd,
    env: opts.env ?? process.env,
    detached: true,
    stdio: ['ignore', out, out],
  });
  fs.closeSync(out);
  let done = false;
  const exited = new Promise<string>((resolve) => {
    child.on('exit', (code, signal) => {
      done = true;
      resolve(signal ? `signal ${signal}` : `code ${code}`);
    });
    child.on('error', (err) => {
      done = true;
      resolve(`spawn error: ${err.message}`);
    });
  });
  child.unref();
  if (child.pid === undefined) throw new ServerStartError(`could not start ${command} (see ${opts.logFile})`);
  fs.writeFileSync(opts.pidFile, String(child.pid));
  return { pid: child.pid, logFile: opts.logFile, exited, alive: () => !done };
}

/** True when a process with this id exists. */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Stop a process group started by `spawnServer`: SIGTERM to the group, then SIGKILL after `graceMs`.
 * Resolves once the leader is gone (or after the kill). Never throws for an already-gone process.
 */
export async function stopProcessGroup(pid: number, graceMs = 20_000): Promise<void> {
  const signal = (sig: NodeJS.Signals): void => {
    try {
      process.kill(-pid, sig);
    } catch {
      try {
        process.kill(pid, sig);
      } catch {
        /* already gone */
      }
    }
  };
  if (!processAlive(pid)) return;
  signal('SIGTERM');
  const deadline = Date.now() + graceMs;
  while (processAlive(pid) && Date.now() < deadline) await sleep(200);
  if (processAlive(pid)) {
    signal('SIGKILL');
    const killDeadline = Date.now() + 5000;
    while (processAlive(pid) && Date.now() < killDeadline) await sleep(100);
  }
}

/** Stop the process whose pid is in `pidFile` (if any) and remove the file. */
export async function stopFromPidFile(pidFile: string): Promise<boolean> {
  let pid: number;
  try {
    pid = Number(fs.readFileSync(pidFile, 'utf8').trim());
  } catch {
    return false;
  }
  if (Number.isInteger(pid) && pid > 1) await stopProcessGroup(pid);
  fs.rmSync(pidFile, { force: true });
  return true;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/**
 * Poll `check` every `everyMs` until it returns true, the process dies, or `timeoutMs` passes.
 * @throws ServerStartError naming `what`, the time waited and the log tail
 */
export async function waitUntil(
  what: string,
  check: () => Promise<boolean>,
  opts: { timeoutMs: number; everyMs?: number; proc?: ServerProcess }
): Promise<void> {
  const deadline = Date.now() + opts.timeoutMs;
  for (;;) {
    if (opts.proc && !opts.proc.alive()) {
      const how = await opts.proc.exited;
      throw new ServerStartError(
        `${what}: the process exited (${how}) before it was ready. Log ${opts.proc.logFile}:\n${tail(opts.proc.logFile)}`
      );
    }
    try {
      if (await check()) return;
    } catch {
      /* not up yet */
    }
    if (Date.now() > deadline) {
      const log = opts.proc ? ` Log ${opts.proc.logFile}:\n${tail(opts.proc.logFile)}` : '';
      throw new ServerStartError(`${what}: not ready after ${Math.round(opts.timeoutMs / 1000)} s.${log}`);
    }
    await sleep(opts.everyMs ?? 250);
  }
}

/** GET a URL with a short timeout; resolves with status and body, rejects on connection failure. */
export async function httpGet(url: string, timeoutMs = 2000): Promise<{ status: number; text: string }> {
  const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  return { status: res.status, text: await res.text() };
}

/**
 * Run a command to completion with a time limit, capturing output.
 * @throws ServerStartError with the output tail when it fails or times out
 */
export function run(
  command: string,
  args: string[],
  opts: { cwd?: string; timeoutMs: number; what: string }
): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      command,
      args,
      { cwd: opts.cwd, timeout: opts.timeoutMs, maxBuffer: 64 * 1024 * 1024, killSignal: 'SIGKILL' },
      (err, stdout, stderr) => {
        if (err) {
          const e = err as NodeJS.ErrnoException & { killed?: boolean };
          const why =
            e.code === 'ENOENT'
              ? 'is not installed (run scripts/ci-setup.sh)'
              : e.killed
                ? `timed out after ${Math.round(opts.timeoutMs / 1000)} s`
                : `failed (${e.message.split('\n')[0]})`;
          const out = (stdout + stderr).split('\n').slice(-30).join('\n').trim();
          reject(new ServerStartError(`${opts.what}: ${command} ${why}${out ? `\n${out}` : ''}`));
        } else resolve(stdout);
      }
    );
  });
}

/** True when `command` is on the PATH. */
export function hasCommand(command: string): boolean {
  const dirs = (process.env.PATH ?? '').split(path.delimiter);
  return dirs.some((d) => {
    try {
      fs.accessSync(path.join(d, command), fs.constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}
