import type { ReplicaSet } from '@k8ts/api';
import { maxScaledDown } from './rolling';

function rs(replicas: number, available = 0): ReplicaSet {
  return { spec: { replicas }, status: { availableReplicas: available } };
}

describe('maxScaledDown (old pods that may go now)', () => {
  it.each([
    { desc: 'new RS surged, nothing available yet: none', all: [rs(3, 3), rs(1, 0)], newIdx: 1, want: 3, maxUnavail: 0, expect: 0 },
    { desc: 'new pod available: one old may go', all: [rs(3, 3), rs(1, 1)], newIdx: 1, want: 3, maxUnavail: 0, expect: 1 },
    { desc: 'maxUnavailable 1 allows one more', all: [rs(3, 3), rs(1, 0)], newIdx: 1, want: 3, maxUnavail: 1, expect: 1 },
    { desc: 'unavailable new pods eat the budget', all: [rs(2, 2), rs(2, 0)], newIdx: 1, want: 3, maxUnavail: 1, expect: 0 },
  ])('$desc', ({ all, newIdx, want, maxUnavail, expect: e }) => {
    expect(maxScaledDown(all, all[newIdx] as ReplicaSet, want, maxUnavail)).toBe(e);
  });
});
