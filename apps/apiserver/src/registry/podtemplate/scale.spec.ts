import type { Deployment, ReplicaSet } from '@k8ts/api';
import { isBadRequest, isConflict } from '@k8ts/apimachinery';
import { deploymentStrategy } from '../deployments/strategy';
import type { Store } from '../generic/store';
import { replicaSetStrategy } from '../replicasets/strategy';
import { getScale, scaleFor, updateScale } from './scale';
import { invalidCauses, newDeployment, newReplicaSet, newStore } from './test-fixtures';

describe.each([
  { desc: 'ReplicaSet', make: () => newStore(replicaSetStrategy) as Store<ReplicaSet | Deployment>, obj: newReplicaSet },
  { desc: 'Deployment', make: () => newStore(deploymentStrategy) as Store<ReplicaSet | Deployment>, obj: newDeployment },
])('scale of a $desc', ({ make, obj }) => {
  let store: Store<ReplicaSet | Deployment>;
  beforeEach(async () => {
    store = make();
    const o = obj();
    o.spec!.selector = { matchLabels: { app: 'web' }, matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['db'] }] };
    await store.create('default', o);
  });

  it('reads replicas and the selector', async () => {
    const current = await store.get('default', 'web');
    const scale = await getScale(store, 'default', 'web');
    expect(scale).toEqual({
      metadata: {
        name: 'web',
        namespace: 'default',
        uid: current.metadata!.uid,
        resourceVersion: current.metadata!.resourceVersion,
        creationTimestamp: current.metadata!.creationTimestamp,
      },
      spec: { replicas: 2 },
      status: { replicas: 0, selector: 'app=web,tier notin (db)' },
    });
  });

  it('sets spec.replicas', async () => {
    const scale = await getScale(store, 'default', 'web');
    const updated = await updateScale(store, 'default', 'web', { ...scale, spec: { replicas: 5 } });
    expect(updated.spec!.replicas).toBe(5);
    expect(updated.metadata!.resourceVersion).not.toBe(scale.metadata!.resourceVersion);
    const stored = await store.get('default', 'web');
    expect(stored.spec!.replicas).toBe(5);
    expect(stored.metadata!.generation).toBe(2);
  });

  it('accepts a scale without a resourceVersion', async () => {
    await expect(updateScale(store, 'default', 'web', { spec: { replicas: 0 } })).resolves.toMatchObject({ spec: { replicas: 0 } });
  });

  it('fails with Conflict for a stale resourceVersion', async () => {
    const scale = await getScale(store, 'default', 'web');
    await updateScale(store, 'default', 'web', { ...scale, spec: { replicas: 3 } });
    const err = await updateScale(store, 'default', 'web', { ...scale, spec: { replicas: 4 } }).catch((e) => e);
    expect(isConflict(err)).toBe(true);
    expect(err.message).toContain('the object has been modified');
    expect((await store.get('default', 'web')).spec!.replicas).toBe(3);
  });

  it('fails with Conflict for another uid', async () => {
    const err = await updateScale(store, 'default', 'web', { metadata: { uid: 'nope' }, spec: { replicas: 1 } }).catch((e) => e);
    expect(isConflict(err)).toBe(true);
    expect(err.message).toContain('Precondition failed: UID');
  });

  it('rejects negative replicas at spec.replicas', async () => {
    expect(await invalidCauses(updateScale(store, 'default', 'web', { spec: { replicas: -1 } }))).toEqual(['spec.replicas: FieldValueInvalid']);
  });

  it('rejects a name that differs from the target', async () => {
    const err = await updateScale(store, 'default', 'web', { metadata: { name: 'other' }, spec: { replicas: 1 } }).catch((e) => e);
    expect(isBadRequest(err)).toBe(true);
  });
});

describe('scaleFor', () => {
  it('renders a missing selector as the empty string', () => {
    expect(scaleFor({ metadata: { name: 'x' } }).status).toEqual({ replicas: 0, selector: '' });
  });
});
