/*
 * Jest project for the Grafana frontend (src/**): jsdom, swc with TSX, laid out as
 * @grafana/create-plugin scaffolds .config/jest.config.js. The root jest.config.js lists it in `projects`.
 */
const path = require('path');

const rootDir = path.resolve(__dirname, '..');

module.exports = {
  displayName: 'frontend',
  rootDir,
  roots: ['<rootDir>/src'],
  moduleNameMapper: {
    '\\.(css|scss|sass)$': '<rootDir>/.config/jest/styleStub.js',
  },
  modulePaths: ['<rootDir>/src'],
  setupFilesAfterEnv: ['<rootDir>/.config/jest-setup.js'],
  testEnvironment: 'jest-environment-jsdom',
  testMatch: ['<rootDir>/src/**/*.test.{ts,tsx}'],
  transform: {
    '^.+\\.(t|j)sx?$': [
      '@swc/jest',
      {
        jsc: {
          target: 'es2022',
          parser: { syntax: 'typescript', tsx: true, decorators: false, dynamicImport: true },
          transform: { react: { runtime: 'classic' } },
        },
        module: { type: 'commonjs' },
      },
    ],
    '^.+\\.mjs$': ['@swc/jest', { jsc: { target: 'es2022' }, module: { type: 'commonjs' } }],
  },
  transformIgnorePatterns: ['/node_modules/(?!(ol|marked|d3-[^/]+|internmap|delaunator|robust-predicates)/)'],
};
