import {
  ALL_KINDS,
  Binding,
  Deployment,
  DeploymentList,
  findGVK,
  findKind,
  findResource,
  findType,
  formatApiVersion,
  getKind,
  getResource,
  getType,
  KINDS,
  Lease,
  parseApiVersion,
  Pod,
  PodList,
  Scale,
  UnknownKindError,
  UnknownResourceError,
} from './index';

describe('kind registry', () => {
  it.each([
    { desc: 'pods', kind: 'Pod', group: '', apiVersion: 'v1', resource: 'pods', shortNames: ['po'], namespaced: true },
    { desc: 'services', kind: 'Service', group: '', apiVersion: 'v1', resource: 'services', shortNames: ['svc'], namespaced: true },
    { desc: 'endpoints', kind: 'Endpoints', group: '', apiVersion: 'v1', resource: 'endpoints', shortNames: ['ep'], namespaced: true },
    { desc: 'nodes', kind: 'Node', group: '', apiVersion: 'v1', resource: 'nodes', shortNames: ['no'], namespaced: false },
    { desc: 'namespaces', kind: 'Namespace', group: '', apiVersion: 'v1', resource: 'namespaces', shortNames: ['ns'], namespaced: false },
    { desc: 'events', kind: 'Event', group: '', apiVersion: 'v1', resource: 'events', shortNames: ['ev'], namespaced: true },
    { desc: 'bindings', kind: 'Binding', group: '', apiVersion: 'v1', resource: 'bindings', shortNames: [], namespaced: true },
    { desc: 'replicasets', kind: 'ReplicaSet', group: 'apps', apiVersion: 'apps/v1', resource: 'replicasets', shortNames: ['rs'], namespaced: true },
    { desc: 'deployments', kind: 'Deployment', group: 'apps', apiVersion: 'apps/v1', resource: 'deployments', shortNames: ['deploy'], namespaced: true },
    { desc: 'endpointslices', kind: 'EndpointSlice', group: 'discovery.k8s.io', apiVersion: 'discovery.k8s.io/v1', resource: 'endpointslices', shortNames: [], namespaced: true },
    { desc: 'leases', kind: 'Lease', group: 'coordination.k8s.io', apiVersion: 'coordination.k8s.io/v1', resource: 'leases', shortNames: [], namespaced: true },
  ])('describes $desc', ({ kind, group, apiVersion, resource, shortNames, namespaced }) => {
    const info = getKind(kind);
    expect(info).toMatchObject({ kind, group, version: 'v1', apiVersion, resource, namespaced });
    expect(info.shortNames).toEqual(shortNames);
    expect(findKind(apiVersion, kind)?.info).toBe(info);
    expect(findResource(resource)?.info).toBe(info);
  });

  it('carries the generated message functions of object and list', () => {
    expect(KINDS.Pod.type).toBe(Pod);
    expect(KINDS.Pod.listType).toBe(PodList);
    expect(KINDS.Pod.listKind).toBe('PodList');
    expect(KINDS.Deployment.listType).toBe(DeploymentList);
    expect(KINDS.Lease.type).toBe(Lease);
    expect(KINDS.Binding.listType).toBeUndefined();
    expect(KINDS.Scale).toMatchObject({ group: 'autoscaling', apiVersion: 'autoscaling/v1', resource: undefined, type: Scale });
  });

  it('resolves list kinds', () => {
    expect(findKind('apps/v1', 'DeploymentList')).toMatchObject({ name: 'DeploymentList', list: true, type: DeploymentList });
    expect(findType('PodList')).toMatchObject({ list: true, info: KINDS.Pod });
    expect(getType('Pod')).toMatchObject({ list: false, type: Pod });
  });

  it.each([
    { desc: 'a kind in the wrong group', apiVersion: 'apps/v1', kind: 'Pod' },
    { desc: 'an unknown version', apiVersion: 'apps/v1beta1', kind: 'Deployment' },
    { desc: 'an unknown kind', apiVersion: 'v1', kind: 'Widget' },
  ])('does not resolve $desc', ({ apiVersion, kind }) => {
    expect(findKind(apiVersion, kind)).toBeUndefined();
  });

  it('resolves meta kinds under any group version', () => {
    expect(findKind('apps/v1', 'DeleteOptions')?.name).toBe('DeleteOptions');
    expect(findKind('meta.k8s.io/v1', 'Status')?.name).toBe('Status');
    expect(findGVK('', 'v1', 'Status')?.info).toBe(KINDS.Status);
  });

  it('throws typed errors from the get* lookups', () => {
    expect(() => getKind('Widget')).toThrow(UnknownKindError);
    expect(() => getKind('PodList')).toThrow(UnknownKindError);
    expect(() => getType('Widget')).toThrow(UnknownKindError);
    expect(() => getResource('widgets')).toThrow(UnknownResourceError);
  });

  it('has unique kinds, resources and short names', () => {
    const names = ALL_KINDS.flatMap((k) => [...new Set([k.resource, k.singular, ...k.shortNames])].filter((n) => n !== undefined).map((n) => `${k.group}/${n}`));
    expect(new Set(names).size).toBe(names.length);
    expect(new Set(ALL_KINDS.map((k) => k.kind)).size).toBe(ALL_KINDS.length);
  });
});

describe('findResource', () => {
  it.each([
    { desc: 'plural', resource: 'pods', group: undefined, kind: 'Pod', sub: undefined },
    { desc: 'singular', resource: 'pod', group: undefined, kind: 'Pod', sub: undefined },
    { desc: 'short name', resource: 'po', group: undefined, kind: 'Pod', sub: undefined },
    { desc: 'upper case', resource: 'Deployments', group: undefined, kind: 'Deployment', sub: undefined },
    { desc: 'group suffix', resource: 'deployments.apps', group: undefined, kind: 'Deployment', sub: undefined },
    { desc: 'dotted group suffix', resource: 'endpointslices.discovery.k8s.io', group: undefined, kind: 'EndpointSlice', sub: undefined },
    { desc: 'explicit group', resource: 'leases', group: 'coordination.k8s.io', kind: 'Lease', sub: undefined },
    { desc: 'core group alias', resource: 'svc', group: 'core', kind: 'Service', sub: undefined },
    { desc: 'status subresource', resource: 'pods/status', group: undefined, kind: 'Pod', sub: 'status' },
    { desc: 'binding subresource', resource: 'pods/binding', group: undefined, kind: 'Binding', sub: 'binding' },
    { desc: 'deployment scale', resource: 'deployments/scale', group: undefined, kind: 'Scale', sub: 'scale' },
    { desc: 'replica set scale with group', resource: 'replicasets.apps/scale', group: undefined, kind: 'Scale', sub: 'scale' },
  ])('resolves $desc ($resource)', ({ resource, group, kind, sub }) => {
    const match = findResource(resource, group);
    expect(match?.info.kind).toBe(kind);
    expect(match?.subresource).toBe(sub);
  });

  it('names the owning kind of a subresource', () => {
    expect(findResource('pods/binding')).toMatchObject({ parent: KINDS.Pod, info: KINDS.Binding });
    expect(getResource('deployments/scale').parent.type).toBe(Deployment);
    expect(getResource('bindings').info.type).toBe(Binding);
  });

  it.each([
    { desc: 'an unknown resource', resource: 'widgets', group: undefined },
    { desc: 'the wrong group', resource: 'pods', group: 'apps' },
    { desc: 'a conflicting group suffix', resource: 'deployments.apps', group: 'batch' },
    { desc: 'an unknown subresource', resource: 'pods/exec' },
    { desc: 'a subresource of a kind without it', resource: 'services/scale', group: undefined },
    { desc: 'too many slashes', resource: 'pods/status/x', group: undefined },
    { desc: 'an empty name', resource: '', group: undefined },
    { desc: 'a kind without a resource', resource: 'scale', group: undefined },
  ])('does not resolve $desc', ({ resource, group }) => {
    expect(findResource(resource, group)).toBeUndefined();
  });
});

describe('apiVersion helpers', () => {
  it.each([
    { apiVersion: 'v1', group: '', version: 'v1' },
    { apiVersion: 'apps/v1', group: 'apps', version: 'v1' },
    { apiVersion: 'discovery.k8s.io/v1', group: 'discovery.k8s.io', version: 'v1' },
  ])('splits and joins $apiVersion', ({ apiVersion, group, version }) => {
    expect(parseApiVersion(apiVersion)).toEqual({ group, version });
    expect(formatApiVersion(group, version)).toBe(apiVersion);
  });
});
