/**
 * A real Prometheus for integration tests, from Debian's `prometheus` package (installed by
 * scripts/ci-setup.sh, or here when missing): a TSDB backfilled from NAB CSVs with
 * `promtool tsdb create-blocks-from openmetrics`, served on a free 127.0.0.1 port.
 *
 * The NAB history is from 2013-2015, so: retention is set to 100 years (Prometheus deletes blocks older than
 * the retention relative to the newest block), there is no scrape config (the head stays empty), and queries
 * must ask for those ranges.
 */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  ServerStartError,
  cacheDir,
  freePort,
  hasCommand,
  httpGet,
  run,
  serversDir,
  spawnServer,
  stopFromPidFile,
  stopProcessGroup,
  waitUntil,
} from './common';
import { NAB_BACKFILL, nabToOpenMetrics, readNabCsv } from './nab';

export interface PrometheusServer {
  url: string;
  pid: number;
  dataDir: string;
  logFile: string;
  /** Milliseconds spent building the TSDB (0 when reused) and starting until ready. */
  timings: { backfillMs: number; startMs: number };
}

const READY_TIMEOUT_MS = 60_000;

/** Directory of the Prometheus test server's files. */
export function prometheusDir(): string {
  const dir = path.join(serversDir(), 'prometheus');
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

/** Install Debian's prometheus when `prometheus`/`promtool` are missing (needs root and the apt mirror). */
export async function ensurePrometheusInstalled(): Promise<void> {
  if (hasCommand('prometheus') && hasCommand('promtool')) return;
  const setup = path.resolve(__dirname, '..', '..', 'scripts', 'ci-setup.sh');
  await run('bash', [setup, 'prometheus'], { timeoutMs: 600_000, what: 'installing prometheus (scripts/ci-setup.sh)' });
  if (!hasCommand('prometheus') || !hasCommand('promtool')) {
    throw new ServerStartError(
      'prometheus/promtool still missing after scripts/ci-setup.sh; install Debian\'s "prometheus" package'
    );
  }
}

/**
 * Build (or reuse) the backfilled TSDB: NAB CSVs -> OpenMetrics -> promtool blocks, cached by a hash of the
 * OpenMetrics text under the shared build cache, then copied into this run's data directory (Prometheus
 * locks and compacts its data directory, so runs never share one).
 * @returns the data directory and the time spent building (0 when the cache was used)
 */
export async function buildNabTsdb(): Promise<{ dataDir: string; ms: number }> {
  const om = nabToOpenMetrics(NAB_BACKFILL.map(readNabCsv));
  const hash = crypto.createHash('sha256').update(om).digest('hex').slice(0, 16);
  const cached = path.join(cacheDir(), `prometheus-nab-${hash}`);
  let ms = 0;
  if (!fs.existsSync(cached)) {
    const t0 = Date.now();
    const tmp = `${cached}.tmp-${process.pid}`;
    fs.rmSync(tmp, { recursive: true, force: true });
    fs.mkdirSync(tmp, { recursive: true });
    const omFile = path.join(tmp, 'nab.om.txt');
    fs.writeFileSync(omFile, om);
    const blocks = path.join(tmp, 'blocks');
    await run('promtool', ['tsdb', 'create-blocks-from', 'openmetrics', '--quiet', omFile, blocks], {
      timeoutMs: 300_000,
      what: 'backfilling NAB series into the Prometheus TSDB',
    });
    try {
      fs.renameSync(blocks, cached);
    } catch (err) {
      if (!fs.existsSync(cached)) throw err; // another run finished the same build first
    }
    fs.rmSync(tmp, { recursive: true, force: true });
    ms = Date.now() - t0;
  }
  const dataDir = path.join(prometheusDir(), 'data');
  fs.rmSync(dataDir, { recursive: true, force: true });
  fs.cpSync(cached, dataDir, { recursive: true });
  return { dataDir, ms };
}

/**
 * Start Prometheus on a free localhost port with the backfilled NAB TSDB; resolves once `/-/ready` answers 200.
 *
 * @param opts.parentPid stop by itself when this process is gone (the test runner), so a crash leaves nothing
 * @throws ServerStartError with the log tail when it does not become ready within 60 s
 */
export async function startPrometheus(opts: { parentPid?: number } = {}): Promise<PrometheusServer> {
  await ensurePrometheusInstalled();
  await stopPrometheus(); // a stale one from an earlier run
  const { dataDir, ms: backfillMs } = await buildNabTsdb();
  const dir = prometheusDir();
  const config = path.join(dir, 'prometheus.yml');
  fs.writeFileSync(
    config,
    '# Vigil test server: no scraping, only the backfilled NAB history.\nglobal:\n  evaluation_interval: 1h\n'
  );
  const logFile = path.join(dir, 'prometheus.log');
  fs.writeFileSync(logFile, '');
  const port = await freePort();
  const t0 = Date.now();
  const args = [
    `--config.file=${config}`,
    `--storage.tsdb.path=${dataDir}`,
    '--storage.tsdb.retention.time=100y',
    `--web.listen-address=127.0.0.1:${port}`,
    '--log.level=warn',
  ];
  // A tiny bash watchdog stops Prometheus when the parent (test runner) dies.
  const watchdog =
    'parent=$1; shift; "$@" & child=$!; trap \'kill -TERM $child 2>/dev/null; wait $child; exit 0\' TERM INT; ' +
    'while kill -0 $child 2>/dev/null; do if [ "$parent" -gt 0 ] && ! kill -0 "$parent" 2>/dev/null; then kill -TERM $child; wait $child; exit 0; fi; sleep 2; done; wait $child';
  const proc = spawnServer(
    'bash',
    ['-c', watchdog, 'vigil-prometheus', String(opts.parentPid ?? 0), 'prometheus', ...args],
    {
      logFile,
      pidFile: path.join(dir, 'pid'),
    }
  );
  const url = `http://127.0.0.1:${port}`;
  await waitUntil(`Prometheus on ${url}`, async () => (await httpGet(`${url}/-/ready`)).status === 200, {
    timeoutMs: READY_TIMEOUT_MS,
    proc,
  });
  fs.writeFileSync(path.join(dir, 'url'), url);
  return { url, pid: proc.pid, dataDir, logFile, timings: { backfillMs, startMs: Date.now() - t0 } };
}

/** Stop the Prometheus started by `startPrometheus` (by its pid file); no-op when none runs. */
export async function stopPrometheus(): Promise<void> {
  const dir = prometheusDir();
  await stopFromPidFile(path.join(dir, 'pid'));
  fs.rmSync(path.join(dir, 'url'), { force: true });
}

/** A Prometheus of a test's own, with the data it was given. */
export interface OwnPrometheus {
  url: string;
  dir: string;
  stop(): Promise<void>;
}

/**
 * Start a Prometheus of its own (not the shared NAB one) on a free port, its TSDB backfilled from `openMetrics`
 * (OpenMetrics text, ending with `# EOF`) by `promtool tsdb create-blocks-from openmetrics`; no scraping, a 1m
 * evaluation interval (the default step of subqueries), retention 100 years. Stops by itself when this process dies.
 *
 * @throws ServerStartError when promtool refuses the data or the server is not ready within 60 s
 */
export async function startPrometheusWith(openMetrics: string): Promise<OwnPrometheus> {
  await ensurePrometheusInstalled();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-prometheus-'));
  const omFile = path.join(dir, 'data.om.txt');
  fs.writeFileSync(omFile, openMetrics);
  const dataDir = path.join(dir, 'data');
  try {
    await run('promtool', ['tsdb', 'create-blocks-from', 'openmetrics', '--quiet', omFile, dataDir], {
      timeoutMs: 120_000,
      what: 'backfilling test series into a Prometheus TSDB',
    });
  } catch (err) {
    fs.rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  return startOwnPrometheus(dir, []);
}

/**
 * Start a Prometheus of its own with an empty TSDB and its remote-write receiver on
 * (`--web.enable-remote-write-receiver`: `POST <url>/api/v1/write`), as a user's Prometheus taking Vigil's results;
 * no scraping, retention 100 years. Stops by itself when this process dies.
 *
 * @throws ServerStartError when the server is not ready within 60 s
 */
export async function startPrometheusReceiver(): Promise<OwnPrometheus> {
  await ensurePrometheusInstalled();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-prometheus-rw-'));
  return startOwnPrometheus(dir, ['--web.enable-remote-write-receiver']);
}

/** Run `prometheus` on `<dir>/data` on a free port, watched so it stops when this process dies. */
async function startOwnPrometheus(dir: string, extraArgs: string[]): Promise<OwnPrometheus> {
  const dataDir = path.join(dir, 'data');
  const config = path.join(dir, 'prometheus.yml');
  fs.writeFileSync(config, 'global:\n  evaluation_interval: 1m\n');
  const logFile = path.join(dir, 'prometheus.log');
  const port = await freePort();
  const watchdog =
    'parent=$1; shift; "$@" & child=$!; trap \'kill -TERM $child 2>/dev/null; wait $child; exit 0\' TERM INT; ' +
    'while kill -0 $child 2>/dev/null; do if ! kill -0 "$parent" 2>/dev/null; then kill -TERM $child; wait $child; exit 0; fi; sleep 2; done; wait $child';
  const proc = spawnServer(
    'bash',
    [
      '-c',
      watchdog,
      'vigil-prometheus',
      String(process.pid),
      'prometheus',
      `--config.file=${config}`,
      `--storage.tsdb.path=${dataDir}`,
      '--storage.tsdb.retention.time=100y',
      `--web.listen-address=127.0.0.1:${port}`,
      '--log.level=warn',
      ...extraArgs,
    ],
    { logFile, pidFile: path.join(dir, 'pid') }
  );
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    await stopProcessGroup(proc.pid);
    fs.rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitUntil(`Prometheus on ${url}`, async () => (await httpGet(`${url}/-/ready`)).status === 200, {
      timeoutMs: READY_TIMEOUT_MS,
      proc,
    });
  } catch (err) {
    await stop();
    throw err;
  }
  return { url, dir, stop };
}
