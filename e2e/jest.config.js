module.exports = {
  ...require('../jest.preset.js'),
  displayName: 'e2e',
  rootDir: __dirname,
  // The whole stack starts once per file; scenarios wait on real convergence.
  testTimeout: 120_000,
};
