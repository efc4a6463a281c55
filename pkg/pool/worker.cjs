'use strict';
// Entry of the engine's worker threads (piscina): load TypeScript as bin/vigil.js does, then the task functions.
require('tsx/cjs/api').register();
// as bin/vigil.js: no source maps kept unless VIGIL_SOURCE_MAPS=1
if (process.env.VIGIL_SOURCE_MAPS !== '1') process.setSourceMapsEnabled(false);
module.exports = require('./tasks.ts').workerTasks;
