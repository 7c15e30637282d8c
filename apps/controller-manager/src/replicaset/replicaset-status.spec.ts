import type { Pod, ReplicaSet } from '@k8ts/api';
import { calculateReplicaSetStatus } from './replicaset-status';

const NOW = new Date('2026-01-01T00:01:00Z');
const rs: ReplicaSet = {
  metadata: { name: 'web', namespace: 'ns', generation: 2 },
  spec: { replicas: 3, minReadySeconds: 10, template: { metadata: { labels: { app: 'web', v: '1' } } } },
};

function pod(labels: Record<string, string>, readySince?: string): Pod {
  return { metadata: { labels }, status: readySince ? { conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: readySince }] } : {} };
}

describe('calculateReplicaSetStatus', () => {
  it.each([
    { desc: 'no pods', pods: [], want: { replicas: 0, fullyLabeledReplicas: 0, readyReplicas: 0, availableReplicas: 0 } },
    {
      desc: 'labels, readiness and availability after minReadySeconds',
      pods: [pod({ app: 'web', v: '1' }, '2026-01-01T00:00:00Z'), pod({ app: 'web' }, '2026-01-01T00:00:55Z'), pod({ app: 'web', v: '1' })],
      want: { replicas: 3, fullyLabeledReplicas: 2, readyReplicas: 2, availableReplicas: 1 },
    },
  ])('$desc', ({ pods, want }) => {
    expect(calculateReplicaSetStatus(rs, pods, undefined, NOW)).toMatchObject(want);
  });

  it.each([
    { desc: 'create failure', diff: -2, reason: 'FailedCreate' },
    { desc: 'delete failure', diff: 1, reason: 'FailedDelete' },
  ])('sets ReplicaFailure on a $desc and clears it afterwards', ({ diff, reason }) => {
    const failed = calculateReplicaSetStatus(rs, [], { diff, message: 'boom' }, NOW);
    expect(failed.conditions).toEqual([{ type: 'ReplicaFailure', status: 'True', reason, message: 'boom', lastTransitionTime: '2026-01-01T00:01:00Z' }]);
    const again = calculateReplicaSetStatus({ ...rs, status: failed }, [], { diff, message: 'other' }, NOW);
    expect(again.conditions?.[0]?.message).toBe('boom');
    expect(calculateReplicaSetStatus({ ...rs, status: failed }, [], undefined, NOW).conditions).toBeUndefined();
  });
});
