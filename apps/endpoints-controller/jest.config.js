module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'endpoints-controller',
  rootDir: __dirname,
};
