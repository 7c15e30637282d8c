module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'trace',
  rootDir: __dirname,
};
