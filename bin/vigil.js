#!/usr/bin/env node
'use strict';
// The `vigil` command: registers the TypeScript loader and hands over to the engine's CLI.
require('tsx/cjs/api').register();
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
