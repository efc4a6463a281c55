/** Jest globalTeardown of the `servers` project: stop the servers globalSetup started and remove its directory. */
import * as fs from 'node:fs';
import { stopServers } from './servers';

export default async function globalTeardown(): Promise<void> {
  const state = globalThis.__vigilServers;
  await stopServers(state ? state.servers.started : { prometheus: true, opensearch: true, postgres: true });
  if (state?.runDir) fs.rmSync(state.runDir, { recursive: true, force: true });
  globalThis.__vigilServers = undefined;
}
