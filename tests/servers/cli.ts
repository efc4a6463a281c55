/**
 * Start or stop the integration-test servers by hand:
 *
 *   npx tsx tests/servers/cli.ts start [prometheus|opensearch|postgres|all]   # prints export lines with the URLs
 *   npx tsx tests/servers/cli.ts stop  [prometheus|opensearch|postgres|all]
 *
 * Servers started here keep running until stopped (no parent watchdog).
 */
import { startOpenSearch, stopOpenSearch } from './opensearch';
import { startPostgres, stopPostgres } from './postgres';
import { startPrometheus, stopPrometheus } from './prometheus';

async function main(): Promise<void> {
  const [command, which = 'all'] = process.argv.slice(2);
  const prom = which === 'all' || which === 'prometheus';
  const os = which === 'all' || which === 'opensearch';
  const pgs = which === 'all' || which === 'postgres';
  if (!prom && !os && !pgs) throw new Error(`unknown server "${which}" (prometheus, opensearch, postgres or all)`);
  if (command === 'start') {
    if (prom) {
      const s = await startPrometheus();
      process.stderr.write(`prometheus ready: backfill ${s.timings.backfillMs} ms, start ${s.timings.startMs} ms\n`);
      process.stdout.write(`export VIGIL_PROMETHEUS_URL=${s.url}\n`);
    }
    if (os) {
      const s = await startOpenSearch();
      process.stderr.write(
        `opensearch ready: build ${s.timings.buildMs} ms, start ${s.timings.startMs} ms, load ${s.docs} docs ${s.timings.loadMs} ms\n`
      );
      process.stdout.write(`export VIGIL_OPENSEARCH_URL=${s.url}\n`);
    }
    if (pgs) {
      const s = await startPostgres();
      process.stderr.write(`postgres ready: initdb ${s.timings.initMs} ms, start ${s.timings.startMs} ms\n`);
      process.stdout.write(`export VIGIL_POSTGRES_URL=${s.url}\n`);
    }
  } else if (command === 'stop') {
    await Promise.all([
      prom ? stopPrometheus() : undefined,
      os ? stopOpenSearch() : undefined,
      pgs ? stopPostgres() : undefined,
    ]);
  } else {
    throw new Error('usage: cli.ts start|stop [prometheus|opensearch|postgres|all]');
  }
}

main().catch((err: Error) => {
  process.stderr.write(`${err.message}\n`);
  process.exit(1);
});
