import type { EndpointSlice, Endpoints } from '@k8ts/api';
import { waitFor } from '@k8ts/testing';
import { EndpointSliceTracker } from '../controller/endpoint-slice-tracker';
import { StaleCacheError } from '../controller/sync-service';
import { FakeCluster } from '../testing/fake-cluster';
import { testService } from '../testing/fixtures';
import { MIRRORING_CONTROLLER_NAME } from './desired-mirrored-slices';
import { EndpointSliceMirroringController } from './mirroring-controller';
import { syncMirroring, type MirroringDeps } from './sync-mirroring';

function kubeDnsEndpoints(ip = '127.53.0.1', extraLabels: Record<string, string> = {}): Endpoints {
  return {
    metadata: { name: 'kube-dns', namespace: 'kube-system', labels: { 'k8s-app': 'kube-dns', ...extraLabels } },
    subsets: [{ addresses: [{ ip }], ports: [{ name: 'dns', port: 5353, protocol: 'UDP' }, { name: 'dns-tcp', port: 5353, protocol: 'TCP' }] }],
  };
}

const kubeDns = testService({ name: 'kube-dns', namespace: 'kube-system', clusterIP: '127.96.0.10', noSelector: true });

function deps(cluster: FakeCluster, extra: Partial<MirroringDeps> = {}): MirroringDeps {
  return { serviceLister: cluster.serviceLister, endpointsLister: cluster.endpointsLister, sliceLister: cluster.sliceLister, client: cluster.client, ...extra };
}

async function putEndpoints(cluster: FakeCluster, eps: Endpoints): Promise<void> {
  const cur = cluster.endpointsOf(eps.metadata?.name ?? '', eps.metadata?.namespace);
  if (cur) await cluster.client.endpoints.update({ ...eps, metadata: { ...eps.metadata, resourceVersion: cur.metadata?.resourceVersion } });
  else await cluster.client.endpoints.create(eps);
}

function ipsOf(slices: EndpointSlice[]): string[] {
  return slices.flatMap((s) => (s.endpoints ?? []).flatMap((e) => e.addresses ?? []));
}

describe('syncMirroring', () => {
  it('mirrors, follows changes, and removes the slice with the Endpoints', async () => {
    const cluster = new FakeCluster({ services: [kubeDns] });
    await putEndpoints(cluster, kubeDnsEndpoints());
    cluster.resetCalls();
    const d = deps(cluster, { sliceTracker: new EndpointSliceTracker() });

    await expect(syncMirroring('kube-system/kube-dns', d)).resolves.toMatchObject({ outcome: 'mirrored', created: 1, updated: 0, deleted: 0 });
    const [slice] = cluster.slicesOf('kube-dns', 'kube-system');
    expect(slice.metadata?.labels).toMatchObject({ 'k8s-app': 'kube-dns', 'kubernetes.io/service-name': 'kube-dns', 'endpointslice.kubernetes.io/managed-by': MIRRORING_CONTROLLER_NAME });
    expect(ipsOf([slice])).toEqual(['127.53.0.1']);

    cluster.resetCalls();
    await expect(syncMirroring('kube-system/kube-dns', d)).resolves.toMatchObject({ created: 0, updated: 0, deleted: 0 });
    expect(cluster.calls).toEqual([]);

    await putEndpoints(cluster, kubeDnsEndpoints('127.53.0.2'));
    await expect(syncMirroring('kube-system/kube-dns', d)).resolves.toMatchObject({ created: 0, updated: 1 });
    expect(ipsOf(cluster.slicesOf('kube-dns', 'kube-system'))).toEqual(['127.53.0.2']);

    await cluster.client.endpoints.delete('kube-system', 'kube-dns');
    await expect(syncMirroring('kube-system/kube-dns', d)).resolves.toMatchObject({ outcome: 'removed', deleted: 1 });
    expect(cluster.slicesOf('kube-dns', 'kube-system')).toEqual([]);
  });

  it.each<{ desc: string; service: typeof kubeDns | undefined; labels: Record<string, string> }>([
    { desc: 'Service with a selector', service: testService({ name: 'kube-dns', namespace: 'kube-system' }), labels: {} },
    { desc: 'no Service', service: undefined, labels: {} },
    { desc: 'skip-mirror (the apiserver-owned default/kubernetes style)', service: kubeDns, labels: { 'endpointslice.kubernetes.io/skip-mirror': 'true' } },
  ])('writes nothing: $desc', async ({ service, labels }) => {
    const cluster = new FakeCluster({ services: service ? [service] : [] });
    await putEndpoints(cluster, kubeDnsEndpoints('127.53.0.1', labels));
    cluster.resetCalls();
    await expect(syncMirroring('kube-system/kube-dns', deps(cluster))).resolves.toMatchObject({ outcome: 'removed', created: 0 });
    expect(cluster.calls).toEqual([]);
  });

  it('leaves slices of other managers alone', async () => {
    const cluster = new FakeCluster({ services: [kubeDns] });
    await cluster.client.endpointSlices.create({
      metadata: { name: 'kube-dns-manual', namespace: 'kube-system', labels: { 'kubernetes.io/service-name': 'kube-dns', 'endpointslice.kubernetes.io/managed-by': 'someone-else' } },
      addressType: 'IPv4',
      endpoints: [],
    });
    await putEndpoints(cluster, kubeDnsEndpoints());
    cluster.resetCalls();
    await syncMirroring('kube-system/kube-dns', deps(cluster));
    expect(cluster.calls.map((c) => `${c.verb} ${c.resource}`)).toEqual(['create endpointslices']);
    expect(cluster.slicesOf('kube-dns', 'kube-system')).toHaveLength(2);
  });

  it('a cache that does not show its own create yet: StaleCacheError, no duplicate', async () => {
    const cluster = new FakeCluster({ services: [kubeDns] });
    await putEndpoints(cluster, kubeDnsEndpoints());
    const tracker = new EndpointSliceTracker();
    await syncMirroring('kube-system/kube-dns', deps(cluster, { sliceTracker: tracker }));
    const staleLister = { list: () => [] };
    await expect(syncMirroring('kube-system/kube-dns', deps(cluster, { sliceTracker: tracker, sliceLister: staleLister }))).rejects.toBeInstanceOf(StaleCacheError);
    expect(cluster.slicesOf('kube-dns', 'kube-system')).toHaveLength(1);
  });

  it('a failed write is thrown (the queue retries)', async () => {
    const cluster = new FakeCluster({ services: [kubeDns] });
    await putEndpoints(cluster, kubeDnsEndpoints());
    cluster.failures.push({ verb: 'create', resource: 'endpointslices', error: new Error('unavailable') });
    await expect(syncMirroring('kube-system/kube-dns', deps(cluster))).rejects.toThrow('unavailable');
  });
});

describe('EndpointSliceMirroringController handlers', () => {
  const mirroredSlice = (gen = 1): EndpointSlice => ({
    metadata: {
      name: 'kube-dns-abc',
      namespace: 'kube-system',
      uid: 'u1',
      generation: gen,
      labels: { 'kubernetes.io/service-name': 'kube-dns', 'endpointslice.kubernetes.io/managed-by': MIRRORING_CONTROLLER_NAME },
    },
    addressType: 'IPv4',
  });
  const otherSlice: EndpointSlice = { metadata: { name: 'web-abc', namespace: 'default', labels: { 'kubernetes.io/service-name': 'web', 'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io' } } };

  it.each([
    { desc: 'Service add', act: (c: EndpointSliceMirroringController) => c.onServiceAdd(kubeDns), want: ['kube-system/kube-dns'] },
    { desc: 'Service with a selector: ignored', act: (c: EndpointSliceMirroringController) => c.onServiceAdd(testService({ name: 'web' })), want: [] },
    { desc: 'Service gains a selector', act: (c: EndpointSliceMirroringController) => c.onServiceUpdate(kubeDns, testService({ name: 'kube-dns', namespace: 'kube-system' })), want: ['kube-system/kube-dns'] },
    { desc: 'Service update keeping no selector: ignored', act: (c: EndpointSliceMirroringController) => c.onServiceUpdate(kubeDns, kubeDns), want: [] },
    { desc: 'Endpoints add', act: (c: EndpointSliceMirroringController) => c.onEndpointsAdd(kubeDnsEndpoints()), want: ['kube-system/kube-dns'] },
    {
      desc: 'Endpoints of a Service with a selector: ignored',
      act: (c: EndpointSliceMirroringController) => c.onEndpointsAdd({ metadata: { name: 'web', namespace: 'default' }, subsets: [] }),
      want: [],
    },
    {
      desc: 'skip-mirror Endpoints: ignored',
      act: (c: EndpointSliceMirroringController) => c.onEndpointsAdd(kubeDnsEndpoints('127.0.0.1', { 'endpointslice.kubernetes.io/skip-mirror': 'true' })),
      want: [],
    },
    {
      desc: 'Endpoints newly labelled skip-mirror: enqueued (slices go away)',
      act: (c: EndpointSliceMirroringController) => c.onEndpointsUpdate(kubeDnsEndpoints(), kubeDnsEndpoints('127.0.0.1', { 'endpointslice.kubernetes.io/skip-mirror': 'true' })),
      want: ['kube-system/kube-dns'],
    },
    { desc: 'Endpoints update', act: (c: EndpointSliceMirroringController) => c.onEndpointsUpdate(kubeDnsEndpoints(), kubeDnsEndpoints('127.0.0.2')), want: ['kube-system/kube-dns'] },
    { desc: 'Endpoints delete', act: (c: EndpointSliceMirroringController) => c.onEndpointsDelete(kubeDnsEndpoints()), want: ['kube-system/kube-dns'] },
    { desc: 'a foreign mirrored slice appears', act: (c: EndpointSliceMirroringController) => c.onEndpointSliceAdd(mirroredSlice()), want: ['kube-system/kube-dns'] },
    { desc: 'someone deletes a mirrored slice', act: (c: EndpointSliceMirroringController) => c.onEndpointSliceDelete(mirroredSlice()), want: ['kube-system/kube-dns'] },
    { desc: 'slices of the EndpointSlice controller are ignored', act: (c: EndpointSliceMirroringController) => c.onEndpointSliceAdd(otherSlice), want: [] },
    {
      desc: 'echo of its own write is ignored',
      act: (c: EndpointSliceMirroringController, t: EndpointSliceTracker) => {
        t.update(mirroredSlice(2));
        c.onEndpointSliceUpdate(mirroredSlice(1), mirroredSlice(2));
      },
      want: [],
    },
    {
      desc: 'its own deletion is ignored',
      act: (c: EndpointSliceMirroringController, t: EndpointSliceTracker) => {
        t.update(mirroredSlice(1));
        t.expectDeletion(mirroredSlice(1));
        c.onEndpointSliceDelete(mirroredSlice(1));
      },
      want: [],
    },
  ])('$desc', async ({ act, want }) => {
    const cluster = new FakeCluster({ services: [kubeDns, testService({ name: 'web' })] });
    const tracker = new EndpointSliceTracker();
    const c = new EndpointSliceMirroringController({ ...deps(cluster), sliceTracker: tracker });
    act(c, tracker);
    expect(c.queue.len()).toBe(want.length);
    if (want.length) await expect(c.queue.get()).resolves.toBe(want[0]);
    c.queue.shutDown();
  });

  it('workers drain the queue', async () => {
    const cluster = new FakeCluster({ services: [kubeDns] });
    await putEndpoints(cluster, kubeDnsEndpoints());
    const synced: string[] = [];
    const c = new EndpointSliceMirroringController({ ...deps(cluster), onSynced: (key) => synced.push(key) });
    const stop = c.run(1);
    c.onEndpointsAdd(kubeDnsEndpoints());
    await waitFor(() => synced.length > 0, { desc: 'a sync' });
    await stop();
    expect(synced).toEqual(['kube-system/kube-dns']);
    expect(cluster.slicesOf('kube-dns', 'kube-system')).toHaveLength(1);
  });
});
