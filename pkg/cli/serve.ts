import { Command, InvalidArgumentError } from 'commander';
import { loadConfig } from '../config/config';
import { startServer } from '../api/server';

function portArg(v: string): number {
  if (!/^\d+$/.test(v) || Number(v) > 65535) throw new InvalidArgumentError(`"${v}" is not a port number (0-65535)`);
  return Number(v);
}

/**
 * `vigil serve [--port N] [--data-dir DIR] [--config FILE]`: run the engine as a service until SIGINT/SIGTERM.
 * Config precedence: flags > environment (VIGIL_*) > YAML file > defaults. A bad config stops with a message
 * naming the key (exit code 1).
 */
export function serveCommand(): Command {
  return new Command('serve')
    .description('run the engine as a service: REST API, jobs scheduler, Prometheus-compatible API and /metrics')
    .option('-p, --port <port>', 'port to listen on (default 8080, env VIGIL_PORT)', portArg)
    .option('-d, --data-dir <dir>', 'directory of the SQLite store (default .vigil, env VIGIL_DATA_DIR)')
    .option('-c, --config <file>', 'YAML config file')
    .action(async (opts: { port?: number; dataDir?: string; config?: string }) => {
      const config = loadConfig({ file: opts.config, flags: { port: opts.port, dataDir: opts.dataDir } });
      const server = await startServer(config);
      server.app.log.info(
        { url: server.url, dataDir: config.dataDir, sources: config.sources.map((s) => s.name) },
        'vigil serve started'
      );
      await new Promise<void>((resolve) => {
        const stop = (signal: string) => {
          server.app.log.info({ signal }, 'shutting down');
          server.close().then(resolve, (err: unknown) => {
            server.app.log.error({ err }, 'shutdown failed');
            resolve();
          });
        };
        process.once('SIGINT', () => stop('SIGINT'));
        process.once('SIGTERM', () => stop('SIGTERM'));
      });
    });
}
