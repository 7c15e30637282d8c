module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'kube-proxy',
  rootDir: __dirname,
};
