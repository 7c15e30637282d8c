import { getKind, type Pod } from '@k8ts/api';
import { newPod } from '@k8ts/testing';
import type { ApiClient } from '../api-client';
import type { KubeObject, ListOptions, ResourceClient, ResourceWatch, WatchEvent, WatchOptions } from '../resource-client';
import { SharedInformerFactory } from './factory';
import { NODE_NAME_INDEX, nodeNameIndexFunc } from './indexer';
import { storageResourceOf } from './list-watch';
import { silentInformerLogger } from './types';

/** A ResourceClient whose list returns `items` and whose watch stays open until stopped. */
function fakeClient(kind: string, items: KubeObject[], calls: { list: ListOptions[]; watch: WatchOptions[] }): ResourceClient<KubeObject> {
  const info = getKind(kind);
  return {
    kind,
    resource: info.group ? `${info.resource}.${info.group}` : (info.resource as string),
    namespaced: info.namespaced,
    list: async (opts?: ListOptions) => {
      calls.list.push(opts ?? {});
      return { items, resourceVersion: '7' };
    },
    watch: (opts?: WatchOptions): ResourceWatch<KubeObject> => {
      calls.watch.push(opts ?? {});
      let stop: () => void = () => undefined;
      const ended = new Promise<IteratorResult<WatchEvent<KubeObject>>>((resolve) => (stop = () => resolve({ value: undefined, done: true })));
      opts?.signal?.addEventListener('abort', () => stop());
      return { stop: () => stop(), [Symbol.asyncIterator]: () => ({ next: () => ended }) };
    },
  } as unknown as ResourceClient<KubeObject>;
}

function fakeApi(items: Record<string, KubeObject[]> = {}) {
  const calls = { list: [] as ListOptions[], watch: [] as WatchOptions[] };
  const clients = new Map<string, ResourceClient<KubeObject>>();
  const api = {
    resource: (kind: string) => {
      let c = clients.get(kind);
      if (!c) clients.set(kind, (c = fakeClient(kind, items[kind] ?? [], calls)));
      return c;
    },
    close: () => undefined,
  } as unknown as ApiClient;
  return { api, calls };
}

describe('SharedInformerFactory', () => {
  it('shares one informer per resource, whatever name the resource is asked by', async () => {
    const { api } = fakeApi();
    const f = new SharedInformerFactory(api, undefined, { watchVia: 'grpc', logger: silentInformerLogger });
    const pods = f.informerFor('pods');
    expect(f.informerFor('po')).toBe(pods);
    expect(f.informerFor('pods')).toBe(pods);
    expect(f.informerFor('services')).not.toBe(pods);
    expect(f.informerFor('deployments').name).toBe('deployments.apps');
    expect(() => f.informerFor('nosuchthings')).toThrow(/no resource/);
    expect(() => f.informerFor('pods/status')).toThrow(/no resource/);
    f.informerFor('pods', { indexers: { [NODE_NAME_INDEX]: nodeNameIndexFunc } });
    f.informerFor('pods', { indexers: { [NODE_NAME_INDEX]: nodeNameIndexFunc } });
    expect(() => f.informerFor('pods', { indexers: { [NODE_NAME_INDEX]: () => [] } })).toThrow(/different index/);
    await f.stop();
  });

  it('needs a NATS connection to watch via NATS', () => {
    const { api } = fakeApi();
    const f = new SharedInformerFactory(api, undefined);
    expect(() => f.informerFor('pods')).toThrow(/needs a NATS connection/);
  });

  it('starts the informers, waits for their caches, and stops them', async () => {
    const { api, calls } = fakeApi({ Pod: [newPod({ name: 'a' }), newPod({ name: 'b', nodeName: 'n1' })] });
    const f = new SharedInformerFactory(api, undefined, { watchVia: 'grpc', namespace: 'default', labelSelector: 'app=web', logger: silentInformerLogger });
    const pods = f.informerFor('pods', { indexers: { [NODE_NAME_INDEX]: nodeNameIndexFunc } });
    f.informerFor('nodes');
    const ac = new AbortController();
    f.start(ac.signal);
    expect(await f.waitForCacheSync()).toEqual({ pods: true, nodes: true });
    expect(pods.lister.list().map((p: Pod) => p.metadata?.name).sort()).toEqual(['a', 'b']);
    expect(pods.lister.byIndex(NODE_NAME_INDEX, 'n1').map((p) => p.metadata?.name)).toEqual(['b']);
    expect(calls.list[0]).toMatchObject({ namespace: 'default', labelSelector: 'app=web' });
    expect(calls.watch[0]).toMatchObject({ namespace: 'default', labelSelector: 'app=web', resourceVersion: '7', allowBookmarks: true });
    ac.abort();
    await f.stop();
    expect(pods.isStopped()).toBe(true);
  });

  it('names the NATS resource without the group', () => {
    expect(storageResourceOf({ resource: 'deployments.apps' })).toBe('deployments');
    expect(storageResourceOf({ resource: 'pods' })).toBe('pods');
  });
});
