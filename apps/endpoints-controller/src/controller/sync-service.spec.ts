import type { Pod } from '@k8ts/api';
import { newForbidden, newInternalError, StatusError } from '@k8ts/apimachinery';
import type { ApiClient } from '@k8ts/client';
import { FakeCluster, type Call } from '../testing/fake-cluster';
import { readyPods, slicePodNames, testPod, testService } from '../testing/fixtures';
import type { EndpointsWriters } from './deps';
import { EndpointSliceTracker } from './endpoint-slice-tracker';
import { servicesForPodChange } from './pod-to-services';
import { StaleEndpointsTracker } from './stale-endpoints-tracker';
import { StaleCacheError, syncService } from './sync-service';

function verbs(calls: Call[]): string[] {
  return calls.map((c) => `${c.verb} ${c.resource} ${c.name}`);
}

function readyNames(cluster: FakeCluster, name: string): string[] {
  return (cluster.endpointsOf(name)?.subsets ?? []).flatMap((s) => (s.addresses ?? []).map((a) => a.targetRef?.name ?? ''));
}

function sliceNames(cluster: FakeCluster, name: string): string[] {
  return cluster.slicesOf(name).flatMap(slicePodNames);
}

describe('syncService', () => {
  it('creates Endpoints and a slice for a new Service, then writes nothing on resync', async () => {
    const cluster = new FakeCluster({ services: [testService({ name: 'web' })], pods: readyPods(3) });
    const first = await syncService('default/web', cluster.deps());
    expect(first).toEqual({ service: 'synced', endpoints: 'created', slices: { created: 1, updated: 0, deleted: 0 } });
    expect(verbs(cluster.calls)).toEqual(['create endpoints web', 'create endpointslices web-00001']);
    expect(readyNames(cluster, 'web')).toEqual(['web-000', 'web-001', 'web-002']);

    cluster.resetCalls();
    const again = await syncService('default/web', cluster.deps());
    expect(again).toEqual({ service: 'synced', endpoints: 'unchanged', slices: { created: 0, updated: 0, deleted: 0 } });
    expect(cluster.calls).toEqual([]);
  });

  it('250 pods: one Endpoints, three slices; a resync writes nothing', async () => {
    const cluster = new FakeCluster({ services: [testService({ name: 'web' })], pods: readyPods(250) });
    await syncService('default/web', cluster.deps());
    expect(cluster.slicesOf('web').map((s) => s.endpoints?.length)).toEqual([100, 100, 50]);
    expect(readyNames(cluster, 'web')).toHaveLength(250);
    cluster.resetCalls();
    await syncService('default/web', cluster.deps());
    expect(cluster.calls).toEqual([]);
  });

  it('not-ready, terminating and IP-less pods: Endpoints and slices differ as upstream', async () => {
    const pods = [
      testPod({ name: 'ready', ready: true, podIP: '10.0.0.1' }),
      testPod({ name: 'unready', ready: false, podIP: '10.0.0.2' }),
      testPod({ name: 'leaving', ready: true, podIP: '10.0.0.3', terminating: true }),
      testPod({ name: 'pending', ready: false }),
    ];
    const cluster = new FakeCluster({ services: [testService({ name: 'web' })], pods });
    await syncService('default/web', cluster.deps());
    const [subset] = cluster.endpointsOf('web')?.subsets ?? [];
    expect(subset.addresses?.map((a) => a.targetRef?.name)).toEqual(['ready']);
    expect(subset.notReadyAddresses?.map((a) => a.targetRef?.name)).toEqual(['unready']);
    const [slice] = cluster.slicesOf('web');
    expect(slice.endpoints?.map((e) => [e.targetRef?.name, e.conditions?.ready, e.conditions?.serving, e.conditions?.terminating])).toEqual([
      ['leaving', false, true, true],
      ['ready', true, true, false],
      ['unready', false, false, false],
    ]);
  });

  it('a pod turning ready updates both objects in place; cached objects are never mutated', async () => {
    // FakeCluster deep-freezes what it stores: an in-place edit would throw.
    const cluster = new FakeCluster({ services: [testService({ name: 'web' })], pods: [testPod({ name: 'a', ready: false, podIP: '10.0.0.1' })] });
    await syncService('default/web', cluster.deps());
    const sliceName = cluster.slicesOf('web')[0].metadata?.name;
    cluster.putPod(testPod({ name: 'a', ready: true, podIP: '10.0.0.1' }));
    cluster.resetCalls();
    const result = await syncService('default/web', cluster.deps());
    expect(result).toEqual({ service: 'synced', endpoints: 'updated', slices: { created: 0, updated: 1, deleted: 0 } });
    expect(verbs(cluster.calls)).toEqual(['update endpoints web', `update endpointslices ${sliceName}`]);
    expect(readyNames(cluster, 'web')).toEqual(['a']);
  });

  it('a label change moves a pod between Services: both are recomputed', async () => {
    const a = testService({ name: 'svc-a', selector: { app: 'a' } });
    const b = testService({ name: 'svc-b', selector: { app: 'b' } });
    const oldPod = testPod({ name: 'p', labels: { app: 'a' }, ready: true, podIP: '10.0.0.1', resourceVersion: '1' });
    const cluster = new FakeCluster({ services: [a, b], pods: [oldPod] });
    await syncService('default/svc-a', cluster.deps());
    await syncService('default/svc-b', cluster.deps());
    expect([readyNames(cluster, 'svc-a'), readyNames(cluster, 'svc-b')]).toEqual([['p'], []]);

    const newPod: Pod = testPod({ name: 'p', labels: { app: 'b' }, ready: true, podIP: '10.0.0.1', resourceVersion: '2' });
    cluster.putPod(newPod);
    const keys = [...servicesForPodChange(oldPod, newPod, cluster.serviceLister.list('default'))].sort();
    expect(keys).toEqual(['default/svc-a', 'default/svc-b']);
    for (const key of keys) await syncService(key, cluster.deps());
    expect([readyNames(cluster, 'svc-a'), readyNames(cluster, 'svc-b')]).toEqual([[], ['p']]);
    expect([sliceNames(cluster, 'svc-a'), sliceNames(cluster, 'svc-b')]).toEqual([[], ['p']]);
  });

  it.each([
    { desc: 'without a selector', service: testService({ name: 'manual', noSelector: true }) },
    { desc: 'of type ExternalName', service: testService({ name: 'manual', type: 'ExternalName' }) },
  ])('leaves a Service $desc alone, including Endpoints written by hand', async ({ service }) => {
    const manual = { metadata: { name: 'manual', namespace: 'default', resourceVersion: '1' }, subsets: [{ addresses: [{ ip: '192.0.2.1' }] }] };
    const cluster = new FakeCluster({ services: [service], pods: readyPods(2), endpoints: [manual] });
    const result = await syncService('default/manual', cluster.deps());
    expect(result).toEqual({ service: 'unmanaged', endpoints: 'skipped', slices: { created: 0, updated: 0, deleted: 0 } });
    expect(cluster.calls).toEqual([]);
    expect(cluster.endpointsOf('manual')?.subsets).toEqual(manual.subsets);
  });

  it('deletes the Endpoints and the slices of a Service that is gone, and tolerates them being gone already', async () => {
    const cluster = new FakeCluster({
      services: [testService({ name: 'web' }), testService({ name: 'other', selector: { app: 'web' } })],
      pods: readyPods(150),
    });
    await syncService('default/web', cluster.deps({ maxEndpointsPerSlice: 100 }));
    await syncService('default/other', cluster.deps());
    cluster.deleteService('default', 'web');
    cluster.resetCalls();

    const result = await syncService('default/web', cluster.deps());
    expect(result).toEqual({ service: 'gone', endpoints: 'deleted', slices: { created: 0, updated: 0, deleted: 2 } });
    expect(cluster.endpointsOf('web')).toBeUndefined();
    expect(cluster.slicesOf('web')).toEqual([]);
    expect(cluster.slicesOf('other')).toHaveLength(2);
    expect(cluster.endpointsOf('other')).toBeDefined();

    const again = await syncService('default/web', cluster.deps());
    expect(again).toEqual({ service: 'gone', endpoints: 'unchanged', slices: { created: 0, updated: 0, deleted: 0 } });
  });

  it('does not create slices for a Service being deleted', async () => {
    const dying = testService({ name: 'web' });
    dying.metadata = { ...dying.metadata, deletionTimestamp: '2026-01-01T00:00:00Z' };
    const cluster = new FakeCluster({ services: [dying], pods: readyPods(1) });
    const result = await syncService('default/web', cluster.deps());
    expect(result.slices).toEqual({ created: 0, updated: 0, deleted: 0 });
    expect(cluster.slicesOf('web')).toEqual([]);
  });

  it('a failed Endpoints write does not stop the slices; the error is rethrown', async () => {
    const cluster = new FakeCluster({ services: [testService({ name: 'web' })], pods: readyPods(1) });
    const boom = newInternalError(new Error('boom'));
    cluster.failures.push({ verb: 'create', resource: 'endpoints', error: boom });
    await expect(syncService('default/web', cluster.deps())).rejects.toBe(boom);
    expect(cluster.slicesOf('web')).toHaveLength(1);
    // The retry finishes the job and writes the slices no more.
    cluster.resetCalls();
    await syncService('default/web', cluster.deps());
    expect(verbs(cluster.calls)).toEqual(['create endpoints web']);
  });

  it('two failures are thrown together', async () => {
    const cluster = new FakeCluster({ services: [testService({ name: 'web' })], pods: readyPods(1) });
    cluster.failures.push({ verb: 'create', resource: 'endpoints', error: new Error('one') });
    cluster.failures.push({ verb: 'create', resource: 'endpointslices', error: new Error('two') });
    const err = await syncService('default/web', cluster.deps()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AggregateError);
    expect((err as AggregateError).message).toBe('syncing service default/web: one; two');
  });

  it('creates in a terminating namespace are dropped quietly', async () => {
    const cluster = new FakeCluster({ services: [testService({ name: 'web' })], pods: readyPods(1) });
    const terminating = (): StatusError => {
      const err = newForbidden({ group: '', resource: 'endpoints' }, 'web', new Error('namespace default is being terminated'));
      err.status.details = { ...err.status.details, causes: [{ reason: 'NamespaceTerminating', message: 'namespace is terminating' }] };
      return err;
    };
    cluster.failures.push({ verb: 'create', resource: 'endpoints', error: terminating() });
    cluster.failures.push({ verb: 'create', resource: 'endpointslices', error: terminating() });
    const result = await syncService('default/web', cluster.deps());
    expect(result).toEqual({ service: 'synced', endpoints: 'skipped', slices: { created: 0, updated: 0, deleted: 0 } });
  });

  it('with trackers: a slice cache that lags its own writes fails the sync with StaleCacheError, writing nothing', async () => {
    const cluster = new FakeCluster({ services: [testService({ name: 'web' })], pods: readyPods(1) });
    const deps = cluster.deps({ sliceTracker: new EndpointSliceTracker(), endpointsTracker: new StaleEndpointsTracker() });
    await syncService('default/web', deps);
    // The informer has not delivered the created slice yet.
    const [created] = cluster.slicesOf('web');
    cluster.slices.clear();
    cluster.resetCalls();
    await expect(syncService('default/web', deps)).rejects.toBeInstanceOf(StaleCacheError);
    expect(verbs(cluster.calls)).toEqual([]);
    // Once it has, syncs go through again.
    cluster.slices.set(`default/${created.metadata?.name}`, created);
    await expect(syncService('default/web', deps)).resolves.toMatchObject({ service: 'synced' });
  });

  it('with trackers: an Endpoints cache still showing the replaced version fails with StaleCacheError', async () => {
    const cluster = new FakeCluster({ services: [testService({ name: 'web' })], pods: [testPod({ name: 'a', ready: false, podIP: '10.0.0.1' })] });
    const deps = cluster.deps({ endpointsTracker: new StaleEndpointsTracker() });
    await syncService('default/web', deps);
    const before = cluster.endpointsOf('web');
    cluster.putPod(testPod({ name: 'a', ready: true, podIP: '10.0.0.1' }));
    await syncService('default/web', deps);
    // The cache goes back to the version the update replaced.
    cluster.endpoints.set('default/web', before as NonNullable<typeof before>);
    await expect(syncService('default/web', deps)).rejects.toBeInstanceOf(StaleCacheError);
  });

  it('an ApiClient is an EndpointsWriters', () => {
    const asWriters = (c: ApiClient): EndpointsWriters => c;
    expect(asWriters).toBeInstanceOf(Function);
  });
});
