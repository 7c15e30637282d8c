import { intOrString, type Deployment, type ReplicaSet } from '@k8ts/api';
import {
  findActiveOrLatest,
  findNewReplicaSet,
  findOldReplicaSets,
  maxSurge,
  maxUnavailable,
  newRSNewReplicas,
  replicaSetProportion,
  resolveFenceposts,
  setNewReplicaSetAnnotations,
} from './deployment-util';

function deployment(replicas: number, surge?: number | string, unavailable?: number | string, extra: Partial<Deployment> = {}): Deployment {
  return {
    metadata: { name: 'web', namespace: 'ns', uid: 'd-1', ...extra.metadata },
    spec: {
      replicas,
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: surge === undefined ? undefined : intOrString(surge), maxUnavailable: unavailable === undefined ? undefined : intOrString(unavailable) } },
      template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'app', image: 'v1' }] } },
    },
    status: extra.status,
  };
}

function rs(name: string, replicas: number, opts: { created?: string; image?: string; annotations?: Record<string, string>; available?: number } = {}): ReplicaSet {
  return {
    metadata: { name, namespace: 'ns', uid: `uid-${name}`, creationTimestamp: opts.created ?? '2026-01-01T00:00:00Z', annotations: opts.annotations },
    spec: { replicas, template: { metadata: { labels: { app: 'web', 'pod-template-hash': name } }, spec: { containers: [{ name: 'app', image: opts.image ?? 'v1' }] } } },
    status: { availableReplicas: opts.available ?? 0 },
  };
}

describe('resolveFenceposts / maxSurge / maxUnavailable', () => {
  it.each([
    { desc: '25%/25% of 10: surge rounds up, unavailable down', replicas: 10, surge: '25%', unavailable: '25%', want: { maxSurge: 3, maxUnavailable: 2 } },
    { desc: '25%/25% of 3', replicas: 3, surge: '25%', unavailable: '25%', want: { maxSurge: 1, maxUnavailable: 0 } },
    { desc: '25%/25% of 1', replicas: 1, surge: '25%', unavailable: '25%', want: { maxSurge: 1, maxUnavailable: 0 } },
    { desc: 'absolute', replicas: 5, surge: 2, unavailable: 1, want: { maxSurge: 2, maxUnavailable: 1 } },
    { desc: 'both 0 after rounding: unavailable 1', replicas: 3, surge: 0, unavailable: '10%', want: { maxSurge: 0, maxUnavailable: 1 } },
    { desc: 'unavailable capped at replicas', replicas: 2, surge: 0, unavailable: 5, want: { maxSurge: 0, maxUnavailable: 2 } },
  ])('$desc', ({ replicas, surge, unavailable, want }) => {
    const d = deployment(replicas, surge, unavailable);
    expect({ maxSurge: maxSurge(d), maxUnavailable: maxUnavailable(d) }).toEqual(want);
  });

  it('is 0 for Recreate and for 0 replicas (unavailable)', () => {
    const d = deployment(4, 1, 1);
    d.spec = { ...d.spec, strategy: { type: 'Recreate' } };
    expect([maxSurge(d), maxUnavailable(d)]).toEqual([0, 0]);
    expect(maxUnavailable(deployment(0, 1, 1))).toBe(0);
    expect(resolveFenceposts(deployment(0, 0, 0), 0)).toEqual({ maxSurge: 0, maxUnavailable: 1 });
  });
});

describe('newRSNewReplicas', () => {
  it.each([
    { desc: 'fresh rollout of 3 with surge 1', d: 3, surge: 1, old: 3, newR: 0, want: 1 },
    { desc: 'at the surge limit: unchanged', d: 3, surge: 1, old: 3, newR: 1, want: 1 },
    { desc: 'old scaled down: grow to fill', d: 3, surge: 1, old: 1, newR: 1, want: 3 },
    { desc: 'never past spec.replicas', d: 3, surge: 5, old: 0, newR: 0, want: 3 },
    { desc: 'percent surge rounds up', d: 10, surge: '25%', old: 10, newR: 0, want: 3 },
  ])('$desc', ({ d, surge, old, newR, want }) => {
    const dep = deployment(d, surge, 0);
    const n = rs('new', newR);
    expect(newRSNewReplicas(dep, [rs('old', old), n], n)).toBe(want);
  });

  it('is spec.replicas for Recreate', () => {
    const d = deployment(4);
    d.spec = { ...d.spec, strategy: { type: 'Recreate' } };
    expect(newRSNewReplicas(d, [], rs('new', 0))).toBe(4);
  });
});

describe('replicaSetProportion', () => {
  it.each([
    { desc: 'scale up 10→15 (max 11→16): 6 of 10 replicas get 3', rsReplicas: 6, max: 11, d: 15, toAdd: 5, added: 0, want: 3 },
    { desc: 'scale up: 4 of 10 replicas get 2', rsReplicas: 4, max: 11, d: 15, toAdd: 5, added: 3, want: 2 },
    { desc: 'capped by what is left', rsReplicas: 6, max: 11, d: 15, toAdd: 5, added: 4, want: 1 },
    { desc: 'scale down 10→5: 6 lose 3', rsReplicas: 6, max: 11, d: 5, toAdd: -5, added: 0, want: -3 },
    { desc: 'deployment to 0: all go', rsReplicas: 6, max: 11, d: 0, toAdd: -10, added: 0, want: -6 },
    { desc: 'empty ReplicaSet: nothing', rsReplicas: 0, max: 11, d: 15, toAdd: 5, added: 0, want: 0 },
  ])('$desc', ({ rsReplicas, max, d, toAdd, added, want }) => {
    const r = rs('a', rsReplicas, { annotations: { 'deployment.kubernetes.io/max-replicas': String(max) } });
    expect(replicaSetProportion(r, deployment(d, 1, 0), toAdd, added)).toBe(want);
  });
});

describe('finding ReplicaSets', () => {
  it('finds the new ReplicaSet by template (oldest first) and the old ones', () => {
    const d = deployment(3);
    const a = rs('a', 0, { image: 'v0', created: '2026-01-01T00:00:00Z' });
    const b = rs('b', 2, { image: 'v1', created: '2026-01-01T00:01:00Z' });
    const c = rs('c', 1, { image: 'v1', created: '2026-01-01T00:02:00Z' });
    expect(findNewReplicaSet(d, [c, a, b])?.metadata?.name).toBe('b');
    const old = findOldReplicaSets(d, [a, b, c]);
    expect(old.all.map((r) => r.metadata?.name)).toEqual(['a', 'c']);
    expect(old.withPods.map((r) => r.metadata?.name)).toEqual(['c']);
  });

  it.each([
    { desc: 'the only active one', newR: 0, old: [3, 0], want: 'old0' },
    { desc: 'none active: the new one', newR: 0, old: [0, 0], want: 'new' },
    { desc: 'several active: none', newR: 1, old: [2], want: undefined },
  ])('findActiveOrLatest: $desc', ({ newR, old, want }) => {
    const olds = old.map((n, i) => rs(`old${i}`, n, { created: `2026-01-01T00:0${i}:00Z` }));
    expect(findActiveOrLatest(rs('new', newR, { created: '2026-01-01T00:09:00Z' }), olds)?.metadata?.name).toBe(want);
  });
});

describe('setNewReplicaSetAnnotations', () => {
  it('copies deployment annotations, sets the revision and replicas annotations', () => {
    const d = deployment(3, 1, 0, { metadata: { annotations: { team: 'a', 'deployment.kubernetes.io/revision': '7', 'kubectl.kubernetes.io/last-applied-configuration': '{}' } } });
    const r = rs('n', 0);
    expect(setNewReplicaSetAnnotations(d, r, '2', false)).toBe(true);
    expect(r.metadata?.annotations).toEqual({ team: 'a', 'deployment.kubernetes.io/revision': '2', 'deployment.kubernetes.io/desired-replicas': '3', 'deployment.kubernetes.io/max-replicas': '4' });
    expect(setNewReplicaSetAnnotations(d, r, '2', true)).toBe(false);
  });

  it('keeps the old revisions in revision-history when an old ReplicaSet becomes new again', () => {
    const d = deployment(3);
    const r = rs('n', 0, { annotations: { 'deployment.kubernetes.io/revision': '1' } });
    setNewReplicaSetAnnotations(d, r, '3', true);
    expect(r.metadata?.annotations?.['deployment.kubernetes.io/revision-history']).toBe('1');
    setNewReplicaSetAnnotations(d, r, '5', true);
    expect(r.metadata?.annotations).toMatchObject({ 'deployment.kubernetes.io/revision': '5', 'deployment.kubernetes.io/revision-history': '1,3' });
    setNewReplicaSetAnnotations(d, r, '4', true);
    expect(r.metadata?.annotations?.['deployment.kubernetes.io/revision']).toBe('5');
  });
});
