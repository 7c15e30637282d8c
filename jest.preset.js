// Shared jest settings for every project. ts-jest transpiles only
// (isolatedModules in tsconfig.base.json; types are checked by each project's
// `typecheck` target), which keeps test runs fast.
const path = require('node:path');
const { pathsToModuleNameMapper } = require('ts-jest');
const { compilerOptions } = require('./tsconfig.base.json');

module.exports = {
  testEnvironment: 'node',
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: path.join(__dirname, 'tsconfig.base.json') }],
  },
  moduleFileExtensions: ['ts', 'js', 'json'],
  moduleNameMapper: pathsToModuleNameMapper(compilerOptions.paths, { prefix: __dirname + '/' }),
  testMatch: ['**/*.spec.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/', '/src/gen/'],
  clearMocks: true,
  // Integration tests start real nats-server and service processes.
  testTimeout: 30_000,
};
