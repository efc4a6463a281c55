import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Repo } from '../store/repo';
import { SqliteStore } from '../store/sqlite';
import { buildApp } from './app';

/**
 * The OpenAPI 3 document of the engine's API, generated from the route schemas (@fastify/swagger).
 * `npx tsx pkg/api/openapi.ts [file]` writes it (default `docs/openapi.json`).
 */
export async function openApiDocument(): Promise<Record<string, unknown>> {
  const store = await SqliteStore.open();
  const app = await buildApp({ apiToken: 'openapi-generation', repo: new Repo(store) });
  await app.ready();
  const doc = app.swagger() as unknown as Record<string, unknown>;
  await app.close();
  await store.close();
  return doc;
}

/** JSON text of the document as committed (formatted by the project's prettier config). */
export async function openApiText(file = 'docs/openapi.json'): Promise<string> {
  const prettier = await import('prettier');
  const options = (await prettier.resolveConfig(file)) ?? {};
  return prettier.format(JSON.stringify(await openApiDocument()), { ...options, parser: 'json' });
}

if (require.main === module) {
  const out = path.resolve(process.argv[2] ?? path.join(__dirname, '..', '..', 'docs', 'openapi.json'));
  openApiText(out).then(
    (text) => {
      mkdirSync(path.dirname(out), { recursive: true });
      writeFileSync(out, text);
      process.stdout.write(`wrote ${out}\n`);
    },
    (err: Error) => {
      process.stderr.write(`${err.message}\n`);
      process.exitCode = 1;
    }
  );
}
