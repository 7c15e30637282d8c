import type { Endpoint } from '@k8ts/api';
import { testPod, testService } from '../testing/fixtures';
import {
  desiredPortGroups,
  endpointKey,
  endpointPortsForPod,
  endpointSliceLabels,
  endpointsEqualBeyondKey,
  newEndpointSlice,
  podToEndpoint,
  portMapKey,
} from './desired-slices';

describe('podToEndpoint', () => {
  it.each([
    { desc: 'ready pod', ready: true, terminating: false, publish: false, want: { ready: true, serving: true, terminating: false } },
    { desc: 'not-ready pod', ready: false, terminating: false, publish: false, want: { ready: false, serving: false, terminating: false } },
    { desc: 'ready, terminating pod', ready: true, terminating: true, publish: false, want: { ready: false, serving: true, terminating: true } },
    { desc: 'not-ready, terminating pod', ready: false, terminating: true, publish: false, want: { ready: false, serving: false, terminating: true } },
    { desc: 'not-ready pod, publishNotReadyAddresses', ready: false, terminating: false, publish: true, want: { ready: true, serving: false, terminating: false } },
    { desc: 'terminating pod, publishNotReadyAddresses', ready: true, terminating: true, publish: true, want: { ready: true, serving: true, terminating: true } },
  ])('conditions — $desc', ({ ready, terminating, publish, want }) => {
    const pod = testPod({ ready, terminating, podIP: '10.0.0.1' });
    expect(podToEndpoint(testService({ publishNotReadyAddresses: publish }), pod, 'IPv4').conditions).toEqual(want);
  });

  it('fills addresses of the type, targetRef, nodeName, hostname; no zone', () => {
    const pod = testPod({ name: 'db-0', ready: true, podIPs: ['10.0.0.1', 'fd00::1'], nodeName: 'node-3', hostname: 'db-0', subdomain: 'db' });
    const service = testService({ name: 'db', clusterIP: 'None' });
    expect(podToEndpoint(service, pod, 'IPv4')).toEqual({
      addresses: ['10.0.0.1'],
      conditions: { ready: true, serving: true, terminating: false },
      targetRef: { kind: 'Pod', namespace: 'default', name: 'db-0', uid: 'uid-db-0' },
      nodeName: 'node-3',
      hostname: 'db-0',
    });
    expect(podToEndpoint(service, pod, 'IPv6').addresses).toEqual(['fd00::1']);
  });
});

describe('endpointPortsForPod', () => {
  const service = testService({
    ports: [
      { name: 'http', port: 80, targetPort: 'http' },
      { name: 'admin', port: 81, targetPort: 9000 },
    ],
  });

  it.each([
    { desc: 'resolves named and numeric ports in Service order', ports: [{ name: 'http', containerPort: 8080 }], want: ['http:8080', 'admin:9000'] },
    { desc: 'drops a named port the pod lacks', ports: [], want: ['admin:9000'] },
  ])('$desc', ({ ports, want }) => {
    const got = endpointPortsForPod(service, testPod({ ports }));
    expect(got.map((p) => `${p.name}:${p.port}`)).toEqual(want);
    expect(got.every((p) => p.protocol === 'TCP')).toBe(true);
  });
});

describe('keys', () => {
  it('portMapKey ignores order', () => {
    const a = { name: 'a', port: 1, protocol: 'TCP' };
    const b = { name: 'b', port: 2, protocol: 'TCP' };
    expect(portMapKey([a, b])).toBe(portMapKey([b, a]));
    expect(portMapKey([a])).not.toBe(portMapKey([b]));
    expect(portMapKey(undefined)).toBe(portMapKey([]));
  });

  const base: Endpoint = {
    addresses: ['10.0.0.1'],
    conditions: { ready: true, serving: true, terminating: false },
    targetRef: { kind: 'Pod', namespace: 'default', name: 'a', uid: 'u1' },
    nodeName: 'node-1',
  };

  it.each<{ desc: string; other: Endpoint; sameKey: boolean; equal: boolean }>([
    { desc: 'identical', other: { ...base }, sameKey: true, equal: true },
    { desc: 'pod resourceVersion only', other: { ...base, targetRef: { ...base.targetRef, resourceVersion: '9' } }, sameKey: true, equal: true },
    { desc: 'readiness', other: { ...base, conditions: { ready: false, serving: false, terminating: false } }, sameKey: true, equal: false },
    { desc: 'node', other: { ...base, nodeName: 'node-2' }, sameKey: true, equal: false },
    { desc: 'pod uid (recreated pod, same name and IP)', other: { ...base, targetRef: { ...base.targetRef, uid: 'u2' } }, sameKey: true, equal: false },
    { desc: 'address', other: { ...base, addresses: ['10.0.0.2'] }, sameKey: false, equal: true },
    { desc: 'hostname', other: { ...base, hostname: 'a' }, sameKey: false, equal: true },
  ])('endpointKey / endpointsEqualBeyondKey — $desc', ({ other, sameKey, equal }) => {
    expect(endpointKey(other) === endpointKey(base)).toBe(sameKey);
    expect(endpointsEqualBeyondKey(base, other)).toBe(equal);
  });
});

describe('desiredPortGroups', () => {
  it('groups pods by resolved ports, keeps terminating pods, drops terminal ones and pods without IP', () => {
    const service = testService({ ports: [{ name: 'http', port: 80, targetPort: 'http' }] });
    const pods = [
      testPod({ name: 'a', ready: true, podIP: '10.0.0.1', ports: [{ name: 'http', containerPort: 8080 }] }),
      testPod({ name: 'b', ready: true, podIP: '10.0.0.2', ports: [{ name: 'http', containerPort: 9090 }] }),
      testPod({ name: 'c', ready: true, podIP: '10.0.0.3', ports: [{ name: 'http', containerPort: 8080 }], terminating: true }),
      testPod({ name: 'd', ready: true, podIP: '10.0.0.4', phase: 'Succeeded' }),
      testPod({ name: 'e', ready: true }),
      testPod({ name: 'f', ready: true, podIP: '10.0.0.6' }),
    ];
    const groups = [...desiredPortGroups(service, pods, 'IPv4').values()].map((g) => ({
      ports: g.ports.map((p) => p.port),
      pods: [...g.endpoints.values()].map((ep) => ep.targetRef?.name),
    }));
    expect(groups).toEqual([
      { ports: [8080], pods: ['a', 'c'] },
      { ports: [9090], pods: ['b'] },
      // Unlike core Endpoints, a pod resolving no port is still listed.
      { ports: [], pods: ['f'] },
    ]);
  });
});

describe('new slices', () => {
  it.each([
    {
      desc: 'ClusterIP Service',
      clusterIP: '127.96.0.20',
      want: { team: 'a', 'kubernetes.io/service-name': 'web', 'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io' },
    },
    {
      desc: 'headless Service',
      clusterIP: 'None',
      want: {
        team: 'a',
        'service.kubernetes.io/headless': '',
        'kubernetes.io/service-name': 'web',
        'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io',
      },
    },
  ])('labels — $desc (reserved Service labels are not copied)', ({ clusterIP, want }) => {
    const service = testService({ clusterIP, labels: { team: 'a', 'kubernetes.io/service-name': 'spoof', 'service.kubernetes.io/headless': 'x' } });
    expect(endpointSliceLabels(service)).toEqual(want);
  });

  it('newEndpointSlice: generateName, owner reference, address type, ports, no endpoints', () => {
    const slice = newEndpointSlice(testService({ name: 'web', namespace: 'team-a' }), [{ name: '', port: 8080, protocol: 'TCP' }], 'IPv4');
    expect(slice).toEqual({
      metadata: {
        generateName: 'web-',
        namespace: 'team-a',
        labels: { 'kubernetes.io/service-name': 'web', 'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io' },
        ownerReferences: [{ apiVersion: 'v1', kind: 'Service', name: 'web', uid: 'uid-svc-web', controller: true, blockOwnerDeletion: true }],
      },
      addressType: 'IPv4',
      endpoints: [],
      ports: [{ name: '', port: 8080, protocol: 'TCP' }],
    });
  });
});
