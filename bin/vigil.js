#!/usr/bin/env node
'use strict';
// The `vigil` command: registers the TypeScript loader and hands over to the engine's CLI.
require('tsx/cjs/api').register();
// Node keeps the source map of every loaded module once source maps are on (tsx turns them on): 25 MB in the main
// thread and as much in each worker thread. Stack traces then name the transpiled lines; VIGIL_SOURCE_MAPS=1 keeps
// the maps (for debugging).
if (process.env.VIGIL_SOURCE_MAPS !== '1') process.setSourceMapsEnabled(false);
// a closed pipe (e.g. `vigil detect ... | head`) ends output quietly
process.stdout.on('error', (err) => {
  if (err.code === 'EPIPE') process.exit(0);
  throw err;
});
const { main } = require('../pkg/cli.ts');
main(process.argv).then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    const { scrubSecrets } = require('../pkg/core/scrub.ts');
    process.stderr.write(`vigil: ${scrubSecrets(err && err.message ? err.message : String(err))}\n`);
    process.exitCode = 1;
  }
);
