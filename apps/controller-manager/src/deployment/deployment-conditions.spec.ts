import { intOrString, type Deployment, type DeploymentStatus, type ReplicaSet } from '@k8ts/api';
import { calculateStatus, deploymentComplete, deploymentProgressing, deploymentTimedOut, newCondition, setCondition } from './deployment-conditions';

const NOW = new Date('2026-01-01T00:10:00Z');

function deployment(status: DeploymentStatus = {}, generation = 1): Deployment {
  return {
    metadata: { name: 'web', namespace: 'ns', generation },
    spec: { replicas: 4, progressDeadlineSeconds: 600, strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: intOrString(1), maxUnavailable: intOrString(1) } } },
    status,
  };
}

function rs(replicas: number, status: ReplicaSet['status']): ReplicaSet {
  return { metadata: { name: 'r' }, spec: { replicas }, status };
}

describe('setCondition', () => {
  it('keeps the condition when status and reason are unchanged, and the transition time when only the reason changes', () => {
    const s: DeploymentStatus = {};
    setCondition(s, newCondition('Progressing', 'True', 'NewReplicaSetCreated', 'a', new Date('2026-01-01T00:00:00Z')));
    setCondition(s, newCondition('Progressing', 'True', 'NewReplicaSetCreated', 'b', new Date('2026-01-01T00:01:00Z')));
    expect(s.conditions?.[0]?.message).toBe('a');
    setCondition(s, newCondition('Progressing', 'True', 'ReplicaSetUpdated', 'c', new Date('2026-01-01T00:02:00Z')));
    expect(s.conditions).toEqual([
      { type: 'Progressing', status: 'True', reason: 'ReplicaSetUpdated', message: 'c', lastUpdateTime: '2026-01-01T00:02:00Z', lastTransitionTime: '2026-01-01T00:00:00Z' },
    ]);
    setCondition(s, newCondition('Progressing', 'False', 'ProgressDeadlineExceeded', 'd', new Date('2026-01-01T00:03:00Z')));
    expect(s.conditions?.[0]?.lastTransitionTime).toBe('2026-01-01T00:03:00Z');
  });
});

describe('calculateStatus', () => {
  it.each([
    {
      desc: 'minimum availability reached (4 - maxUnavailable 1)',
      rss: [rs(2, { replicas: 2, readyReplicas: 2, availableReplicas: 2 }), rs(2, { replicas: 2, readyReplicas: 1, availableReplicas: 1 })],
      want: { replicas: 4, updatedReplicas: 2, readyReplicas: 3, availableReplicas: 3, unavailableReplicas: 1 },
      available: ['True', 'MinimumReplicasAvailable'],
    },
    {
      desc: 'below minimum availability',
      rss: [rs(4, { replicas: 4, readyReplicas: 2, availableReplicas: 2 }), rs(0, {})],
      want: { replicas: 4, updatedReplicas: 0, readyReplicas: 2, availableReplicas: 2, unavailableReplicas: 2 },
      available: ['False', 'MinimumReplicasUnavailable'],
    },
  ])('$desc', ({ rss, want, available }) => {
    const s = calculateStatus(rss, rss[1], deployment(), NOW);
    expect(s).toMatchObject({ ...want, observedGeneration: 1 });
    const cond = s.conditions?.find((c) => c.type === 'Available');
    expect([cond?.status, cond?.reason]).toEqual(available);
  });
});

describe('progress checks', () => {
  it.each([
    { desc: 'complete', status: { updatedReplicas: 4, replicas: 4, availableReplicas: 4, observedGeneration: 1 }, want: true },
    { desc: 'old generation observed', status: { updatedReplicas: 4, replicas: 4, availableReplicas: 4, observedGeneration: 0 }, want: false },
    { desc: 'surge pod still there', status: { updatedReplicas: 4, replicas: 5, availableReplicas: 4, observedGeneration: 1 }, want: false },
  ])('deploymentComplete: $desc', ({ status, want }) => {
    expect(deploymentComplete(deployment(), status)).toBe(want);
  });

  it.each([
    { desc: 'more updated', old: { replicas: 4, updatedReplicas: 1 }, cur: { replicas: 4, updatedReplicas: 2 }, want: true },
    { desc: 'fewer old', old: { replicas: 5, updatedReplicas: 1 }, cur: { replicas: 4, updatedReplicas: 1 }, want: true },
    { desc: 'more available', old: { availableReplicas: 1 }, cur: { availableReplicas: 2 }, want: true },
    { desc: 'no change', old: { replicas: 4, updatedReplicas: 1, readyReplicas: 3 }, cur: { replicas: 4, updatedReplicas: 1, readyReplicas: 3 }, want: false },
  ])('deploymentProgressing: $desc', ({ old, cur, want }) => {
    expect(deploymentProgressing(deployment(old), cur)).toBe(want);
  });

  it.each([
    { desc: 'updated 9 minutes ago', reason: 'ReplicaSetUpdated', updated: '2026-01-01T00:01:00Z', want: false },
    { desc: 'updated 11 minutes ago', reason: 'ReplicaSetUpdated', updated: '2025-12-31T23:59:00Z', want: true },
    { desc: 'complete never times out', reason: 'NewReplicaSetAvailable', updated: '2025-12-31T00:00:00Z', want: false },
    { desc: 'already timed out', reason: 'ProgressDeadlineExceeded', updated: '2026-01-01T00:09:00Z', want: true },
  ])('deploymentTimedOut: $desc', ({ reason, updated, want }) => {
    const status: DeploymentStatus = { conditions: [{ type: 'Progressing', status: 'True', reason, lastUpdateTime: updated }] };
    expect(deploymentTimedOut(deployment(), status, NOW)).toBe(want);
  });
});
