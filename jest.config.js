/** Jest: unit tests sit next to the code (pkg/**), integration suites under tests/. */
const base = {
  testEnvironment: 'node',
  transform: {
    '^.+\\.(t|j)sx?$': ['@swc/jest', { jsc: { target: 'es2022' }, module: { type: 'commonjs' } }],
    '^.+\\.mjs$': ['@swc/jest', { jsc: { target: 'es2022' }, module: { type: 'commonjs' } }],
  },
  // @bsull/augurs ships ES modules; let swc turn them into CommonJS for jest.
  transformIgnorePatterns: ['/node_modules/(?!(@bsull|parse-duration|cookie)/)'],
};

module.exports = {
  testTimeout: 60000,
  // Suites run in two worker processes even on a 2-core machine (where jest would otherwise run them all inside its
  // own process): a suite whose process dies (a native addon crashing in a worker thread at exit) then fails alone,
  // named, instead of ending the whole run without a word.
  maxWorkers: 2,
  projects: [
    {
      ...base,
      displayName: 'unit',
      roots: ['<rootDir>/pkg', '<rootDir>/tests'],
      testMatch: ['**/*.test.ts'],
      testPathIgnorePatterns: [
        '/node_modules/',
        '<rootDir>/tests/integration/sources/',
        '<rootDir>/tests/integration/service/',
        '<rootDir>/tests/integration/store/',
      ],
    },
    // Suites against real Prometheus, OpenSearch and PostgreSQL (tests/servers/), started once per run, only when a suite
    // of this project (tests/integration/sources/) is selected.
    {
      ...base,
      displayName: 'servers',
      roots: [
        '<rootDir>/tests/integration/sources',
        '<rootDir>/tests/integration/service',
        '<rootDir>/tests/integration/store',
      ],
      testMatch: ['**/*.test.ts'],
      globalSetup: '<rootDir>/tests/servers/globalSetup.ts',
      globalTeardown: '<rootDir>/tests/servers/globalTeardown.ts',
    },
    // The Grafana frontend (src/**, jsdom), configured as @grafana/create-plugin lays out .config/jest.config.js.
    require('./.config/jest.config.js'),
  ],
};
