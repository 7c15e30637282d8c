// Object semantics of the generic store, with a small test strategy over Pod
// (graceful when bound) so nothing here depends on the real pod strategy.
import type { Pod } from '@k8ts/api';
import { isAlreadyExists, isBadRequest, isConflict, isInvalid, isNotFound, isResourceExpired, required } from '@k8ts/apimachinery';
import { newPod } from '@k8ts/testing';
import { MemoryStorage } from '../../storage/memory-storage';
import type { ObjectEvent } from './watch';
import { type Clock, Store } from './store';
import type { Strategy } from './strategy';

const codec = {
  encode: (o: Pod) => Buffer.from(JSON.stringify(o)),
  decode: (b: Uint8Array) => JSON.parse(Buffer.from(b).toString()) as Pod,
};

const testStrategy: Strategy<Pod> = {
  resource: 'pods',
  group: '',
  kind: 'Pod',
  namespaced: true,
  hasGeneration: true,
  hasStatus: true,
  defaults(pod) {
    pod.spec = { restartPolicy: 'Always', ...pod.spec };
  },
  prepareForCreate(pod) {
    pod.status = { phase: 'Pending' };
  },
  prepareForUpdate(pod, old, subresource) {
    if (subresource === 'status') pod.spec = old.spec;
    else pod.status = old.status;
  },
  validate: (pod) => ((pod.spec?.containers ?? []).length === 0 ? [required('spec.containers')] : []),
  validateUpdate: () => [],
  fields: (pod) => ({ 'spec.nodeName': pod.spec?.nodeName ?? '', 'status.phase': pod.status?.phase ?? '' }),
  gracePeriodSeconds: (pod, requested) => (pod.spec?.nodeName ? (requested ?? 30) : 0),
};

class TestClock implements Clock {
  t = Date.parse('2026-01-01T00:00:00Z');
  now() {
    return new Date(this.t);
  }
}

function setup() {
  const storage = new MemoryStorage();
  const clock = new TestClock();
  const store = new Store(testStrategy, storage, codec, [], clock);
  return { storage, clock, store };
}

/** Awaits `p`, which must reject with an error `check` accepts. */
async function expectRejects(p: Promise<unknown>, check: (err: unknown) => boolean): Promise<void> {
  const err = await p.then(
    () => new Error('expected a rejection'),
    (e: unknown) => e,
  );
  if (!check(err)) throw new Error(`unexpected error: ${String(err)}`);
}

async function collect(iter: AsyncIterable<ObjectEvent<Pod>>, n: number): Promise<ObjectEvent<Pod>[]> {
  const out: ObjectEvent<Pod>[] = [];
  for await (const ev of iter) {
    if (ev.type === 'BOOKMARK') continue;
    out.push(ev);
    if (out.length === n) break;
  }
  return out;
}

describe('Store create', () => {
  it('sets uid, creationTimestamp, generation and resourceVersion, and runs defaults', async () => {
    const { store } = setup();
    const pod = await store.create('default', newPod({ name: 'a' }));
    expect(pod.metadata).toMatchObject({ name: 'a', namespace: 'default', generation: 1, creationTimestamp: '2026-01-01T00:00:00Z' });
    expect(pod.metadata?.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(pod.metadata?.resourceVersion).toBe('1');
    expect(pod.spec?.restartPolicy).toBe('Always');
    expect(pod.status).toEqual({ phase: 'Pending' });
    expect(await store.get('default', 'a')).toEqual(pod);
  });

  it.each([
    { desc: 'duplicate name', pod: newPod({ name: 'a' }), check: isAlreadyExists },
    { desc: 'missing containers', pod: { metadata: { name: 'b' }, spec: {} } as Pod, check: isInvalid },
    { desc: 'bad name', pod: newPod({ name: 'Not_A_Name' }), check: isInvalid },
    { desc: 'namespace mismatch', pod: newPod({ name: 'c', namespace: 'other' }), check: isBadRequest },
  ])('rejects $desc and stores nothing', async ({ pod, check }) => {
    const { store } = setup();
    await store.create('default', newPod({ name: 'a' }));
    const before = await store.list('default');
    await expectRejects(store.create('default', pod), check);
    expect((await store.list('default')).items).toHaveLength(before.items.length);
  });

  it('generates names and retries on collision', async () => {
    const { store } = setup();
    const base = { ...newPod(), metadata: { generateName: 'web-', namespace: 'default' } };
    const names = new Set<string>();
    for (let i = 0; i < 20; i++) names.add((await store.create('default', base)).metadata?.name ?? '');
    expect(names.size).toBe(20);
    for (const n of names) expect(n).toMatch(/^web-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
  });

  it('writes nothing on dry run', async () => {
    const { store } = setup();
    const pod = await store.create('default', newPod({ name: 'a' }), { dryRun: true });
    expect(pod.metadata?.uid).toBeDefined();
    await expectRejects(store.get('default', 'a'), isNotFound);
  });
});

describe('Store update', () => {
  it('rejects a stale resourceVersion with Conflict', async () => {
    const { store } = setup();
    const v1 = await store.create('default', newPod({ name: 'a' }));
    await store.update('default', { ...v1, metadata: { ...v1.metadata, labels: { v: '2' } } });
    await expectRejects(store.update('default', { ...v1, metadata: { ...v1.metadata, labels: { v: '3' } } }), isConflict);
  });

  it('bumps generation on spec changes only, and skips no-op writes', async () => {
    const { store } = setup();
    const v1 = await store.create('default', newPod({ name: 'a' }));
    const same = await store.update('default', structuredClone(v1));
    expect(same.metadata?.resourceVersion).toBe(v1.metadata?.resourceVersion);
    const labelled = await store.update('default', { ...v1, metadata: { ...v1.metadata, labels: { x: 'y' } } });
    expect(labelled.metadata?.generation).toBe(1);
    const respec = await store.update('default', { ...labelled, spec: { ...labelled.spec, activeDeadlineSeconds: 5 } });
    expect(respec.metadata?.generation).toBe(2);
    expect(Number(respec.metadata?.resourceVersion)).toBeGreaterThan(Number(labelled.metadata?.resourceVersion));
  });

  it.each([
    { desc: 'a new owner of the same fields is written', second: { manager: 'b', operation: 'Apply', time: '2026-11-29T05:00:01Z' }, written: true },
    { desc: 'only a refreshed time is not', second: undefined, written: false },
  ])('managedFields-only updates: $desc', async ({ second, written }) => {
    const { store } = setup();
    const a = { manager: 'a', operation: 'Apply', apiVersion: 'v1', time: '2026-11-29T05:00:00Z', fieldsType: 'FieldsV1', fieldsV1: { 'f:metadata': { 'f:labels': { 'f:app': {} } } } };
    const v1 = await store.create('default', { ...newPod({ name: 'mf' }), metadata: { name: 'mf', labels: { app: 'x' }, managedFields: [a] } } as never);
    const entries = second ? [a, { ...a, ...second }] : [{ ...a, time: '2026-11-29T06:00:00Z' }];
    const v2 = await store.update('default', { ...v1, metadata: { ...v1.metadata, managedFields: entries } } as never);
    expect(v2.metadata?.resourceVersion !== v1.metadata?.resourceVersion).toBe(written);
    if (written) expect(v2.metadata?.managedFields?.map((e) => e.manager)).toEqual(['a', 'b']);
  });

  it('keeps status on main updates and spec on status updates', async () => {
    const { store } = setup();
    const v1 = await store.create('default', newPod({ name: 'a' }));
    const main = await store.update('default', { ...v1, status: { phase: 'Running' }, spec: { ...v1.spec, nodeName: 'n1' } });
    expect(main.status?.phase).toBe('Pending');
    const status = await store.update('default', { ...main, status: { phase: 'Running' }, spec: { ...main.spec, nodeName: 'other' } }, { subresource: 'status' });
    expect(status.status?.phase).toBe('Running');
    expect(status.spec?.nodeName).toBe('n1');
  });

  it('guaranteedUpdate retries when another writer wins', async () => {
    const { store } = setup();
    await store.create('default', newPod({ name: 'a' }));
    let raced = false;
    const out = await store.guaranteedUpdate('default', 'a', async (pod) => {
      if (!raced) {
        raced = true;
        const cur = await store.get('default', 'a');
        await store.update('default', { ...cur, metadata: { ...cur.metadata, annotations: { other: 'writer' } } });
      }
      return { ...pod, metadata: { ...pod.metadata, labels: { mine: 'yes' } } };
    });
    expect(out.metadata?.labels).toEqual({ mine: 'yes' });
    expect(out.metadata?.annotations).toEqual({ other: 'writer' });
  });
});

describe('Store delete', () => {
  it('deletes unbound pods at once', async () => {
    const { store } = setup();
    await store.create('default', newPod({ name: 'a' }));
    expect((await store.delete('default', 'a')).deleted).toBe(true);
    await expectRejects(store.get('default', 'a'), isNotFound);
  });

  it('deletes bound pods gracefully until a grace-0 delete', async () => {
    const { store } = setup();
    await store.create('default', newPod({ name: 'a', nodeName: 'n1' }));
    const first = await store.delete('default', 'a');
    expect(first.deleted).toBe(false);
    expect(first.object.metadata).toMatchObject({ deletionTimestamp: '2026-01-01T00:00:30Z', deletionGracePeriodSeconds: 30 });
    const shorter = await store.delete('default', 'a', { gracePeriodSeconds: 5 });
    expect(shorter.object.metadata?.deletionGracePeriodSeconds).toBe(5);
    const status = await store.update('default', { ...shorter.object, status: { phase: 'Running' } }, { subresource: 'status' });
    expect(status.metadata?.deletionTimestamp).toBe('2026-01-01T00:00:05Z');
    expect((await store.delete('default', 'a', { gracePeriodSeconds: 0 })).deleted).toBe(true);
    await expectRejects(store.get('default', 'a'), isNotFound);
  });

  it('holds deletion while finalizers remain, then removes on the last one', async () => {
    const { store } = setup();
    await store.create('default', { ...newPod({ name: 'a' }), metadata: { name: 'a', finalizers: ['example.com/hold'] } });
    const marked = await store.delete('default', 'a');
    expect(marked.deleted).toBe(false);
    expect(marked.object.metadata?.deletionTimestamp).toBeDefined();
    await expectRejects(store.update('default', { ...marked.object, metadata: { ...marked.object.metadata, finalizers: ['example.com/hold', 'example.com/new'] } }), isInvalid);
    await store.update('default', { ...marked.object, metadata: { ...marked.object.metadata, finalizers: [] } });
    await expectRejects(store.get('default', 'a'), isNotFound);
  });

  it.each([
    { desc: 'uid', pre: { uid: 'nope' } },
    { desc: 'resourceVersion', pre: { resourceVersion: '999' } },
  ])('enforces the $desc precondition', async ({ pre }) => {
    const { store } = setup();
    await store.create('default', newPod({ name: 'a' }));
    await expectRejects(store.delete('default', 'a', { preconditions: pre }), isConflict);
    expect(await store.get('default', 'a')).toBeDefined();
  });

  it('adds the orphan finalizer for propagationPolicy Orphan', async () => {
    const { store } = setup();
    await store.create('default', newPod({ name: 'a' }));
    const res = await store.delete('default', 'a', { propagationPolicy: 'Orphan' });
    expect(res.object.metadata?.finalizers).toEqual(['orphan']);
  });
});

describe('Store list and watch', () => {
  async function seed(store: Store<Pod>) {
    for (const [name, app, node] of [['a', 'web', 'n1'], ['b', 'web', 'n2'], ['c', 'db', 'n1'], ['d', 'web', 'n1']] as const) {
      await store.create('default', newPod({ name, labels: { app }, nodeName: node }));
    }
    await store.create('kube-system', newPod({ name: 'z', namespace: 'kube-system', labels: { app: 'web' } }));
  }

  it.each([
    { desc: 'everything in a namespace', ns: 'default', opts: {}, want: ['a', 'b', 'c', 'd'] },
    { desc: 'all namespaces', ns: undefined, opts: {}, want: ['a', 'b', 'c', 'd', 'z'] },
    { desc: 'label selector', ns: 'default', opts: { labelSelector: 'app=web' }, want: ['a', 'b', 'd'] },
    { desc: 'set-based selector', ns: 'default', opts: { labelSelector: 'app notin (web)' }, want: ['c'] },
    { desc: 'field selector', ns: 'default', opts: { fieldSelector: 'spec.nodeName=n1' }, want: ['a', 'c', 'd'] },
    { desc: 'both selectors', ns: 'default', opts: { labelSelector: 'app=web', fieldSelector: 'spec.nodeName!=n2' }, want: ['a', 'd'] },
  ])('lists: $desc', async ({ ns, opts, want }) => {
    const { store } = setup();
    await seed(store);
    expect((await store.list(ns, opts)).items.map((p) => p.metadata?.name)).toEqual(want);
  });

  it.each([
    { desc: 'unsupported field label', opts: { fieldSelector: 'spec.foo=x' }, msg: 'field label not supported: spec.foo' },
    { desc: 'malformed label selector', opts: { labelSelector: 'a in (b' }, msg: 'unable to parse requirement' },
    { desc: 'malformed continue token', opts: { continue: '!!' }, msg: 'continue key is not valid' },
  ])('rejects $desc with BadRequest', async ({ opts, msg }) => {
    const { store } = setup();
    await expect(store.list('default', opts)).rejects.toThrow(msg);
    await expectRejects(store.list('default', opts), isBadRequest);
  });

  it('pages with limit/continue at one resourceVersion', async () => {
    const { store } = setup();
    await seed(store);
    const p1 = await store.list(undefined, { limit: 2 });
    expect(p1.items.map((p) => p.metadata?.name)).toEqual(['a', 'b']);
    expect(p1.remainingItemCount).toBe(3);
    await store.create('default', newPod({ name: 'e' }));
    const p2 = await store.list(undefined, { limit: 2, continue: p1.continue });
    expect(p2.items.map((p) => p.metadata?.name)).toEqual(['c', 'd']);
    expect(p2.resourceVersion).toBe(p1.resourceVersion);
    const p3 = await store.list(undefined, { limit: 2, continue: p2.continue });
    expect(p3.items.map((p) => p.metadata?.name)).toEqual(['e', 'z']);
    expect(p3.continue).toBeUndefined();
  });

  it('expires continue tokens older than the compacted revision', async () => {
    const { store, storage } = setup();
    await seed(store);
    const p1 = await store.list(undefined, { limit: 1 });
    await store.create('default', newPod({ name: 'x' }));
    await storage.compact(await storage.currentRevision());
    await expectRejects(store.list(undefined, { limit: 1, continue: p1.continue }), isResourceExpired);
  });

  it('watches with initial ADDED events, then changes in order', async () => {
    const { store } = setup();
    await store.create('default', newPod({ name: 'a' }));
    const w = await store.watch('default', { resourceVersion: '0' });
    const v = await store.create('default', newPod({ name: 'b' }));
    await store.delete('default', 'b');
    const events = await collect(w, 3);
    w.stop();
    expect(events.map((e) => [e.type, e.object.metadata?.name])).toEqual([['ADDED', 'a'], ['ADDED', 'b'], ['DELETED', 'b']]);
    expect(events[1]?.object.metadata?.resourceVersion).toBe(v.metadata?.resourceVersion);
  });

  it('turns selector transitions into ADDED and DELETED, using the value before the watch started', async () => {
    const { store } = setup();
    const a = await store.create('default', newPod({ name: 'a', labels: { app: 'web' } }));
    const b = await store.create('default', newPod({ name: 'b', labels: { app: 'db' } }));
    const w = await store.watch('default', { resourceVersion: b.metadata?.resourceVersion, labelSelector: 'app=web' });
    const a2 = await store.update('default', { ...a, metadata: { ...a.metadata, labels: { app: 'db' } } });
    await store.update('default', { ...b, metadata: { ...b.metadata, labels: { app: 'web' } } });
    await store.update('default', { ...a2, metadata: { ...a2.metadata, labels: { app: 'db', tier: 'x' } } });
    const b2 = await store.get('default', 'b');
    await store.update('default', { ...b2, metadata: { ...b2.metadata, annotations: { n: '1' } } });
    const events = await collect(w, 3);
    w.stop();
    expect(events.map((e) => [e.type, e.object.metadata?.name])).toEqual([['DELETED', 'a'], ['ADDED', 'b'], ['MODIFIED', 'b']]);
  });

  it('ends the initial batch with an initial-events-end bookmark for sendInitialEvents', async () => {
    const { store } = setup();
    await store.create('default', newPod({ name: 'a' }));
    const w = await store.watch('default', { sendInitialEvents: true, allowBookmarks: true });
    const it = w[Symbol.asyncIterator]();
    expect((await it.next()).value?.type).toBe('ADDED');
    const bm = (await it.next()).value as ObjectEvent<Pod>;
    w.stop();
    expect(bm.type).toBe('BOOKMARK');
    expect(bm.object.metadata?.annotations).toEqual({ 'k8s.io/initial-events-end': 'true' });
  });

  it('rejects a watch from a compacted revision with Expired', async () => {
    const { store, storage } = setup();
    await store.create('default', newPod({ name: 'a' }));
    await store.create('default', newPod({ name: 'b' }));
    await storage.compact(2);
    await expectRejects(store.watch('default', { resourceVersion: '1' }), isResourceExpired);
  });
});
