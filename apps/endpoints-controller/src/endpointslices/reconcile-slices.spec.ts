import type { EndpointSlice, Pod, Service } from '@k8ts/api';
import { FakeCluster } from '../testing/fake-cluster';
import { clone, deepFreeze, readyPods, slicePodNames, testPod, testService } from '../testing/fixtures';
import { reconcileSlices, type ReconcileSlicesOptions, type SliceChanges } from './reconcile-slices';

const service = testService({ name: 'web' });

/** Reconciles against the slices stored in the cluster and writes the result; returns the changes. */
async function step(cluster: FakeCluster, svc: Service, pods: Pod[], opts?: ReconcileSlicesOptions): Promise<SliceChanges> {
  const existing = cluster.slicesOf(svc.metadata?.name ?? '');
  const changes = reconcileSlices(svc, pods, existing, opts);
  await cluster.applySliceChanges(changes);
  return changes;
}

function counts(c: SliceChanges): { create: number; update: number; delete: number } {
  return { create: c.create.length, update: c.update.length, delete: c.delete.length };
}

function sizes(cluster: FakeCluster, name = 'web'): number[] {
  return cluster.slicesOf(name).map((s) => (s.endpoints ?? []).length);
}

function names(cluster: FakeCluster, name = 'web'): string[] {
  return cluster.slicesOf(name).map((s) => s.metadata?.name ?? '');
}

describe('reconcileSlices from scratch', () => {
  it.each<{ desc: string; pods: Pod[]; max?: number; want: number[] }>([
    { desc: '3 pods → one slice', pods: readyPods(3), want: [3] },
    { desc: '100 pods → one full slice', pods: readyPods(100), want: [100] },
    { desc: '250 pods → 100 + 100 + 50', pods: readyPods(250), want: [100, 100, 50] },
    { desc: 'maxEndpointsPerSlice 10, 25 pods → 10 + 10 + 5', pods: readyPods(25), max: 10, want: [10, 10, 5] },
    { desc: 'no pods → one empty placeholder slice', pods: [], want: [0] },
    { desc: 'only pods without IP → placeholder', pods: [testPod({ name: 'a', ready: true })], want: [0] },
  ])('$desc', async ({ pods, max, want }) => {
    const cluster = new FakeCluster();
    const changes = await step(cluster, service, pods, { maxEndpointsPerSlice: max });
    expect(counts(changes)).toEqual({ create: want.length, update: 0, delete: 0 });
    expect(sizes(cluster)).toEqual(want);
    // Stable: a second pass over the stored slices writes nothing.
    expect(counts(await step(cluster, service, pods, { maxEndpointsPerSlice: max }))).toEqual({ create: 0, update: 0, delete: 0 });
  });

  it('new slices carry labels, owner, address type and the ports of their endpoints', () => {
    const { create } = reconcileSlices(service, readyPods(2), []);
    expect(create).toHaveLength(1);
    const [slice] = create;
    expect(slice.metadata).toMatchObject({
      generateName: 'web-',
      namespace: 'default',
      labels: { 'kubernetes.io/service-name': 'web', 'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io' },
      ownerReferences: [{ apiVersion: 'v1', kind: 'Service', name: 'web', uid: 'uid-svc-web', controller: true, blockOwnerDeletion: true }],
    });
    expect(slice.metadata?.name).toBeUndefined();
    expect(slice.addressType).toBe('IPv4');
    expect(slice.ports).toEqual([{ name: '', port: 8080, protocol: 'TCP' }]);
    expect(slicePodNames(slice)).toEqual(['web-000', 'web-001']);
  });

  it('pods resolving a named port differently go to different slices', () => {
    const svc = testService({ ports: [{ name: 'http', port: 80, targetPort: 'http' }] });
    const pods = [
      testPod({ name: 'a', ready: true, podIP: '10.0.0.1', ports: [{ name: 'http', containerPort: 8080 }] }),
      testPod({ name: 'b', ready: true, podIP: '10.0.0.2', ports: [{ name: 'http', containerPort: 9090 }] }),
      testPod({ name: 'c', ready: true, podIP: '10.0.0.3', ports: [{ name: 'http', containerPort: 8080 }] }),
    ];
    const { create } = reconcileSlices(svc, pods, []);
    expect(create.map((s) => ({ ports: s.ports?.map((p) => `${p.name}:${p.port}`), pods: slicePodNames(s) }))).toEqual([
      { ports: ['http:8080'], pods: ['a', 'c'] },
      { ports: ['http:9090'], pods: ['b'] },
    ]);
  });

  it('terminating pods stay in slices, with their conditions', () => {
    const pods = [testPod({ name: 'a', ready: true, podIP: '10.0.0.1', terminating: true }), testPod({ name: 'b', ready: false, podIP: '10.0.0.2' })];
    const [slice] = reconcileSlices(service, pods, []).create;
    expect(slice.endpoints?.map((e) => [e.targetRef?.name, e.conditions])).toEqual([
      ['a', { ready: false, serving: true, terminating: true }],
      ['b', { ready: false, serving: false, terminating: false }],
    ]);
  });

  it.each([
    { desc: 'no selector', svc: testService({ noSelector: true }) },
    { desc: 'ExternalName', svc: testService({ type: 'ExternalName' }) },
  ])('leaves a Service alone: $desc', ({ svc }) => {
    expect(counts(reconcileSlices(svc, readyPods(3), []))).toEqual({ create: 0, update: 0, delete: 0 });
  });

  it('rejects a non-positive maxEndpointsPerSlice', () => {
    expect(() => reconcileSlices(service, [], [], { maxEndpointsPerSlice: 0 })).toThrow(RangeError);
  });
});

describe('reconcileSlices keeps existing slices stable', () => {
  async function cluster250(): Promise<{ cluster: FakeCluster; pods: Pod[] }> {
    const cluster = new FakeCluster();
    const pods = readyPods(250);
    await step(cluster, service, pods);
    cluster.resetCalls();
    return { cluster, pods };
  }

  it('a readiness change updates only the slice holding the pod, in place', async () => {
    const { cluster, pods } = await cluster250();
    const before = names(cluster);
    const changed = pods.map((p) => (p.metadata?.name === 'web-120' ? testPod({ name: 'web-120', podIP: p.status?.podIP, nodeName: 'node-1', ready: false }) : p));
    const changes = await step(cluster, service, changed);
    expect(counts(changes)).toEqual({ create: 0, update: 1, delete: 0 });
    expect(slicePodNames(changes.update[0])).toContain('web-120');
    expect(names(cluster)).toEqual(before);
    const ep = cluster.slicesOf('web').flatMap((s) => s.endpoints ?? []).find((e) => e.targetRef?.name === 'web-120');
    expect(ep?.conditions).toEqual({ ready: false, serving: false, terminating: false });
  });

  it('new pods fill a partially-full slice before a new slice is created', async () => {
    const { cluster, pods } = await cluster250();
    const more = [...pods, ...readyPods(30, { firstIP: 250, prefix: 'more' })];
    const changes = await step(cluster, service, more);
    expect(counts(changes)).toEqual({ create: 0, update: 1, delete: 0 });
    expect(sizes(cluster)).toEqual([100, 100, 80]);
  });

  it('new pods that do not fit one slice get new slices; full slices are left alone', async () => {
    const { cluster, pods } = await cluster250();
    const more = [...pods, ...readyPods(60, { firstIP: 250, prefix: 'more' })];
    const changes = await step(cluster, service, more);
    expect(counts(changes)).toEqual({ create: 1, update: 0, delete: 0 });
    expect([...sizes(cluster)].sort((a, b) => b - a)).toEqual([100, 100, 60, 50]);
  });

  it('removed pods are removed from their slice; removals and additions share one write', async () => {
    const { cluster, pods } = await cluster250();
    const keep = pods.filter((p) => p.metadata?.name !== 'web-010');
    const withNew = [...keep, testPod({ name: 'zz-new', ready: true, podIP: '10.9.9.9' })];
    const changes = await step(cluster, service, withNew);
    expect(counts(changes)).toEqual({ create: 0, update: 1, delete: 0 });
    expect(slicePodNames(changes.update[0])).toContain('zz-new');
    expect(slicePodNames(changes.update[0])).not.toContain('web-010');
    expect(sizes(cluster)).toEqual([100, 100, 50]);
  });

  it('a slice that becomes empty is deleted', async () => {
    const { cluster, pods } = await cluster250();
    const emptied = cluster.slicesOf('web').find((s) => s.endpoints?.length === 50) as EndpointSlice;
    const gone = new Set(slicePodNames(emptied));
    const changes = await step(cluster, service, pods.filter((p) => !gone.has(p.metadata?.name ?? '')));
    expect(counts(changes)).toEqual({ create: 0, update: 0, delete: 1 });
    expect(changes.delete[0].metadata?.name).toBe(emptied.metadata?.name);
    expect(sizes(cluster)).toEqual([100, 100]);
  });

  it('when every pod is gone, one slice is turned into the placeholder, the others deleted', async () => {
    const { cluster } = await cluster250();
    const changes = await step(cluster, service, []);
    expect(counts(changes)).toEqual({ create: 0, update: 1, delete: 2 });
    expect(sizes(cluster)).toEqual([0]);
    expect(cluster.slicesOf('web')[0].ports ?? []).toEqual([]);
    // ...and the placeholder is reused for the next pods.
    const next = await step(cluster, service, readyPods(2));
    expect(counts(next)).toEqual({ create: 0, update: 1, delete: 0 });
    expect(sizes(cluster)).toEqual([2]);
  });

  it('a changed Service label updates every slice, writing nothing else', async () => {
    const { cluster, pods } = await cluster250();
    const relabelled = testService({ name: 'web', labels: { team: 'b' } });
    const changes = await step(cluster, relabelled, pods);
    expect(counts(changes)).toEqual({ create: 0, update: 3, delete: 0 });
    expect(cluster.slicesOf('web').every((s) => s.metadata?.labels?.team === 'b')).toBe(true);
    expect(counts(await step(cluster, relabelled, pods))).toEqual({ create: 0, update: 0, delete: 0 });
  });

  it('a targetPort change moves endpoints to a slice with the new ports, reusing the old slice', async () => {
    const cluster = new FakeCluster();
    const pods = readyPods(3);
    await step(cluster, service, pods);
    const before = names(cluster);
    const moved = testService({ name: 'web', ports: [{ port: 80, targetPort: 9090 }] });
    const changes = await step(cluster, moved, pods);
    expect(counts(changes)).toEqual({ create: 0, update: 1, delete: 0 });
    expect(names(cluster)).toEqual(before);
    expect(cluster.slicesOf('web')[0].ports).toEqual([{ name: '', port: 9090, protocol: 'TCP' }]);
  });

  it('never modifies the slices it is given', async () => {
    const { cluster, pods } = await cluster250();
    const existing = deepFreeze(clone(cluster.slicesOf('web')));
    const snapshot = clone(existing);
    const changes = reconcileSlices(service, pods.slice(0, 120), existing);
    expect(existing).toEqual(snapshot);
    for (const u of changes.update) expect(existing).not.toContain(u);
  });
});

describe('reconcileSlices: slices that are not (or no longer) the Service’s', () => {
  function slice(overrides: { name: string; service?: string; managedBy?: string; uid?: string; addressType?: string; endpoints?: number }): EndpointSlice {
    const pods = readyPods(overrides.endpoints ?? 1);
    const [s] = reconcileSlices(service, pods, []).create;
    return deepFreeze({
      ...s,
      addressType: overrides.addressType ?? 'IPv4',
      metadata: {
        ...s.metadata,
        name: overrides.name,
        uid: `uid-${overrides.name}`,
        resourceVersion: '5',
        generation: 1,
        labels: {
          ...s.metadata?.labels,
          'kubernetes.io/service-name': overrides.service ?? 'web',
          'endpointslice.kubernetes.io/managed-by': overrides.managedBy ?? 'endpointslice-controller.k8s.io',
        },
        ownerReferences: [{ apiVersion: 'v1', kind: 'Service', name: 'web', uid: overrides.uid ?? 'uid-svc-web', controller: true, blockOwnerDeletion: true }],
      },
    });
  }

  it('ignores slices of other Services and of other managers', () => {
    const others = [slice({ name: 'db-1', service: 'db' }), slice({ name: 'web-m', managedBy: 'someone-else' })];
    const changes = reconcileSlices(service, readyPods(1), others);
    expect(counts(changes)).toEqual({ create: 1, update: 0, delete: 0 });
  });

  it('deletes (never reuses) a slice owned by an earlier Service of the same name', () => {
    const changes = reconcileSlices(service, readyPods(1), [slice({ name: 'web-old', uid: 'uid-previous' })]);
    expect(counts(changes)).toEqual({ create: 1, update: 0, delete: 1 });
    expect(changes.delete[0].metadata?.name).toBe('web-old');
  });

  it('deletes slices of an address type the Service no longer has', () => {
    const v6 = slice({ name: 'web-v6', addressType: 'IPv6' });
    const v4 = slice({ name: 'web-v4' });
    const changes = reconcileSlices(service, readyPods(1), [v6, v4]);
    expect(counts(changes)).toEqual({ create: 0, update: 0, delete: 1 });
    expect(changes.delete[0].metadata?.name).toBe('web-v6');
  });

  it('ignores slices being deleted', () => {
    const dying = deepFreeze({ ...slice({ name: 'web-x' }), metadata: { ...slice({ name: 'web-x' }).metadata, deletionTimestamp: '2026-01-01T00:00:00Z' } });
    const changes = reconcileSlices(service, readyPods(1), [dying]);
    expect(counts(changes)).toEqual({ create: 1, update: 0, delete: 0 });
  });

  it('a dual-stack Service gets a slice per address type', () => {
    const svc = testService({ ipFamilies: ['IPv4', 'IPv6'] });
    const pods = [testPod({ name: 'a', ready: true, podIPs: ['10.0.0.1', 'fd00::1'] }), testPod({ name: 'b', ready: true, podIP: '10.0.0.2' })];
    const { create } = reconcileSlices(svc, pods, []);
    expect(create.map((s) => [s.addressType, slicePodNames(s)])).toEqual([
      ['IPv4', ['a', 'b']],
      ['IPv6', ['a']],
    ]);
  });
});
