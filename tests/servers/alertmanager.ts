/**
 * A real Prometheus Alertmanager for the notification suites, from Debian's `prometheus-alertmanager` package
 * (installed by `scripts/ci-setup.sh alertmanager`, or here when missing): started on a free 127.0.0.1 port with a
 * configuration the test writes, clustering off, its own storage directory, stopped with its process group (and by
 * a watchdog when the test runner dies).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  ServerStartError,
  freePort,
  hasCommand,
  httpGet,
  run,
  spawnServer,
  stopProcessGroup,
  waitUntil,
} from './common';

export interface AlertmanagerServer {
  url: string;
  pid: number;
  dir: string;
  logFile: string;
  stop(): Promise<void>;
}

const BINARY = 'prometheus-alertmanager';
const READY_TIMEOUT_MS = 30_000;

/** Install Debian's prometheus-alertmanager when the binary is missing (needs root and the apt mirror). */
export async function ensureAlertmanagerInstalled(): Promise<void> {
  if (hasCommand(BINARY)) return;
  const setup = path.resolve(__dirname, '..', '..', 'scripts', 'ci-setup.sh');
  await run('bash', [setup, 'alertmanager'], { timeoutMs: 600_000, what: 'installing prometheus-alertmanager' });
  if (!hasCommand(BINARY)) {
    throw new ServerStartError(`${BINARY} still missing after scripts/ci-setup.sh; install Debian's package`);
  }
}

/**
 * Start Alertmanager with `configYaml` (its alertmanager.yml); resolves once `/-/ready` answers 200.
 * @throws ServerStartError with the log tail when it exits or is not ready within 30 s
 */
export async function startAlertmanager(configYaml: string): Promise<AlertmanagerServer> {
  await ensureAlertmanagerInstalled();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-alertmanager-'));
  const config = path.join(dir, 'alertmanager.yml');
  fs.writeFileSync(config, configYaml);
  const logFile = path.join(dir, 'alertmanager.log');
  const port = await freePort();
  const args = [
    `--config.file=${config}`,
    `--storage.path=${path.join(dir, 'data')}`,
    `--web.listen-address=127.0.0.1:${port}`,
    '--cluster.listen-address=',
    '--log.level=warn',
  ];
  const watchdog =
    'parent=$1; shift; "$@" & child=$!; trap \'kill -TERM $child 2>/dev/null; wait $child; exit 0\' TERM INT; ' +
    'while kill -0 $child 2>/dev/null; do if [ "$parent" -gt 0 ] && ! kill -0 "$parent" 2>/dev/null; then kill -TERM $child; wait $child; exit 0; fi; sleep 2; done; wait $child';
  const proc = spawnServer('bash', ['-c', watchdog, 'vigil-alertmanager', String(process.pid), BINARY, ...args], {
    logFile,
    pidFile: path.join(dir, 'pid'),
  });
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    await stopProcessGroup(proc.pid, 10_000);
    fs.rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitUntil(`Alertmanager on ${url}`, async () => (await httpGet(`${url}/-/ready`)).status === 200, {
      timeoutMs: READY_TIMEOUT_MS,
      proc,
    });
  } catch (err) {
    await stopProcessGroup(proc.pid, 5000);
    throw err;
  }
  return { url, pid: proc.pid, dir, logFile, stop };
}
