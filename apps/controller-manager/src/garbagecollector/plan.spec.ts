import type { OwnerReference } from '@k8ts/api';
import type { KubeObject } from '@k8ts/client';
import { classifyOwners, type DependentAction, type OwnerState, planDependent, planForegroundOwner, planOrphan, withoutFinalizer } from './plan';

const ref = (uid: string, block = false): OwnerReference => ({ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: `rs-${uid}`, uid, controller: true, ...(block ? { blockOwnerDeletion: true } : {}) });

function obj(o: { refs?: OwnerReference[]; deleting?: boolean; finalizers?: string[] } = {}): KubeObject {
  return {
    metadata: {
      name: 'p',
      namespace: 'default',
      uid: 'p-uid',
      ownerReferences: o.refs,
      finalizers: o.finalizers,
      ...(o.deleting ? { deletionTimestamp: '2024-01-01T00:00:00Z' } : {}),
    },
  };
}

describe('planDependent', () => {
  it.each<{ desc: string; item: KubeObject; states: Record<string, OwnerState>; hasDependents?: boolean; want: DependentAction }>([
    { desc: 'no owners: nothing to do', item: obj(), states: {}, want: { action: 'none', why: 'no-owners' } },
    { desc: 'owner present: nothing to do', item: obj({ refs: [ref('a')] }), states: { a: 'present' }, want: { action: 'none', why: 'owners-alive' } },
    { desc: 'owner of unknown state counts as present', item: obj({ refs: [ref('a')] }), states: { a: 'unknown' }, want: { action: 'none', why: 'owners-alive' } },
    { desc: 'only owner gone: background delete', item: obj({ refs: [ref('a')] }), states: { a: 'absent' }, want: { action: 'delete', policy: 'Background' } },
    {
      desc: 'all owners gone: background delete',
      item: obj({ refs: [ref('a'), ref('b')] }),
      states: { a: 'absent', b: 'absent' },
      want: { action: 'delete', policy: 'Background' },
    },
    {
      desc: 'one owner gone, one alive: drop the dangling reference only',
      item: obj({ refs: [ref('a'), ref('b')] }),
      states: { a: 'absent', b: 'present' },
      want: { action: 'removeOwnerReferences', uids: ['a'] },
    },
    {
      desc: 'owner deleting in the foreground, another alive: drop the waiting reference',
      item: obj({ refs: [ref('a'), ref('b')] }),
      states: { a: 'deletingDependents', b: 'present' },
      want: { action: 'removeOwnerReferences', uids: ['a'] },
    },
    {
      desc: 'owner deleting in the foreground, no dependents of our own: background delete',
      item: obj({ refs: [ref('a', true)] }),
      states: { a: 'deletingDependents' },
      want: { action: 'delete', policy: 'Background' },
    },
    {
      desc: 'owner deleting in the foreground and we own things: foreground delete',
      item: obj({ refs: [ref('a', true)] }),
      states: { a: 'deletingDependents' },
      hasDependents: true,
      want: { action: 'delete', policy: 'Foreground' },
    },
    { desc: 'already terminating: left alone', item: obj({ refs: [ref('a')], deleting: true }), states: { a: 'absent' }, want: { action: 'none', why: 'being-deleted' } },
    {
      desc: 'its own orphan finalizer decides the policy',
      item: obj({ refs: [ref('a')], finalizers: ['orphan'] }),
      states: { a: 'absent' },
      want: { action: 'delete', policy: 'Orphan' },
    },
  ])('$desc', ({ item, states, hasDependents, want }) => {
    const owners = classifyOwners(item.metadata?.ownerReferences ?? [], (r) => states[r.uid ?? ''] ?? 'unknown');
    expect(planDependent(item, owners, hasDependents ?? false)).toEqual(want);
  });
});

describe('planForegroundOwner', () => {
  it.each([
    { desc: 'no dependents: remove the finalizer', deps: [], want: 'removeFinalizer', deleteNow: 0 },
    { desc: 'only non-blocking dependents: remove the finalizer', deps: [{ obj: obj(), ref: ref('o') }], want: 'removeFinalizer', deleteNow: 0 },
    { desc: 'a blocking dependent: wait and delete it', deps: [{ obj: obj(), ref: ref('o', true) }], want: 'wait', deleteNow: 1 },
    { desc: 'a blocking dependent already terminating: just wait', deps: [{ obj: obj({ deleting: true }), ref: ref('o', true) }], want: 'wait', deleteNow: 0 },
    {
      desc: 'blocking and non-blocking: delete both, wait for the blocking one',
      deps: [
        { obj: obj(), ref: ref('o', true) },
        { obj: obj(), ref: ref('o') },
      ],
      want: 'wait',
      deleteNow: 2,
    },
  ])('$desc', ({ deps, want, deleteNow }) => {
    const plan = planForegroundOwner(deps);
    expect(plan.action).toBe(want);
    expect(plan.action === 'wait' ? plan.deleteNow.length : 0).toBe(deleteNow);
  });
});

describe('planOrphan / withoutFinalizer', () => {
  it('drops only the orphaning owner and never touches the input', () => {
    const dep = obj({ refs: [ref('a'), ref('b')] });
    const [out] = planOrphan('a', [{ kind: 'Pod', obj: dep }, { kind: 'Pod', obj: obj({ refs: [ref('c')] }) }]);
    expect(out?.obj.metadata?.ownerReferences?.map((r) => r.uid)).toEqual(['b']);
    expect(dep.metadata?.ownerReferences).toHaveLength(2);
  });

  it('removes one finalizer and keeps the others', () => {
    const o = obj({ finalizers: ['orphan', 'example.com/x'] });
    expect(withoutFinalizer(o, 'orphan').metadata?.finalizers).toEqual(['example.com/x']);
    expect(o.metadata?.finalizers).toHaveLength(2);
  });
});
