module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'eventbus',
  rootDir: __dirname,
};
