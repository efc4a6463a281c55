/**
 * A real PostgreSQL for integration tests, from Debian's `postgresql` package (installed by scripts/ci-setup.sh,
 * or here when missing): `initdb` into this run's server directory, `postgres` on a free 127.0.0.1 port with
 * trust authentication for the `vigil` user. PostgreSQL refuses to run as root, so under root the cluster belongs
 * to the package's `postgres` system user and both programs run as that user (`setpriv`).
 *
 * Durability settings are relaxed (fsync off): the cluster is thrown away after the run, and the tests kill
 * Vigil, never PostgreSQL.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import pg from 'pg';
import {
  ServerStartError,
  freePort,
  hasCommand,
  run,
  serversDir,
  spawnServer,
  stopFromPidFile,
  waitUntil,
} from './common';

export interface PostgresServer {
  /** `postgres://vigil@127.0.0.1:<port>/postgres` */
  url: string;
  pid: number;
  logFile: string;
  timings: { initMs: number; startMs: number };
}

const READY_TIMEOUT_MS = 60_000;

/** Directory of the PostgreSQL test server's files. */
export function postgresDir(): string {
  const dir = path.join(serversDir(), 'postgres');
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

/** Where `initdb` and `postgres` are: the PATH, else the newest /usr/lib/postgresql/<version>/bin. */
export function postgresBinDir(): string | undefined {
  if (hasCommand('initdb') && hasCommand('postgres')) return undefined;
  const root = '/usr/lib/postgresql';
  let versions: string[];
  try {
    versions = fs.readdirSync(root).filter((v) => /^\d+$/.test(v));
  } catch {
    return undefined;
  }
  versions.sort((a, b) => Number(b) - Number(a));
  for (const v of versions) {
    const bin = path.join(root, v, 'bin');
    if (fs.existsSync(path.join(bin, 'initdb')) && fs.existsSync(path.join(bin, 'postgres'))) return bin;
  }
  return undefined;
}

function binary(name: string): string | undefined {
  const dir = postgresBinDir();
  if (dir) return path.join(dir, name);
  return hasCommand(name) ? name : undefined;
}

/** Install Debian's postgresql when `initdb`/`postgres` are missing (needs root and the apt mirror). */
export async function ensurePostgresInstalled(): Promise<void> {
  if (binary('initdb') && binary('postgres')) return;
  const setup = path.resolve(__dirname, '..', '..', 'scripts', 'ci-setup.sh');
  await run('bash', [setup, 'postgres'], { timeoutMs: 600_000, what: 'installing postgresql (scripts/ci-setup.sh)' });
  if (!binary('initdb') || !binary('postgres')) {
    throw new ServerStartError(
      'initdb/postgres still missing after scripts/ci-setup.sh; install Debian\'s "postgresql"'
    );
  }
}

/** The uid/gid PostgreSQL runs as: the caller, or the `postgres` system user when the caller is root. */
function runAs(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const line = fs
    .readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((l) => l.startsWith('postgres:'));
  if (!line) throw new ServerStartError('running as root but there is no "postgres" user (install postgresql)');
  const [, , uid, gid] = line.split(':');
  return { uid: Number(uid), gid: Number(gid) };
}

/** `command args` as the PostgreSQL user (setpriv execs, so the pid is the program's own). */
function asUser(user: { uid: number; gid: number } | undefined, command: string, args: string[]): [string, string[]] {
  if (!user) return [command, args];
  return ['setpriv', [`--reuid=${user.uid}`, `--regid=${user.gid}`, '--clear-groups', '--', command, ...args]];
}

/**
 * Start PostgreSQL on a free localhost port with a fresh cluster; resolves once it accepts connections.
 *
 * @param opts.parentPid stop by itself when this process is gone (the test runner), so a crash leaves nothing
 * @throws ServerStartError with the log tail when it does not become ready within 60 s
 */
export async function startPostgres(opts: { parentPid?: number } = {}): Promise<PostgresServer> {
  await ensurePostgresInstalled();
  await stopPostgres();
  const dir = postgresDir();
  const dataDir = path.join(dir, 'data');
  const socketDir = path.join(dir, 'socket');
  fs.rmSync(dataDir, { recursive: true, force: true });
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  fs.mkdirSync(socketDir, { recursive: true });
  const user = runAs();
  if (user) {
    for (const d of [dir, dataDir, socketDir]) fs.chownSync(d, user.uid, user.gid);
  }
  const logFile = path.join(dir, 'postgres.log');
  fs.writeFileSync(logFile, '');
  if (user) fs.chownSync(logFile, user.uid, user.gid);

  const t0 = Date.now();
  const [initCmd, initArgs] = asUser(user, binary('initdb')!, [
    '-D',
    dataDir,
    '-U',
    'vigil',
    '--auth=trust',
    '--encoding=UTF8',
    '--no-locale',
    '--no-sync',
  ]);
  await run(initCmd, initArgs, { timeoutMs: 120_000, what: 'initdb for the PostgreSQL test server' });
  const initMs = Date.now() - t0;

  const port = await freePort();
  const t1 = Date.now();
  const args = [
    '-D',
    dataDir,
    '-p',
    String(port),
    '-k',
    socketDir,
    '-c',
    'listen_addresses=127.0.0.1',
    '-c',
    'fsync=off',
    '-c',
    'synchronous_commit=off',
    '-c',
    'full_page_writes=off',
    '-c',
    'max_connections=200',
  ];
  const [cmd, cmdArgs] = asUser(user, binary('postgres')!, args);
  // A tiny bash watchdog stops PostgreSQL when the parent (test runner) dies.
  const watchdog =
    // (SIGINT is PostgreSQL's fast shutdown: it does not wait for clients to disconnect)
    'parent=$1; shift; "$@" & child=$!; trap \'kill -INT $child 2>/dev/null; wait $child; exit 0\' TERM INT; ' +
    'while kill -0 $child 2>/dev/null; do if [ "$parent" -gt 0 ] && ! kill -0 "$parent" 2>/dev/null; then kill -INT $child; wait $child; exit 0; fi; sleep 2; done; wait $child';
  const proc = spawnServer('bash', ['-c', watchdog, 'vigil-postgres', String(opts.parentPid ?? 0), cmd, ...cmdArgs], {
    logFile,
    pidFile: path.join(dir, 'pid'),
  });
  const url = `postgres://vigil@127.0.0.1:${port}/postgres`;
  await waitUntil(
    `PostgreSQL on 127.0.0.1:${port}`,
    async () => {
      const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1000 });
      try {
        await c.connect();
        await c.query('SELECT 1');
        return true;
      } finally {
        await c.end().catch(() => undefined);
      }
    },
    { timeoutMs: READY_TIMEOUT_MS, proc }
  );
  fs.writeFileSync(path.join(dir, 'url'), url);
  return { url, pid: proc.pid, logFile, timings: { initMs, startMs: Date.now() - t1 } };
}

/** Stop the PostgreSQL started by `startPostgres` (by its pid file); no-op when none runs. */
export async function stopPostgres(): Promise<void> {
  const dir = postgresDir();
  await stopFromPidFile(path.join(dir, 'pid'));
  fs.rmSync(path.join(dir, 'url'), { force: true });
}

/**
 * A fresh database on the test server for one suite (so suites never see each other's tables), and its URL.
 * @param serverUrl the server's URL (`VIGIL_POSTGRES_URL`)
 */
export async function createTestDatabase(serverUrl: string, prefix = 'vigil_test'): Promise<string> {
  const name = `${prefix}_${process.pid}_${Date.now().toString(36)}_${Math.floor(Math.random() * 1e6)}`;
  const c = new pg.Client({ connectionString: serverUrl });
  await c.connect();
  try {
    await c.query(`CREATE DATABASE ${name}`);
  } finally {
    await c.end();
  }
  const u = new URL(serverUrl);
  u.pathname = `/${name}`;
  return u.toString();
}
