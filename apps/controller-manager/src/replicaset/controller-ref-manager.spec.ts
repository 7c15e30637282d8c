import type { Pod } from '@k8ts/api';
import { selectorFromSet } from '@k8ts/apimachinery';
import { planClaims, withControllerRef, withoutOwnerRef } from './controller-ref-manager';

const owner = { metadata: { name: 'web', namespace: 'ns', uid: 'rs-1' } };
const ref = { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web', uid: 'rs-1', controller: true, blockOwnerDeletion: true };

function pod(name: string, labels: Record<string, string>, ownerUid?: string, extra: Partial<Pod['metadata']> = {}): Pod {
  return { metadata: { name, namespace: 'ns', labels, ...(ownerUid ? { ownerReferences: [{ ...ref, uid: ownerUid }] } : {}), ...extra } };
}

describe('planClaims', () => {
  it.each([
    { desc: 'owned and matching: owned', pod: pod('a', { app: 'web' }, 'rs-1'), ownerDeleting: false, want: 'owned' },
    { desc: 'owned, not matching: release', pod: pod('a', { app: 'x' }, 'rs-1'), ownerDeleting: false, want: 'release' },
    { desc: 'owned, not matching, owner deleting: nothing', pod: pod('a', { app: 'x' }, 'rs-1'), ownerDeleting: true, want: 'none' },
    { desc: 'orphan matching: adopt', pod: pod('a', { app: 'web' }), ownerDeleting: false, want: 'adopt' },
    { desc: 'orphan, owner deleting: nothing', pod: pod('a', { app: 'web' }), ownerDeleting: true, want: 'none' },
    { desc: 'orphan terminating: nothing', pod: pod('a', { app: 'web' }, undefined, { deletionTimestamp: '2026-01-01T00:00:00Z' }), ownerDeleting: false, want: 'none' },
    { desc: 'orphan in another namespace: nothing', pod: pod('a', { app: 'web' }, undefined, { namespace: 'other' }), ownerDeleting: false, want: 'none' },
    { desc: "someone else's: nothing", pod: pod('a', { app: 'web' }, 'rs-2'), ownerDeleting: false, want: 'none' },
  ])('$desc', ({ pod: p, ownerDeleting, want }) => {
    const o = ownerDeleting ? { metadata: { ...owner.metadata, deletionTimestamp: '2026-01-01T00:00:00Z' } } : owner;
    const plan = planClaims(o, selectorFromSet({ app: 'web' }), [p]);
    const got = plan.owned.length ? 'owned' : plan.adopt.length ? 'adopt' : plan.release.length ? 'release' : 'none';
    expect(got).toBe(want);
  });

  it('adds and removes the controller ref on copies', () => {
    const orphan = pod('a', { app: 'web' }, undefined, { ownerReferences: [{ apiVersion: 'v1', kind: 'Other', name: 'o', uid: 'o-1' }] });
    const adopted = withControllerRef(orphan, ref);
    expect(adopted.metadata?.ownerReferences?.map((r) => r.uid)).toEqual(['o-1', 'rs-1']);
    expect(orphan.metadata?.ownerReferences).toHaveLength(1);
    expect(withoutOwnerRef(adopted, 'rs-1').metadata?.ownerReferences?.map((r) => r.uid)).toEqual(['o-1']);
    expect(withoutOwnerRef(pod('b', {}, 'rs-1'), 'rs-1').metadata?.ownerReferences).toBeUndefined();
  });
});
