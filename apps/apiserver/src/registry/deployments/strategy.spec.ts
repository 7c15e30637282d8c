import { type Deployment, intOrString } from '@k8ts/api';
import { path } from '@k8ts/apimachinery';
import type { Store } from '../generic/store';
import { invalidCauses, newDeployment, newStore, summarize } from '../podtemplate/test-fixtures';
import { setDeploymentDefaults } from './defaults';
import { deploymentStrategy } from './strategy';
import { validateDeployment, validateDeploymentStatus } from './validation';

function defaulted(mutate: (d: Deployment) => void = () => undefined): Deployment {
  const d = newDeployment();
  mutate(d);
  setDeploymentDefaults(d);
  return d;
}

const rolling = (maxUnavailable: number | string, maxSurge: number | string) => ({
  type: 'RollingUpdate',
  rollingUpdate: { maxUnavailable: intOrString(maxUnavailable), maxSurge: intOrString(maxSurge) },
});

describe('Deployment defaults', () => {
  it('fills in replicas, strategy, limits and the template', () => {
    const d = defaulted((x) => delete x.spec!.replicas);
    expect(d.spec).toMatchObject({
      replicas: 1,
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: { type: 1, strVal: '25%' }, maxSurge: { type: 1, strVal: '25%' } } },
      revisionHistoryLimit: 10,
      progressDeadlineSeconds: 600,
    });
    expect(d.spec!.template!.spec!.terminationGracePeriodSeconds).toBe(30);
  });

  it('fills in a partial rolling update', () => {
    const d = defaulted((x) => (x.spec!.strategy = { rollingUpdate: { maxSurge: intOrString(1) } }));
    expect(d.spec!.strategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxSurge: { type: 0, intVal: 1 }, maxUnavailable: { type: 1, strVal: '25%' } } });
  });

  it('leaves a Recreate strategy alone', () => {
    expect(defaulted((x) => (x.spec!.strategy = { type: 'Recreate' })).spec!.strategy).toEqual({ type: 'Recreate' });
  });
});

describe('validateDeployment', () => {
  it('accepts a defaulted deployment', () => {
    expect(validateDeployment(defaulted())).toEqual([]);
  });

  it.each([
    { desc: 'maxSurge over 100%', strategy: rolling('25%', '200%'), want: [] },
    { desc: 'integers', strategy: rolling(0, 1), want: [] },
    { desc: 'Recreate', strategy: { type: 'Recreate' }, want: [] },
  ])('accepts a strategy with $desc', ({ strategy, want }) => {
    expect(summarize(validateDeployment(defaulted((d) => (d.spec!.strategy = strategy))))).toEqual(want);
  });

  it.each([
    {
      desc: 'Recreate with rollingUpdate',
      strategy: { type: 'Recreate', rollingUpdate: {} },
      want: ['spec.strategy.rollingUpdate: FieldValueForbidden'],
    },
    { desc: 'an unknown type', strategy: { type: 'BlueGreen' }, want: ['spec.strategy: FieldValueNotSupported'] },
    { desc: 'negative maxSurge', strategy: rolling(1, -1), want: ['spec.strategy.rollingUpdate.maxSurge: FieldValueInvalid'] },
    { desc: 'a malformed percentage', strategy: rolling('ten%', 1), want: ['spec.strategy.rollingUpdate.maxUnavailable: FieldValueInvalid'] },
    { desc: 'maxUnavailable over 100%', strategy: rolling('150%', 1), want: ['spec.strategy.rollingUpdate.maxUnavailable: FieldValueInvalid'] },
    { desc: 'both zero', strategy: rolling(0, 0), want: ['spec.strategy.rollingUpdate.maxUnavailable: FieldValueInvalid'] },
    { desc: 'both zero percent', strategy: rolling('0%', 0), want: ['spec.strategy.rollingUpdate.maxUnavailable: FieldValueInvalid'] },
  ])('rejects a strategy with $desc', ({ strategy, want }) => {
    expect(summarize(validateDeployment(defaulted((d) => (d.spec!.strategy = strategy))))).toEqual(want);
  });

  it('explains both-zero as upstream does', () => {
    const [err] = validateDeployment(defaulted((d) => (d.spec!.strategy = rolling(0, 0))));
    expect(err.detail).toBe('may not be 0 when `maxSurge` is 0');
  });

  it.each([
    { desc: 'negative minReadySeconds', mutate: (d: Deployment) => (d.spec!.minReadySeconds = -1), want: ['spec.minReadySeconds: FieldValueInvalid'] },
    {
      desc: 'a progress deadline not above minReadySeconds',
      mutate: (d: Deployment) => Object.assign(d.spec!, { minReadySeconds: 600, progressDeadlineSeconds: 600 }),
      want: ['spec.progressDeadlineSeconds: FieldValueInvalid'],
    },
    { desc: 'negative revisionHistoryLimit', mutate: (d: Deployment) => (d.spec!.revisionHistoryLimit = -1), want: ['spec.revisionHistoryLimit: FieldValueInvalid'] },
    { desc: 'negative replicas', mutate: (d: Deployment) => (d.spec!.replicas = -3), want: ['spec.replicas: FieldValueInvalid'] },
    {
      desc: 'a selector not matching the template',
      mutate: (d: Deployment) => (d.spec!.template!.metadata!.labels = { app: 'other' }),
      want: ['spec.template.metadata.labels: FieldValueInvalid'],
    },
    {
      desc: 'a template that does not always restart',
      mutate: (d: Deployment) => (d.spec!.template!.spec = { ...d.spec!.template!.spec, restartPolicy: 'Never' }),
      want: ['spec.template.spec.restartPolicy: FieldValueNotSupported'],
    },
  ])('rejects $desc', ({ mutate, want }) => {
    expect(summarize(validateDeployment(defaulted(mutate)))).toEqual(want);
  });

  it.each([
    { desc: 'consistent counts', status: { replicas: 3, updatedReplicas: 3, readyReplicas: 2, availableReplicas: 2 }, want: [] },
    { desc: 'more updated than replicas', status: { replicas: 1, updatedReplicas: 2 }, want: ['status.updatedReplicas: FieldValueInvalid'] },
    { desc: 'negative unavailable', status: { unavailableReplicas: -1 }, want: ['status.unavailableReplicas: FieldValueInvalid'] },
    { desc: 'more available than ready', status: { replicas: 2, readyReplicas: 1, availableReplicas: 2 }, want: ['status.availableReplicas: FieldValueInvalid'] },
  ])('status: $desc', ({ status, want }) => {
    expect(summarize(validateDeploymentStatus(status, path('status')))).toEqual(want);
  });
});

describe('deploymentStrategy with the store', () => {
  let store: Store<Deployment>;
  beforeEach(() => {
    store = newStore(deploymentStrategy);
  });

  it('creates with generation 1 and defaults', async () => {
    const d = await store.create('default', newDeployment());
    expect(d.metadata!.generation).toBe(1);
    expect(d.spec!.strategy!.type).toBe('RollingUpdate');
    expect(d.status).toEqual({});
  });

  it('bumps the generation on spec and annotation changes', async () => {
    const d = await store.create('default', newDeployment());
    const scaled = await store.update('default', { ...d, spec: { ...d.spec, replicas: 4 } });
    expect(scaled.metadata!.generation).toBe(2);
    const annotated = await store.update('default', { ...scaled, metadata: { ...scaled.metadata, annotations: { note: 'x' } } });
    expect(annotated.metadata!.generation).toBe(3);
    const labeled = await store.update('default', { ...annotated, metadata: { ...annotated.metadata, labels: { a: 'b' } } });
    expect(labeled.metadata!.generation).toBe(3);
  });

  it('makes the selector immutable', async () => {
    const d = await store.create('default', newDeployment());
    const next = structuredClone(d);
    next.spec!.selector = { matchLabels: { app: 'web', v: '2' } };
    next.spec!.template!.metadata!.labels = { app: 'web', v: '2' };
    expect(await invalidCauses(store.update('default', next))).toEqual(['spec.selector: FieldValueInvalid']);
  });

  it('keeps spec and status apart', async () => {
    const d = await store.create('default', newDeployment());
    const s = await store.update('default', { ...d, spec: { ...d.spec, paused: true }, status: { replicas: 2, observedGeneration: 1 } }, { subresource: 'status' });
    expect(s.spec!.paused).toBeUndefined();
    expect(s.status).toEqual({ replicas: 2, observedGeneration: 1 });
    const m = await store.update('default', { ...s, status: {} });
    expect(m.status).toEqual({ replicas: 2, observedGeneration: 1 });
  });

  it('does not let collisionCount go down', async () => {
    const d = await store.create('default', newDeployment());
    const s = await store.update('default', { ...d, status: { collisionCount: 2 } }, { subresource: 'status' });
    expect(await invalidCauses(store.update('default', { ...s, status: { collisionCount: 1 } }, { subresource: 'status' }))).toEqual([
      'status.collisionCount: FieldValueInvalid',
    ]);
  });
});
