/** Jest globalSetup of the integration project: start Prometheus and OpenSearch once for the whole run. */
import { startServers, type StartedServers } from './servers';

declare global {
  var __vigilServers: StartedServers | undefined;
}

export default async function globalSetup(): Promise<void> {
  const s = await startServers(process.pid);
  globalThis.__vigilServers = s;
  const p = s.prometheus?.timings;
  const o = s.opensearch?.timings;
  process.stdout.write(
    `\n[vigil servers] Prometheus ${s.urls.prometheus}${p ? ` (backfill ${p.backfillMs} ms, start ${p.startMs} ms)` : ' (given)'}; ` +
      `OpenSearch ${s.urls.opensearch}${o ? ` (build ${o.buildMs} ms, start ${o.startMs} ms, load ${s.opensearch?.docs} docs ${o.loadMs} ms)` : ' (given)'}; ` +
      `ready in ${s.totalMs} ms\n`
  );
}
