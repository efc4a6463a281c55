/**
 * Bundle the browser test harness (tests/browser/harness/main.tsx) with esbuild: React, @grafana/ui,
 * @grafana/data and @grafana/runtime are bundled in (there is no Grafana to provide them), the plugin's
 * source is the real source. Output: tests/browser/harness/dist/{index.html,harness.js}.
 *
 * Run: node --import tsx tests/browser/harness/build.ts
 */
import { build } from 'esbuild';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export const HARNESS_DIST = path.resolve(__dirname, 'dist');

export async function buildHarness(): Promise<void> {
  mkdirSync(HARNESS_DIST, { recursive: true });
  const result = await build({
    entryPoints: [path.resolve(__dirname, 'main.tsx')],
    bundle: true,
    outfile: path.join(HARNESS_DIST, 'harness.js'),
    format: 'iife',
    platform: 'browser',
    target: 'es2022',
    sourcemap: true,
    minify: false,
    jsx: 'transform',
    jsxFactory: 'React.createElement',
    jsxFragment: 'React.Fragment',
    define: { 'process.env.NODE_ENV': '"production"', global: 'window' },
    loader: {
      '.svg': 'dataurl',
      '.woff': 'dataurl',
      '.woff2': 'dataurl',
      '.ttf': 'dataurl',
      '.png': 'dataurl',
      // the stylesheets @grafana/ui imports (uPlot's among them), as Grafana's own build bundles them
      '.css': 'css',
    },
    logLevel: 'warning',
    metafile: true,
  });
  const bytes = Object.values(result.metafile.outputs).reduce((n, o) => n + o.bytes, 0);
  writeFileSync(
    path.join(HARNESS_DIST, 'index.html'),
    `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <title>Vigil plugin harness</title>
    <link rel="stylesheet" href="/harness.css" />
  </head>
  <body>
    <div id="root"></div>
    <div id="grafana-portal-container"></div>
    <script src="/harness.js"></script>
  </body>
</html>
`
  );
  process.stdout.write(`harness bundle: ${(bytes / 1e6).toFixed(1)} MB in ${HARNESS_DIST}\n`);
}

if (require.main === module) {
  buildHarness().catch((e) => {
    process.stderr.write(`${(e as Error).message}\n`);
    process.exit(1);
  });
}
