import type { ReplicaSet } from '@k8ts/api';
import { path } from '@k8ts/apimachinery';
import type { Store } from '../generic/store';
import { invalidCauses, newReplicaSet, newStore, summarize } from '../podtemplate/test-fixtures';
import { setReplicaSetDefaults } from './defaults';
import { replicaSetFields, replicaSetStrategy } from './strategy';
import { validateReplicaSet, validateReplicaSetStatus } from './validation';

function defaulted(mutate: (rs: ReplicaSet) => void = () => undefined): ReplicaSet {
  const rs = newReplicaSet();
  mutate(rs);
  setReplicaSetDefaults(rs);
  return rs;
}

describe('ReplicaSet defaults', () => {
  it('defaults replicas to 1 and the template spec', () => {
    const rs = defaulted((r) => delete r.spec!.replicas);
    expect(rs.spec!.replicas).toBe(1);
    expect(rs.spec!.template!.spec).toMatchObject({ restartPolicy: 'Always', dnsPolicy: 'ClusterFirst' });
    expect(rs.spec!.template!.spec!.containers![0].imagePullPolicy).toBe('IfNotPresent');
  });

  it('keeps 0 replicas and does not derive a selector', () => {
    const rs = defaulted((r) => {
      r.spec!.replicas = 0;
      delete r.spec!.selector;
    });
    expect(rs.spec!.replicas).toBe(0);
    expect(rs.spec!.selector).toBeUndefined();
  });
});

describe('validateReplicaSet', () => {
  it('accepts a valid replica set', () => {
    expect(validateReplicaSet(defaulted())).toEqual([]);
  });

  it.each([
    { desc: 'negative replicas', mutate: (r: ReplicaSet) => (r.spec!.replicas = -1), want: ['spec.replicas: FieldValueInvalid'] },
    { desc: 'negative minReadySeconds', mutate: (r: ReplicaSet) => (r.spec!.minReadySeconds = -1), want: ['spec.minReadySeconds: FieldValueInvalid'] },
    {
      desc: 'a missing selector',
      mutate: (r: ReplicaSet) => delete r.spec!.selector,
      want: ['spec.selector: FieldValueRequired', 'spec.template.metadata.labels: FieldValueInvalid'],
    },
    { desc: 'an empty selector', mutate: (r: ReplicaSet) => (r.spec!.selector = {}), want: ['spec.selector: FieldValueInvalid'] },
    {
      desc: 'a selector that does not match the template',
      mutate: (r: ReplicaSet) => (r.spec!.selector = { matchLabels: { app: 'db' } }),
      want: ['spec.template.metadata.labels: FieldValueInvalid'],
    },
    {
      desc: 'a selector with a bad operator',
      mutate: (r: ReplicaSet) => (r.spec!.selector = { matchExpressions: [{ key: 'app', operator: 'Is', values: ['web'] }] }),
      want: ['spec.selector.matchExpressions[0].operator: FieldValueInvalid', 'spec.selector: FieldValueInvalid'],
    },
    {
      desc: 'a template restartPolicy other than Always',
      mutate: (r: ReplicaSet) => (r.spec!.template!.spec!.restartPolicy = 'OnFailure'),
      want: ['spec.template.spec.restartPolicy: FieldValueNotSupported'],
    },
    {
      desc: 'activeDeadlineSeconds in the template',
      mutate: (r: ReplicaSet) => (r.spec!.template!.spec!.activeDeadlineSeconds = 10),
      want: ['spec.template.spec.activeDeadlineSeconds: FieldValueForbidden'],
    },
    {
      desc: 'an invalid template spec',
      mutate: (r: ReplicaSet) => (r.spec!.template!.spec!.containers = []),
      want: ['spec.template.spec.containers: FieldValueRequired'],
    },
  ])('rejects $desc', ({ mutate, want }) => {
    expect(summarize(validateReplicaSet(defaulted(mutate)))).toEqual(want);
  });

  it('explains a selector/labels mismatch as upstream does', () => {
    const [err] = validateReplicaSet(defaulted((r) => (r.spec!.selector = { matchLabels: { app: 'db' } })));
    expect(err.detail).toBe('`selector` does not match template `labels`');
  });
});

describe('validateReplicaSetStatus', () => {
  it.each([
    { desc: 'consistent counts', status: { replicas: 3, fullyLabeledReplicas: 3, readyReplicas: 2, availableReplicas: 1 }, want: [] },
    { desc: 'negative replicas', status: { replicas: -1, fullyLabeledReplicas: -1, readyReplicas: -1, availableReplicas: -1 }, want: [
      'status.replicas: FieldValueInvalid',
      'status.fullyLabeledReplicas: FieldValueInvalid',
      'status.readyReplicas: FieldValueInvalid',
      'status.availableReplicas: FieldValueInvalid',
    ] },
    { desc: 'more ready than replicas', status: { replicas: 1, readyReplicas: 2, availableReplicas: 0 }, want: ['status.readyReplicas: FieldValueInvalid'] },
    { desc: 'more fully labeled than replicas', status: { replicas: 1, fullyLabeledReplicas: 2 }, want: ['status.fullyLabeledReplicas: FieldValueInvalid'] },
    {
      desc: 'more available than ready',
      status: { replicas: 3, readyReplicas: 1, availableReplicas: 2 },
      want: ['status.availableReplicas: FieldValueInvalid'],
    },
  ])('$desc', ({ status, want }) => {
    expect(summarize(validateReplicaSetStatus(status, path('status')))).toEqual(want);
  });
});

describe('replicaSetStrategy with the store', () => {
  let store: Store<ReplicaSet>;
  beforeEach(() => {
    store = newStore(replicaSetStrategy);
  });

  it('creates with generation 1, defaults and an empty status', async () => {
    const rs = await store.create('default', { ...newReplicaSet(), status: { replicas: 5 } });
    expect(rs.metadata!.generation).toBe(1);
    expect(rs.status).toEqual({});
    expect(rs.spec!.template!.spec!.restartPolicy).toBe('Always');
  });

  it('bumps the generation on spec changes only, and keeps the status', async () => {
    const rs = await store.create('default', newReplicaSet());
    const scaled = await store.update('default', { ...rs, spec: { ...rs.spec, replicas: 5 }, status: { replicas: 9 } });
    expect(scaled.metadata!.generation).toBe(2);
    expect(scaled.status).toEqual({});
    const relabeled = await store.update('default', { ...scaled, metadata: { ...scaled.metadata, labels: { a: 'b' } } });
    expect(relabeled.metadata!.generation).toBe(2);
  });

  it('makes the selector immutable', async () => {
    const rs = await store.create('default', newReplicaSet());
    const next = structuredClone(rs);
    next.spec!.selector = { matchLabels: { app: 'web', tier: 'x' } };
    next.spec!.template!.metadata!.labels = { app: 'web', tier: 'x' };
    expect(await invalidCauses(store.update('default', next))).toEqual(['spec.selector: FieldValueInvalid']);
  });

  it('keeps the spec on a status update and validates the counts', async () => {
    const rs = await store.create('default', newReplicaSet());
    const updated = await store.update('default', { ...rs, spec: { ...rs.spec, replicas: 7 }, status: { replicas: 2, readyReplicas: 1 } }, { subresource: 'status' });
    expect(updated.spec!.replicas).toBe(2);
    expect(updated.status).toEqual({ replicas: 2, readyReplicas: 1 });
    expect(updated.metadata!.generation).toBe(1);
    const bad = { ...updated, status: { replicas: 1, readyReplicas: 3 } };
    expect(await invalidCauses(store.update('default', bad, { subresource: 'status' }))).toEqual(['status.readyReplicas: FieldValueInvalid']);
  });

  it('selects on status.replicas', async () => {
    expect(replicaSetFields({})).toEqual({ 'status.replicas': '0' });
    expect(replicaSetFields({ status: { replicas: 3 } })).toEqual({ 'status.replicas': '3' });
  });
});
