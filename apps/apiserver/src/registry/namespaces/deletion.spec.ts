import type { DeleteOptions, Endpoints, Namespace } from '@k8ts/api';
import { MemoryStorage } from '../../storage/memory-storage';
import { endpointsStrategy } from '../endpoints/strategy';
import { Store } from '../generic/store';
import {
  type NamespaceDeleteOps,
  deleteNamespace,
  finalizeNamespace,
  markTerminating,
  planNamespaceDelete,
  shouldDeleteNamespaceDuringUpdate,
} from './deletion';
import { NamespaceLifecycle } from './lifecycle';
import { namespaceFinalizeStrategy, namespaceStrategy } from './strategy';

const NOW = '2024-05-01T10:00:00Z';
const active = (): Namespace => ({
  metadata: { name: 'team-a', uid: 'u1', resourceVersion: '7' },
  spec: { finalizers: ['kubernetes'] },
  status: { phase: 'Active' },
});

describe('markTerminating', () => {
  it.each<{ desc: string; options: DeleteOptions; finalizers?: string[]; want: string[] | undefined }>([
    { desc: 'no options add no finalizer', options: {}, want: undefined },
    { desc: 'Orphan adds orphan', options: { propagationPolicy: 'Orphan' }, want: ['orphan'] },
    { desc: 'Foreground adds foregroundDeletion', options: { propagationPolicy: 'Foreground' }, want: ['foregroundDeletion'] },
    { desc: 'orphanDependents=true adds orphan', options: { orphanDependents: true }, want: ['orphan'] },
    { desc: 'Background removes an orphan finalizer', options: { propagationPolicy: 'Background' }, finalizers: ['orphan', 'example.com/x'], want: ['example.com/x'] },
    { desc: 'existing finalizers stay without options', options: {}, finalizers: ['orphan'], want: ['orphan'] },
  ])('$desc', ({ options, finalizers, want }) => {
    const ns = active();
    if (finalizers) ns.metadata!.finalizers = finalizers;
    const next = markTerminating(ns, NOW, options);
    expect(next.metadata?.deletionTimestamp).toBe(NOW);
    expect(next.status?.phase).toBe('Terminating');
    expect(next.metadata?.finalizers).toEqual(want);
    expect(ns.metadata?.deletionTimestamp).toBeUndefined();
  });

  it('keeps an existing deletionTimestamp', () => {
    const ns = active();
    ns.metadata!.deletionTimestamp = '2024-01-01T00:00:00Z';
    expect(markTerminating(ns, NOW).metadata?.deletionTimestamp).toBe('2024-01-01T00:00:00Z');
  });
});

describe('finalizeNamespace', () => {
  it('removes only the kubernetes finalizer', () => {
    const ns = active();
    ns.spec!.finalizers = ['example.com/x', 'kubernetes'];
    expect(finalizeNamespace(ns).spec?.finalizers).toEqual(['example.com/x']);
    expect(ns.spec?.finalizers).toEqual(['example.com/x', 'kubernetes']);
  });
});

describe('planNamespaceDelete', () => {
  const terminating = (specFinalizers: string[]): Namespace => ({
    ...markTerminating(active(), NOW),
    spec: { finalizers: specFinalizers },
  });

  it.each<{ desc: string; ns: Namespace; options: DeleteOptions; want: string }>([
    { desc: 'an active namespace is marked terminating', ns: active(), options: {}, want: 'terminate' },
    { desc: 'a terminating namespace with spec finalizers waits', ns: terminating(['kubernetes']), options: {}, want: 'wait' },
    { desc: 'a finalized namespace is deleted', ns: terminating([]), options: {}, want: 'delete' },
    { desc: 'a matching UID precondition passes', ns: active(), options: { preconditions: { uid: 'u1' } }, want: 'terminate' },
  ])('$desc', ({ ns, options, want }) => {
    expect(planNamespaceDelete(ns, options, NOW).action).toBe(want);
  });

  it.each([
    { desc: 'a wrong UID', options: { preconditions: { uid: 'other' } }, message: 'Precondition failed: UID in precondition: other, UID in object meta: u1' },
    { desc: 'a stale resourceVersion', options: { preconditions: { resourceVersion: '3' } }, message: 'Precondition failed: ResourceVersion in precondition: 3, ResourceVersion in object meta: 7' },
  ])('rejects $desc with a Conflict', ({ options, message }) => {
    expect(() => planNamespaceDelete(active(), options, NOW)).toThrow(message);
  });
});

describe('shouldDeleteNamespaceDuringUpdate', () => {
  it.each([
    { desc: 'not terminating', old: active(), next: { ...active(), spec: { finalizers: [] } }, want: false },
    { desc: 'terminating with spec finalizers', old: markTerminating(active(), NOW), next: markTerminating(active(), NOW), want: false },
    { desc: 'terminating and finalized', old: markTerminating(active(), NOW), next: finalizeNamespace(markTerminating(active(), NOW)), want: true },
    {
      desc: 'finalized but a metadata finalizer left',
      old: markTerminating(active(), NOW, { propagationPolicy: 'Orphan' }),
      next: finalizeNamespace(markTerminating(active(), NOW, { propagationPolicy: 'Orphan' })),
      want: false,
    },
  ])('$desc', ({ old, next, want }) => {
    expect(shouldDeleteNamespaceDuringUpdate(next, old)).toBe(want);
  });
});

describe('deleting a namespace end to end with the current store', () => {
  const codec = <T>() => ({ encode: (o: T) => Buffer.from(JSON.stringify(o)), decode: (b: Uint8Array) => JSON.parse(Buffer.from(b).toString()) as T });

  async function setup() {
    const storage = new MemoryStorage();
    const nsCodec = codec<Namespace>();
    const getter = async (name: string) => nsStore.get(undefined, name).catch(() => undefined);
    const lifecycle = new NamespaceLifecycle(getter);
    const nsStore: Store<Namespace> = new Store<Namespace>(namespaceStrategy, storage, nsCodec, [lifecycle]);
    const finalizeStore = new Store<Namespace>(namespaceFinalizeStrategy, storage, nsCodec);
    const epStore = new Store<Endpoints>(endpointsStrategy, storage, codec<Endpoints>(), [lifecycle]);
    // The wiring's job: a compare-and-set write that keeps deletionTimestamp.
    const ops: NamespaceDeleteOps = {
      get: (name) => nsStore.get(undefined, name),
      admitDelete: (ns, dryRun) =>
        lifecycle.admit({ operation: 'DELETE', resource: 'namespaces', subresource: '', name: ns.metadata?.name, dryRun }, ns),
      writeTerminating: async (next) => {
        const name = next.metadata!.name!;
        await nsStore.wrap(() =>
          storage.update(nsStore.key(undefined, name), Number(next.metadata!.resourceVersion), (rev) =>
            nsCodec.encode({ ...next, metadata: { ...next.metadata, resourceVersion: String(rev) } }),
          ),
        );
        return nsStore.get(undefined, name);
      },
      delete: (name, options) => nsStore.delete(undefined, name, options),
    };
    await nsStore.create(undefined, { metadata: { name: 'team-a' } });
    await epStore.create('team-a', { metadata: { name: 'web' } });
    return { nsStore, finalizeStore, epStore, ops };
  }

  it('marks, refuses new content, waits for finalization, then removes', async () => {
    const { nsStore, finalizeStore, epStore, ops } = await setup();

    const first = await deleteNamespace(ops, 'team-a', {}, () => NOW);
    expect(first.deleted).toBe(false);
    expect(first.object.metadata?.deletionTimestamp).toBe(NOW);
    expect(first.object.status?.phase).toBe('Terminating');

    await expect(epStore.create('team-a', { metadata: { name: 'late' } })).rejects.toMatchObject({ status: { code: 403 } });

    const again = await deleteNamespace(ops, 'team-a', {}, () => NOW);
    expect(again).toEqual({ object: expect.objectContaining({ spec: { finalizers: ['kubernetes'] } }), deleted: false });

    // The namespace controller empties the namespace, then finalizes it.
    await epStore.delete('team-a', 'web');
    await finalizeStore.guaranteedUpdate(undefined, 'team-a', (ns) => finalizeNamespace(ns));
    await expect(nsStore.get(undefined, 'team-a')).rejects.toMatchObject({ status: { reason: 'NotFound' } });
  });

  it('deletes a finalized namespace that is still there', async () => {
    const { nsStore, ops } = await setup();
    await deleteNamespace(ops, 'team-a', {}, () => NOW);
    // Without the store hook the finalize write already removes it; simulate
    // a namespace whose finalizers were cleared while a GC finalizer held it.
    const current = await nsStore.get(undefined, 'team-a');
    await ops.writeTerminating({ ...current, spec: { finalizers: [] } }, false);
    await expect(deleteNamespace(ops, 'team-a')).resolves.toMatchObject({ deleted: true });
  });

  it('refuses to delete kube-system', async () => {
    const { nsStore, ops } = await setup();
    await nsStore.create(undefined, { metadata: { name: 'kube-system' } });
    await expect(deleteNamespace(ops, 'kube-system')).rejects.toMatchObject({ status: { code: 403 } });
    expect((await nsStore.get(undefined, 'kube-system')).metadata?.deletionTimestamp).toBeUndefined();
  });

  it('writes nothing on a dry run', async () => {
    const { nsStore, ops } = await setup();
    const res = await deleteNamespace(ops, 'team-a', { dryRun: ['All'] }, () => NOW);
    expect(res.object.status?.phase).toBe('Terminating');
    expect((await nsStore.get(undefined, 'team-a')).status?.phase).toBe('Active');
  });

  it('reports a failed precondition as a Conflict', async () => {
    const { ops } = await setup();
    await expect(deleteNamespace(ops, 'team-a', { preconditions: { uid: 'nope' } })).rejects.toMatchObject({ status: { reason: 'Conflict' } });
  });
});
