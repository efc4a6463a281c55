import { builtinModules } from 'node:module';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';
import globals from 'globals';

/*
 * Import boundaries (docs/architecture.md): the layering the map describes, enforced on every `npm run lint`.
 * Cycles between folders and between files are checked by dependency-cruiser (.dependency-cruiser.cjs).
 * Imports are matched as written; every import in this code base is relative or a package name.
 */

/** Node's built-in modules, with and without the `node:` prefix (fs, http, net, child_process, worker_threads...). */
const nodeBuiltins = `^(node:.*|(${builtinModules.map((m) => m.replace(/[/.]/g, '\\$&')).join('|')})(/.*)?)$`;

/** The plugin (src/) reaches the engine's code only through the contract: its wire types and pure shared rules. */
const pluginImports = {
  patterns: [
    {
      regex: '^(\\.\\./)+pkg/(?!contract(/|$))',
      message:
        'src/ may import from pkg/ only pkg/contract (wire types and pure rules); the engine is reached over HTTP.',
    },
  ],
};

/** The contract is the bottom layer: its own files and TypeBox, nothing of the engine, Node or Grafana. */
const contractImports = {
  patterns: [
    {
      regex: '^(?!\\./|@sinclair/typebox(/|$))',
      message:
        'pkg/contract imports only its own files and @sinclair/typebox (no other pkg/ folder, no Node, no Grafana).',
    },
  ],
};

const PURE = 'detectors and the ensemble are pure functions over typed arrays (no I/O, no clock, seeded randomness)';

/** Detectors and the ensemble: no I/O, no clock, no Grafana, no engine folder that does I/O. */
const pureImports = {
  patterns: [
    { regex: nodeBuiltins, message: `${PURE}: no Node built-in modules.` },
    {
      regex:
        '^(undici|pg|pg-.*|better-sqlite3|sql\\.js|fastify|@fastify/.*|prom-client|pdfkit|mmdb-lib|ws|axios|node-fetch)(/.*)?$',
      message: `${PURE}: no network, database or file clients.`,
    },
    { regex: '^@grafana/', message: `${PURE}: no Grafana packages.` },
    {
      regex:
        '^(\\.\\./)+(store|sources|sinks|api|jobs|notify|incidents|report|logs|cli|promapi|config|bench|demo|codegen|pipeline)(/|$)',
      message: `${PURE}: no engine folder above them (store, sources, jobs, api, ...); they receive data as arguments.`,
    },
    { regex: '^(\\.\\./)+core/clock$', message: `${PURE}: no clock; timestamps come with the series.` },
  ],
};

export default tseslint.config(
  { ignores: ['node_modules/', '**/dist/', 'coverage/', '.vigil/', '.cache/', 'test-results/', 'playwright-report/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.{js,cjs}'],
    languageOptions: { globals: globals.node, sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['**/*.ts', '**/*.tsx'],
    languageOptions: { globals: globals.node },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['src/**/*.{ts,tsx}'],
    rules: { 'no-restricted-imports': ['error', pluginImports] },
  },
  {
    files: ['pkg/contract/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', contractImports] },
  },
  {
    files: ['pkg/detectors/**/*.ts', 'pkg/ensemble/**/*.ts'],
    ignores: [
      // Tests may read fixtures and use test kits; the rules are about the detectors' and the ensemble's own code.
      '**/*.test.ts',
      // The LSTM trainer runs TensorFlow.js off the main thread: client.ts starts a worker_threads Worker (and
      // bounds it with a timer), worker.ts is the worker's entry (loads TensorFlow.js, times the training budget).
      // The training itself (train.ts, model.ts) and the detector (lstm.ts) stay pure.
      'pkg/detectors/lstm/client.ts',
      'pkg/detectors/lstm/worker.ts',
    ],
    rules: {
      'no-restricted-imports': ['error', pureImports],
      'no-restricted-globals': [
        'error',
        ...['setTimeout', 'setInterval', 'setImmediate', 'queueMicrotask', 'performance'].map((name) => ({
          name,
          message: `${PURE}: no clock or timers.`,
        })),
        ...['process', 'require', 'fetch', 'XMLHttpRequest', 'WebSocket'].map((name) => ({
          name,
          message: `${PURE}: no I/O, environment or dynamic loading.`,
        })),
      ],
      'no-restricted-properties': [
        'error',
        { object: 'Date', property: 'now', message: `${PURE}: no clock; timestamps come with the series.` },
        {
          object: 'Math',
          property: 'random',
          message: `${PURE}: randomness comes from a seeded generator (core/random).`,
        },
      ],
      'no-restricted-syntax': [
        'error',
        {
          selector: "NewExpression[callee.name='Date'][arguments.length=0]",
          message: `${PURE}: no clock; timestamps come with the series.`,
        },
        { selector: 'ImportExpression', message: `${PURE}: no dynamic import (it escapes these rules).` },
      ],
    },
  },
  prettier
);
