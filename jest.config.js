/** Jest: unit tests sit next to the code (pkg/**), integration suites under tests/. */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/pkg', '<rootDir>/tests'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.(t|j)sx?$': ['@swc/jest', { jsc: { target: 'es2022' }, module: { type: 'commonjs' } }],
    '^.+\\.mjs$': ['@swc/jest', { jsc: { target: 'es2022' }, module: { type: 'commonjs' } }],
  },
  // @bsull/augurs ships ES modules; let swc turn them into CommonJS for jest.
  transformIgnorePatterns: ['/node_modules/(?!@bsull/)'],
  testTimeout: 60000,
};
