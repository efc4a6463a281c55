/**
 * Playwright global setup: build nothing (the `test:browser` script builds the plugin and the harness first),
 * start a real `vigil serve` and the harness server (Grafana's proxy stand-in), create a job, and hand their
 * addresses to the tests through the environment. Returns the teardown.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';

import { createSyntheticJob, startEngine } from './engine';
import { startHarnessServer } from './harness/server';

export default async function globalSetup() {
  const distDir = path.resolve(__dirname, 'harness', 'dist');
  if (!existsSync(path.join(distDir, 'harness.js'))) {
    throw new Error('the harness is not built: run `npm run build:harness` (or `npm run test:browser`, which does)');
  }
  const engine = await startEngine();
  process.env.VIGIL_ENGINE_URL = engine.url;
  process.env.VIGIL_ENGINE_TOKEN = engine.token;
  // the engine's file source reads <dir>/files: suites add short-history files there (e.g. a job still warming up)
  process.env.VIGIL_ENGINE_FILES = path.join(engine.dir, 'files');
  const harness = await startHarnessServer({
    distDir,
    datasource: { jsonData: { url: engine.url }, secureJsonData: { token: engine.token } },
  });
  process.env.VIGIL_HARNESS_URL = harness.url;
  const job = await createSyntheticJob();
  process.env.VIGIL_JOB_ID = job.id;
  process.env.VIGIL_ANOMALY_ID = job.anomalyId;
  return async () => {
    await harness.close();
    await engine.stop();
  };
}
