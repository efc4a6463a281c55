/**
 * A `vigil serve` child process for the service benchmarks: the engine as an operator runs it (`bin/vigil.js
 * serve` with a YAML config), started on a port and waited for until `/api/health/ready` answers 200.
 */
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';

/** A running engine: its base URL, the headers of an authenticated JSON request, and how to stop it. */
export interface SpawnedEngine {
  url: string;
  headers: Record<string, string>;
  /** SIGTERM, then wait for the process to exit */
  stop(): Promise<void>;
}

/**
 * Start `vigil serve` from the repository at `repo` with `config` (YAML text, written to `dir/vigil.yaml`), its
 * store in `dir/data` and `token` as its API token; resolves once it is ready (polled every 250 ms, up to 60 s).
 *
 * @throws Error when the engine is not ready within 60 s (the process is stopped first)
 */
export async function spawnEngine(o: {
  repo: string;
  port: number;
  token: string;
  dir: string;
  config: string;
}): Promise<SpawnedEngine> {
  const cfg = path.join(o.dir, 'vigil.yaml');
  writeFileSync(cfg, o.config);
  const proc = spawn(
    process.execPath,
    [
      path.join(o.repo, 'bin', 'vigil.js'),
      'serve',
      '--port',
      String(o.port),
      '--data-dir',
      path.join(o.dir, 'data'),
      '--config',
      cfg,
    ],
    { env: { ...process.env, VIGIL_API_TOKEN: o.token }, stdio: ['ignore', 'inherit', 'inherit'] }
  );
  const exited = new Promise<void>((r) => proc.once('exit', () => r()));
  const engine: SpawnedEngine = {
    url: `http://127.0.0.1:${o.port}`,
    headers: { authorization: `Bearer ${o.token}`, 'content-type': 'application/json' },
    async stop() {
      proc.kill('SIGTERM');
      await exited;
    },
  };
  for (let i = 0; ; i++) {
    try {
      if ((await fetch(`${engine.url}/api/health/ready`)).ok) return engine;
    } catch {
      /* not up yet */
    }
    if (i > 240) {
      await engine.stop();
      throw new Error('vigil serve did not start');
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}
