import type { OwnerReference } from '@k8ts/api';
import { newNotFound, StatusError } from '@k8ts/apimachinery';
import { Indexer, type KubeObject } from '@k8ts/client';
import type { GcApi } from './gc-api';
import { GarbageCollector } from './garbage-collector';
import { ObjectCache } from './object-cache';
import { identityKey, identityOf } from './object-identity';
import { OWNER_UID_INDEX, ownerUidIndexFunc } from './owner-index';
import type { PropagationPolicy } from './well-known';

const KINDS = ['Pod', 'ReplicaSet', 'Deployment'] as const;
type Kind = (typeof KINDS)[number];

function rsRef(uid: string, block = true): OwnerReference {
  return { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: `rs-${uid}`, uid, controller: true, blockOwnerDeletion: block };
}

function make(_kind: Kind, name: string, uid: string, o: { refs?: OwnerReference[]; finalizers?: string[]; deleting?: boolean } = {}): KubeObject {
  return {
    metadata: {
      name,
      namespace: 'default',
      uid,
      resourceVersion: '1',
      ...(o.refs ? { ownerReferences: o.refs } : {}),
      ...(o.finalizers ? { finalizers: o.finalizers } : {}),
      ...(o.deleting ? { deletionTimestamp: '2024-01-01T00:00:00Z' } : {}),
    },
  };
}

interface Call {
  verb: 'get' | 'update' | 'delete';
  kind: string;
  name: string;
  policy?: PropagationPolicy;
  obj?: KubeObject;
}

/** Caches plus an API over the same objects; `live` holds objects the cache has not seen yet. */
function setup() {
  const caches = Object.fromEntries(KINDS.map((k) => [k, new Indexer<KubeObject>({ [OWNER_UID_INDEX]: ownerUidIndexFunc })])) as Record<Kind, Indexer<KubeObject>>;
  const live = new Map<string, KubeObject>();
  const calls: Call[] = [];
  const unserved = new Set<string>();
  const api: GcApi = {
    async get(kind, namespace, name) {
      calls.push({ verb: 'get', kind, name });
      if (unserved.has(kind)) throw new StatusError({ code: 404, reason: 'NotFound', details: { kind }, message: 'not served' });
      const obj = live.get(`${kind}/${name}`) ?? caches[kind as Kind]?.getByName(namespace, name);
      if (!obj) throw newNotFound({ group: '', resource: kind.toLowerCase() }, name);
      return obj;
    },
    async update(kind, obj) {
      calls.push({ verb: 'update', kind, name: obj.metadata?.name ?? '', obj });
      caches[kind as Kind].update(obj);
      return obj;
    },
    async delete(kind, _namespace, name, _uid, policy) {
      calls.push({ verb: 'delete', kind, name, policy });
    },
  };
  const cache = new ObjectCache(KINDS.map((kind) => ({ kind, lister: caches[kind] })));
  const gc = new GarbageCollector({ cache, api });
  const add = (kind: Kind, obj: KubeObject) => caches[kind].add(obj);
  return { caches, live, calls, unserved, gc, add, writes: () => calls.filter((c) => c.verb !== 'get') };
}

const deleteKey = (kind: Kind, obj: KubeObject) => `delete:${identityKey(identityOf(kind, obj))}`;
const orphanKey = (kind: Kind, obj: KubeObject) => `orphan:${identityKey(identityOf(kind, obj))}`;

async function drain(gc: GarbageCollector): Promise<string[]> {
  const keys: string[] = [];
  while (gc.queue.len() > 0) {
    const key = (await gc.queue.get()) as string;
    keys.push(key);
    await gc.sync(key);
    gc.queue.done(key);
  }
  return keys;
}

describe('GarbageCollector: dependents of owners that are gone', () => {
  it.each([
    { desc: 'owner never existed: background delete', owner: undefined, liveOwner: undefined, want: [{ verb: 'delete', kind: 'Pod', name: 'p', policy: 'Background' }] },
    { desc: 'owner present in the cache: kept', owner: make('ReplicaSet', 'rs-a', 'a'), liveOwner: undefined, want: [] },
    { desc: 'owner recreated with another uid: delete', owner: make('ReplicaSet', 'rs-a', 'a2'), liveOwner: undefined, want: [{ verb: 'delete', kind: 'Pod', name: 'p', policy: 'Background' }] },
    { desc: 'owner not cached yet but live: kept (cache lag)', owner: undefined, liveOwner: make('ReplicaSet', 'rs-a', 'a'), want: [] },
  ])('$desc', async ({ owner, liveOwner, want }) => {
    const { gc, add, live, writes } = setup();
    if (owner) add('ReplicaSet', owner);
    if (liveOwner) live.set('ReplicaSet/rs-a', liveOwner);
    const pod = make('Pod', 'p', 'p1', { refs: [rsRef('a')] });
    add('Pod', pod);
    await gc.sync(deleteKey('Pod', pod));
    expect(writes().map(({ verb, kind, name, policy }) => ({ verb, kind, name, policy }))).toEqual(want);
  });

  it('an owner whose resource is not served is never taken for gone', async () => {
    const { gc, add, unserved, writes } = setup();
    unserved.add('ReplicaSet');
    const pod = make('Pod', 'p', 'p1', { refs: [rsRef('a')] });
    add('Pod', pod);
    await expect(gc.sync(deleteKey('Pod', pod))).resolves.toEqual({ item: 'dependent', action: 'none' });
    expect(writes()).toEqual([]);
  });

  it('a dependent with another live owner only loses the dangling reference', async () => {
    const { gc, add, writes } = setup();
    add('ReplicaSet', make('ReplicaSet', 'rs-b', 'b'));
    const pod = make('Pod', 'p', 'p1', { refs: [rsRef('a'), rsRef('b')] });
    add('Pod', pod);
    await gc.sync(deleteKey('Pod', pod));
    expect(writes()).toHaveLength(1);
    expect(writes()[0]?.obj?.metadata?.ownerReferences?.map((r) => r.uid)).toEqual(['b']);
    expect(pod.metadata?.ownerReferences).toHaveLength(2);
  });

  it('a deleted owner enqueues its dependents, and a known-gone uid spares the live read', async () => {
    const { gc, add, caches, calls } = setup();
    const rs = make('ReplicaSet', 'rs-a', 'a');
    add('ReplicaSet', rs);
    const pods = ['p1', 'p2', 'p3'].map((n) => make('Pod', n, `${n}-uid`, { refs: [rsRef('a')] }));
    for (const p of pods) add('Pod', p);
    caches.ReplicaSet.delete(rs);
    gc.onDelete('ReplicaSet', rs);
    const keys = await drain(gc);
    expect(keys.sort()).toEqual(pods.map((p) => deleteKey('Pod', p)).sort());
    expect(calls.filter((c) => c.verb === 'delete').map((c) => c.name).sort()).toEqual(['p1', 'p2', 'p3']);
    expect(calls.filter((c) => c.verb === 'get')).toEqual([]);
  });

  it('at start-up every object with owners is checked (initial list)', async () => {
    const { gc, add } = setup();
    const pod = make('Pod', 'p', 'p1', { refs: [rsRef('a')] });
    const lone = make('Pod', 'q', 'q1');
    add('Pod', pod);
    add('Pod', lone);
    gc.onAdd('Pod', pod);
    gc.onAdd('Pod', lone);
    expect(await drain(gc)).toEqual([deleteKey('Pod', pod)]);
  });
});

describe('GarbageCollector: Foreground deletion', () => {
  it('deletes the dependents, waits for the blocking ones, then removes foregroundDeletion', async () => {
    const { gc, add, caches, writes } = setup();
    const rs = make('ReplicaSet', 'rs-a', 'a', { finalizers: ['foregroundDeletion'], deleting: true });
    add('ReplicaSet', rs);
    const pods = ['p1', 'p2'].map((n) => make('Pod', n, `${n}-uid`, { refs: [rsRef('a')] }));
    for (const p of pods) add('Pod', p);
    gc.onUpdate('ReplicaSet', make('ReplicaSet', 'rs-a', 'a'), rs);
    await drain(gc);
    expect(writes().map((c) => `${c.verb} ${c.name} ${c.policy ?? ''}`.trim())).toEqual(['delete p1 Background', 'delete p2 Background']);
    // The pods go away; each delete event re-checks the owner.
    for (const p of pods) {
      caches.Pod.delete(p);
      gc.onDelete('Pod', p);
    }
    await drain(gc);
    const last = writes().at(-1);
    expect(last).toMatchObject({ verb: 'update', kind: 'ReplicaSet', name: 'rs-a' });
    expect(last?.obj?.metadata?.finalizers).toEqual([]);
  });

  it('a dependent that owns things is deleted in the foreground too', async () => {
    const { gc, add, writes } = setup();
    const deploy = make('Deployment', 'd', 'd1', { finalizers: ['foregroundDeletion'], deleting: true });
    add('Deployment', deploy);
    const rs = make('ReplicaSet', 'rs-a', 'a', { refs: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'd', uid: 'd1', controller: true, blockOwnerDeletion: true }] });
    add('ReplicaSet', rs);
    add('Pod', make('Pod', 'p', 'p1', { refs: [rsRef('a')] }));
    await gc.sync(deleteKey('ReplicaSet', rs));
    expect(writes()).toEqual([expect.objectContaining({ verb: 'delete', kind: 'ReplicaSet', policy: 'Foreground' })]);
  });

  it('non-blocking dependents do not hold the owner', async () => {
    const { gc, add, writes } = setup();
    const rs = make('ReplicaSet', 'rs-a', 'a', { finalizers: ['foregroundDeletion'], deleting: true });
    add('ReplicaSet', rs);
    add('Pod', make('Pod', 'p', 'p1', { refs: [rsRef('a', false)] }));
    await expect(gc.sync(deleteKey('ReplicaSet', rs))).resolves.toEqual({ item: 'foreground', action: 'removeFinalizer' });
    expect(writes()[0]?.obj?.metadata?.finalizers).toEqual([]);
  });
});

describe('GarbageCollector: Orphan deletion', () => {
  it('removes the owner reference from every dependent, then the orphan finalizer', async () => {
    const { gc, add, writes } = setup();
    const rs = make('ReplicaSet', 'rs-a', 'a', { finalizers: ['orphan'], deleting: true });
    add('ReplicaSet', rs);
    add('Pod', make('Pod', 'p1', 'p1-uid', { refs: [rsRef('a')] }));
    add('Pod', make('Pod', 'p2', 'p2-uid', { refs: [rsRef('a'), rsRef('b')] }));
    add('Pod', make('Pod', 'other', 'o-uid', { refs: [rsRef('z')] }));
    gc.onUpdate('ReplicaSet', make('ReplicaSet', 'rs-a', 'a'), rs);
    expect(await drain(gc)).toEqual([orphanKey('ReplicaSet', rs)]);
    const w = writes();
    expect(w.map((c) => `${c.verb} ${c.kind} ${c.name}`)).toEqual(['update Pod p1', 'update Pod p2', 'update ReplicaSet rs-a']);
    expect(w[0]?.obj?.metadata?.ownerReferences).toEqual([]);
    expect(w[1]?.obj?.metadata?.ownerReferences?.map((r) => r.uid)).toEqual(['b']);
    expect(w[2]?.obj?.metadata?.finalizers).toEqual([]);
  });

  it('an owner no longer orphaning is left alone', async () => {
    const { gc, add, writes } = setup();
    const rs = make('ReplicaSet', 'rs-a', 'a');
    add('ReplicaSet', rs);
    await expect(gc.sync(orphanKey('ReplicaSet', rs))).resolves.toEqual({ item: 'not-orphaning' });
    expect(writes()).toEqual([]);
  });
});

describe('GarbageCollector: cluster-scoped owners', () => {
  it('a node Lease in kube-node-lease whose Node is gone is deleted; with the Node present it stays', async () => {
    const node: KubeObject = { metadata: { name: 'node-50', uid: 'n1' } };
    const lease: KubeObject = {
      metadata: { name: 'node-50', namespace: 'kube-node-lease', uid: 'l1', ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name: 'node-50', uid: 'n1' }] },
    };
    const nodes = new Indexer<KubeObject>({ [OWNER_UID_INDEX]: ownerUidIndexFunc });
    const leases = new Indexer<KubeObject>({ [OWNER_UID_INDEX]: ownerUidIndexFunc });
    leases.add(lease);
    nodes.add(node);
    const calls: string[] = [];
    const api: GcApi = {
      get: async (kind, namespace, name) => {
        calls.push(`get ${kind} ${namespace ?? '-'} ${name}`);
        throw newNotFound({ group: '', resource: 'nodes' }, name);
      },
      update: async (_kind, obj) => obj,
      delete: async (kind, namespace, name, _uid, policy) => void calls.push(`delete ${kind} ${namespace} ${name} ${policy}`),
    };
    const gc = new GarbageCollector({ cache: new ObjectCache([{ kind: 'Node', lister: nodes }, { kind: 'Lease', lister: leases }]), api });
    const key = `delete:${identityKey(identityOf('Lease', lease))}`;
    await gc.sync(key);
    expect(calls).toEqual([]);
    nodes.delete(node);
    gc.onDelete('Node', node);
    expect(gc.queue.len()).toBe(1);
    await gc.sync(key);
    expect(calls).toEqual(['delete Lease kube-node-lease node-50 Background']);
  });
});
