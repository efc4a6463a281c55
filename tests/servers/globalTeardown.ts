/** Jest globalTeardown of the integration project: stop the servers globalSetup started. */
import { stopServers } from './servers';

export default async function globalTeardown(): Promise<void> {
  const s = globalThis.__vigilServers;
  await stopServers(s ? s.started : { prometheus: true, opensearch: true });
  globalThis.__vigilServers = undefined;
}
