module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'echo',
  rootDir: __dirname,
};
