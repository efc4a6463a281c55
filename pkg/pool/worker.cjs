'use strict';
// Entry of the engine's worker threads (piscina): load TypeScript as bin/vigil.js does, then the task functions.
require('tsx/cjs/api').register();
module.exports = require('./tasks.ts').workerTasks;
