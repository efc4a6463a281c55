/**
 * Jest globalSetup of the `servers` project (suites under tests/integration/sources/): start Prometheus and
 * OpenSearch once for the whole run, in a directory of this run's own, after cleaning up what crashed runs left.
 */
import * as path from 'node:path';
import { serversRoot } from './common';
import { cleanStaleRuns, startServers, type StartedServers } from './servers';

declare global {
  var __vigilServers: { servers: StartedServers; runDir?: string } | undefined;
}

export default async function globalSetup(): Promise<void> {
  let runDir: string | undefined;
  if (!process.env.VIGIL_SERVERS_DIR) {
    await cleanStaleRuns();
    runDir = path.join(serversRoot(), `run-${process.pid}`);
    process.env.VIGIL_SERVERS_DIR = runDir;
  }
  const s = await startServers(process.pid);
  globalThis.__vigilServers = { servers: s, runDir };
  const p = s.prometheus?.timings;
  const o = s.opensearch?.timings;
  const g = s.postgres?.timings;
  process.stdout.write(
    `\n[vigil servers] Prometheus ${s.urls.prometheus}${p ? ` (backfill ${p.backfillMs} ms, start ${p.startMs} ms)` : ' (given)'}; ` +
      `OpenSearch ${s.urls.opensearch}${o ? ` (build ${o.buildMs} ms, start ${o.startMs} ms, load ${s.opensearch?.docs} docs ${o.loadMs} ms)` : ' (given)'}; ` +
      `PostgreSQL ${s.urls.postgres}${g ? ` (initdb ${g.initMs} ms, start ${g.startMs} ms)` : ' (given)'}; ` +
      `ready in ${s.totalMs} ms\n`
  );
}
