/**
 * Start and stop both integration-test servers, and tell tests where they are.
 *
 * URLs are exported as `VIGIL_PROMETHEUS_URL` / `VIGIL_OPENSEARCH_URL` (inherited by jest workers) and written
 * to `<servers dir>/servers.json`. When those variables are already set (servers started by hand with
 * `npx tsx tests/servers/cli.ts start`), they are used as they are and left running.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ServerStartError, processAlive, serversDir, serversRoot, stopFromPidFile } from './common';
import { startOpenSearch, stopOpenSearch, type OpenSearchServer } from './opensearch';
import { startPostgres, stopPostgres, type PostgresServer } from './postgres';
import { startPrometheus, stopPrometheus, type PrometheusServer } from './prometheus';

export interface ServerUrls {
  prometheus: string;
  opensearch: string;
  /** PostgreSQL server URL (`postgres://vigil@127.0.0.1:<port>/postgres`); suites create their own databases */
  postgres: string;
}

export interface StartedServers {
  urls: ServerUrls;
  /** Which servers this call started (and so must stop). */
  started: { prometheus: boolean; opensearch: boolean; postgres: boolean };
  prometheus?: PrometheusServer;
  opensearch?: OpenSearchServer;
  postgres?: PostgresServer;
  totalMs: number;
}

function serversFile(): string {
  return path.join(serversDir(), 'servers.json');
}

/**
 * Start Prometheus and OpenSearch (in parallel) unless their URLs are already in the environment.
 * On any failure, stops whatever it started and throws one ServerStartError describing every failure.
 */
export async function startServers(parentPid?: number): Promise<StartedServers> {
  const t0 = Date.now();
  const presetProm = process.env.VIGIL_PROMETHEUS_URL;
  const presetOs = process.env.VIGIL_OPENSEARCH_URL;
  const presetPg = process.env.VIGIL_POSTGRES_URL;
  const [prom, os, pgs] = await Promise.allSettled([
    presetProm ? Promise.resolve(undefined) : startPrometheus({ parentPid }),
    presetOs ? Promise.resolve(undefined) : startOpenSearch({ parentPid }),
    presetPg ? Promise.resolve(undefined) : startPostgres({ parentPid }),
  ]);
  if (prom.status === 'rejected' || os.status === 'rejected' || pgs.status === 'rejected') {
    await Promise.allSettled([
      presetProm ? undefined : stopPrometheus(),
      presetOs ? undefined : stopOpenSearch(),
      presetPg ? undefined : stopPostgres(),
    ]);
    const msgs = [prom, os, pgs]
      .map((r, i) =>
        r.status === 'rejected'
          ? `${['Prometheus', 'OpenSearch', 'PostgreSQL'][i]}: ${(r.reason as Error)?.message ?? r.reason}`
          : ''
      )
      .filter(Boolean);
    throw new ServerStartError(`integration test servers failed to start:\n${msgs.join('\n\n')}`);
  }
  const urls: ServerUrls = {
    prometheus: presetProm ?? prom.value!.url,
    opensearch: presetOs ?? os.value!.url,
    postgres: presetPg ?? pgs.value!.url,
  };
  process.env.VIGIL_PROMETHEUS_URL = urls.prometheus;
  process.env.VIGIL_OPENSEARCH_URL = urls.opensearch;
  process.env.VIGIL_POSTGRES_URL = urls.postgres;
  fs.writeFileSync(serversFile(), JSON.stringify(urls, null, 2));
  return {
    urls,
    started: { prometheus: !presetProm, opensearch: !presetOs, postgres: !presetPg },
    prometheus: prom.value,
    opensearch: os.value,
    postgres: pgs.value,
    totalMs: Date.now() - t0,
  };
}

/** Stop the servers `startServers` started (both by default). Never throws. */
export async function stopServers(
  which: { prometheus: boolean; opensearch: boolean; postgres: boolean } = {
    prometheus: true,
    opensearch: true,
    postgres: true,
  }
): Promise<void> {
  await Promise.allSettled([
    which.prometheus ? stopPrometheus() : undefined,
    which.opensearch ? stopOpenSearch() : undefined,
    which.postgres ? stopPostgres() : undefined,
  ]);
  fs.rmSync(serversFile(), { force: true });
}

/**
 * Where the servers are, for integration tests: the environment first, then servers.json.
 * @throws Error explaining how to start them when neither is there
 */
export function serverUrls(): ServerUrls {
  const env = {
    prometheus: process.env.VIGIL_PROMETHEUS_URL,
    opensearch: process.env.VIGIL_OPENSEARCH_URL,
    postgres: process.env.VIGIL_POSTGRES_URL,
  };
  if (env.prometheus && env.opensearch && env.postgres) return env as ServerUrls;
  try {
    return JSON.parse(fs.readFileSync(serversFile(), 'utf8')) as ServerUrls;
  } catch {
    throw new Error(
      'integration test servers are not running: run the suites through jest (the integration project starts them) ' +
        'or start them with `npx tsx tests/servers/cli.ts start` and export the URLs it prints'
    );
  }
}

/**
 * Stop the servers of earlier test runs whose runner died without its teardown (their watchdogs normally do
 * this within seconds), and remove their directories. Only `run-<pid>` directories whose pid is gone.
 */
export async function cleanStaleRuns(): Promise<void> {
  let entries: string[];
  try {
    entries = fs.readdirSync(serversRoot());
  } catch {
    return;
  }
  for (const name of entries) {
    const m = /^run-(\d+)$/.exec(name);
    if (!m || processAlive(Number(m[1]))) continue;
    const dir = path.join(serversRoot(), name);
    await Promise.allSettled([
      stopFromPidFile(path.join(dir, 'prometheus', 'pid')),
      stopFromPidFile(path.join(dir, 'opensearch', 'pid')),
      stopFromPidFile(path.join(dir, 'postgres', 'pid')),
    ]);
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
