import { parseRequestInfo } from './request-info';

describe('parseRequestInfo', () => {
  it.each([
    { desc: 'namespaced list', method: 'GET', path: '/api/v1/namespaces/default/pods', query: '', want: { verb: 'list', group: '', version: 'v1', namespace: 'default', resource: 'pods', name: undefined, subresource: undefined } },
    { desc: 'all-namespaces list', method: 'GET', path: '/api/v1/pods', query: 'limit=500', want: { verb: 'list', namespace: undefined, resource: 'pods' } },
    { desc: 'get', method: 'GET', path: '/api/v1/namespaces/default/pods/web', query: '', want: { verb: 'get', name: 'web' } },
    { desc: 'watch by query', method: 'GET', path: '/api/v1/namespaces/default/pods', query: 'watch=true', want: { verb: 'watch' } },
    { desc: 'watch by legacy prefix', method: 'GET', path: '/api/v1/watch/namespaces/default/pods', query: '', want: { verb: 'watch', namespace: 'default', resource: 'pods' } },
    { desc: 'group resource', method: 'POST', path: '/apis/apps/v1/namespaces/ns1/deployments', query: '', want: { verb: 'create', group: 'apps', version: 'v1', namespace: 'ns1', resource: 'deployments' } },
    { desc: 'subresource', method: 'PATCH', path: '/apis/apps/v1/namespaces/default/deployments/web/scale', query: '', want: { verb: 'patch', name: 'web', subresource: 'scale' } },
    { desc: 'cluster-scoped get', method: 'GET', path: '/api/v1/nodes/node-40', query: '', want: { verb: 'get', namespace: undefined, resource: 'nodes', name: 'node-40' } },
    { desc: 'a namespace itself', method: 'GET', path: '/api/v1/namespaces/team1', query: '', want: { verb: 'get', namespace: undefined, resource: 'namespaces', name: 'team1' } },
    { desc: 'namespace status', method: 'PUT', path: '/api/v1/namespaces/team1/status', query: '', want: { verb: 'update', resource: 'namespaces', name: 'team1', subresource: 'status' } },
    { desc: 'namespace list', method: 'GET', path: '/api/v1/namespaces', query: '', want: { verb: 'list', resource: 'namespaces', name: undefined } },
    { desc: 'deletecollection', method: 'DELETE', path: '/api/v1/namespaces/default/pods', query: 'labelSelector=a%3Db', want: { verb: 'deletecollection' } },
    { desc: 'delete', method: 'DELETE', path: '/api/v1/namespaces/default/pods/x', query: '', want: { verb: 'delete', name: 'x' } },
    { desc: 'exec is a connect', method: 'GET', path: '/api/v1/namespaces/default/pods/x/exec', query: 'command=ls', want: { verb: 'connect', subresource: 'exec' } },
    { desc: 'log is a get', method: 'GET', path: '/api/v1/namespaces/default/pods/x/log', query: '', want: { verb: 'get', subresource: 'log' } },
  ])('$desc', ({ method, path, query, want }) => {
    expect(parseRequestInfo(method, path, new URLSearchParams(query))).toMatchObject({ kind: 'resource', ...want });
  });

  it.each([
    { desc: 'discovery root', path: '/api' },
    { desc: 'core version', path: '/api/v1' },
    { desc: 'group', path: '/apis/apps' },
    { desc: 'group version', path: '/apis/apps/v1' },
    { desc: 'version', path: '/version' },
    { desc: 'openapi', path: '/openapi/v3/api/v1' },
    { desc: 'too deep', path: '/api/v1/namespaces/a/pods/b/c/d' },
  ])('$desc is not a resource path', ({ path }) => {
    expect(parseRequestInfo('GET', path, new URLSearchParams()).kind).toBe('nonresource');
  });
});
