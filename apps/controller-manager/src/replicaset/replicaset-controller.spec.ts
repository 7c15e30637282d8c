import type { Pod, ReplicaSet } from '@k8ts/api';
import { newForbidden } from '@k8ts/apimachinery';
import pino from 'pino';
import { fakeCluster, FakeRecorder } from '../testing/fake-client';
import { ReplicaSetController } from './replicaset-controller';

const NS = 'shop';

function newRS(replicas: number, extra: Partial<ReplicaSet['spec']> = {}): ReplicaSet {
  return {
    metadata: { name: 'web', namespace: NS },
    spec: {
      replicas,
      selector: { matchLabels: { app: 'web' } },
      template: { metadata: { labels: { app: 'web', tier: 'fe' } }, spec: { containers: [{ name: 'app', image: 'k8ts/echo' }] } },
      ...extra,
    },
  };
}

function readyStatus(since: string): Pod['status'] {
  return { phase: 'Running', conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: since }] };
}

const controllers: ReplicaSetController[] = [];
afterEach(() => {
  for (const c of controllers.splice(0)) c.queue.shutDown();
});

function setup(opts: { burstReplicas?: number } = {}) {
  const cluster = fakeCluster();
  const recorder = new FakeRecorder();
  const controller = new ReplicaSetController({
    client: cluster.client.asApiClient(),
    rsLister: cluster.replicaSets,
    podLister: cluster.pods,
    recorder,
    clock: { now: () => cluster.client.now() },
    logger: pino({ level: 'silent' }),
    burstReplicas: opts.burstReplicas,
  });
  controllers.push(controller);
  return { ...cluster, recorder, controller };
}

describe('ReplicaSetController.sync', () => {
  it('creates the missing pods from the template with a controller ref, and writes status', async () => {
    const { client, controller, recorder } = setup();
    const rs = client.replicaSets.seed(newRS(3));
    await controller.sync('shop/web');
    const creates = client.calls.filter((c) => c.verb === 'create');
    expect(creates).toHaveLength(3);
    const pod = creates[0]?.obj as Pod;
    expect(pod.metadata).toMatchObject({
      generateName: 'web-',
      namespace: NS,
      labels: { app: 'web', tier: 'fe' },
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web', uid: rs.metadata?.uid, controller: true, blockOwnerDeletion: true }],
    });
    expect(pod.spec?.containers?.[0]?.image).toBe('k8ts/echo');
    expect(recorder.events.filter((e) => e.startsWith('Normal SuccessfulCreate Created pod: web-'))).toHaveLength(3);
    // As upstream, a sync reports the pods it started from; the next one counts the new pods.
    expect((await client.replicaSets.get(NS, 'web')).status).toMatchObject({ replicas: 0, observedGeneration: 1 });
    await controller.sync('shop/web');
    const status = (await client.replicaSets.get(NS, 'web')).status;
    expect(status).toMatchObject({ replicas: 3, fullyLabeledReplicas: 3, readyReplicas: 0, availableReplicas: 0, observedGeneration: 1 });
  });

  it('does not create twice while the informer has not seen the creations (expectations)', async () => {
    const { client, controller } = setup();
    client.replicaSets.seed(newRS(2));
    client.pods.cache = undefined; // the pod informer lags behind
    await controller.sync('shop/web');
    await controller.sync('shop/web');
    expect(client.calls.filter((c) => c.verb === 'create')).toHaveLength(2);
    expect(controller.expectations.get('shop/web')).toEqual({ add: 2, del: 0 });
    // The informer catches up: the handlers observe the creations.
    for (const p of client.pods.objects.values()) controller.onPodAdd(p);
    expect(controller.expectations.satisfiedExpectations('shop/web')).toBe(true);
  });

  it('stops after the first failing batch, sets ReplicaFailure and expects only the created pods', async () => {
    const { client, controller, recorder } = setup();
    client.replicaSets.seed(newRS(5));
    client.failOn({ verb: 'create', resource: 'pods' }, newForbidden({ group: '', resource: 'pods' }, '', new Error('exceeded quota')));
    await expect(controller.sync('shop/web')).rejects.toThrow(/exceeded quota/);
    expect(client.calls.filter((c) => c.verb === 'create')).toHaveLength(1);
    expect(controller.expectations.satisfiedExpectations('shop/web')).toBe(true);
    expect(recorder.events[0]).toMatch(/^Warning FailedCreate Error creating: .*exceeded quota/);
    const cond = (await client.replicaSets.get(NS, 'web')).status?.conditions?.[0];
    expect(cond).toMatchObject({ type: 'ReplicaFailure', status: 'True', reason: 'FailedCreate' });
    client.failures.length = 0;
    await controller.sync('shop/web');
    const after = await client.replicaSets.get(NS, 'web');
    expect(after.status?.conditions).toBeUndefined();
    await controller.sync('shop/web');
    expect((await client.replicaSets.get(NS, 'web')).status?.replicas).toBe(5);
    expect(client.calls.filter((c) => c.verb === 'create')).toHaveLength(6);
  });

  it('creates at most burstReplicas per sync', async () => {
    const { client, controller } = setup({ burstReplicas: 4 });
    client.replicaSets.seed(newRS(10));
    await controller.sync('shop/web');
    expect(client.calls.filter((c) => c.verb === 'create')).toHaveLength(4);
  });

  it('deletes surplus pods, not-ready first, and ignores terminating and finished pods', async () => {
    const { client, controller, recorder } = setup();
    const rs = client.replicaSets.seed(newRS(2));
    const ref = [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web', uid: rs.metadata?.uid, controller: true, blockOwnerDeletion: true }];
    const mk = (name: string, status?: Pod['status'], extra: Partial<Pod['metadata']> = {}) =>
      client.pods.seed({ metadata: { name, namespace: NS, labels: { app: 'web', tier: 'fe' }, ownerReferences: ref, ...extra }, spec: { containers: [{ name: 'app' }] }, status });
    mk('ready-1', readyStatus('2026-01-01T00:00:00Z'));
    mk('ready-2', readyStatus('2026-01-01T00:00:00Z'));
    mk('pending', { phase: 'Pending' });
    mk('failed', { phase: 'Failed' });
    mk('going', readyStatus('2026-01-01T00:00:00Z'), { deletionTimestamp: '2026-01-01T00:00:00Z' });
    await controller.sync('shop/web');
    expect(client.writes().filter((w) => w.startsWith('delete'))).toEqual(['delete pods/pending']);
    expect(recorder.events).toContain('Normal SuccessfulDelete Deleted pod: pending');
    await controller.sync('shop/web');
    expect(client.writes().filter((w) => w.startsWith('delete'))).toHaveLength(1);
    expect((await client.replicaSets.get(NS, 'web')).status).toMatchObject({ replicas: 2, readyReplicas: 2, availableReplicas: 2 });
  });

  it('adopts a matching orphan and releases an owned pod whose labels stopped matching', async () => {
    const { client, controller } = setup();
    const rs = client.replicaSets.seed(newRS(2));
    const ref = { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web', uid: rs.metadata?.uid, controller: true, blockOwnerDeletion: true };
    client.pods.seed({ metadata: { name: 'orphan', namespace: NS, labels: { app: 'web' } }, spec: { containers: [{ name: 'app' }] } });
    client.pods.seed({ metadata: { name: 'moved', namespace: NS, labels: { app: 'other' }, ownerReferences: [ref] }, spec: { containers: [{ name: 'app' }] } });
    client.pods.seed({ metadata: { name: 'theirs', namespace: NS, labels: { app: 'web' }, ownerReferences: [{ ...ref, name: 'x', uid: 'other' }] }, spec: { containers: [{ name: 'app' }] } });
    await controller.sync('shop/web');
    expect((await client.pods.get(NS, 'orphan')).metadata?.ownerReferences).toEqual([ref]);
    expect((await client.pods.get(NS, 'moved')).metadata?.ownerReferences).toBeUndefined();
    expect((await client.pods.get(NS, 'theirs')).metadata?.ownerReferences?.[0]?.uid).toBe('other');
    expect(client.calls.filter((c) => c.verb === 'create')).toHaveLength(1);
    await controller.sync('shop/web');
    expect((await client.replicaSets.get(NS, 'web')).status).toMatchObject({ replicas: 2, fullyLabeledReplicas: 1 }); // the orphan lacks tier=fe
  });

  it('does not adopt for a ReplicaSet that is being deleted', async () => {
    const { client, controller } = setup();
    client.replicaSets.seed({ ...newRS(1), metadata: { name: 'web', namespace: NS, deletionTimestamp: '2026-01-01T00:00:00Z' } });
    client.pods.seed({ metadata: { name: 'orphan', namespace: NS, labels: { app: 'web' } }, spec: { containers: [{ name: 'app' }] } });
    await controller.sync('shop/web');
    expect((await client.pods.get(NS, 'orphan')).metadata?.ownerReferences).toBeUndefined();
    expect(client.calls.filter((c) => c.verb === 'create')).toHaveLength(0);
  });

  it('counts available pods after minReadySeconds and requeues for the rest', async () => {
    const { client, controller } = setup();
    client.clockMs = Date.parse('2026-01-01T00:01:00Z');
    const rs = client.replicaSets.seed(newRS(2, { minReadySeconds: 30 }));
    const ref = [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web', uid: rs.metadata?.uid, controller: true }];
    const spec = { containers: [{ name: 'app' }] };
    client.pods.seed({ metadata: { name: 'old', namespace: NS, labels: { app: 'web' }, ownerReferences: ref }, spec, status: readyStatus('2026-01-01T00:00:00Z') });
    client.pods.seed({ metadata: { name: 'new', namespace: NS, labels: { app: 'web' }, ownerReferences: ref }, spec, status: readyStatus('2026-01-01T00:00:50Z') });
    await controller.sync('shop/web');
    expect((await client.replicaSets.get(NS, 'web')).status).toMatchObject({ readyReplicas: 2, availableReplicas: 1 });
    expect(controller.queue.waitingLen()).toBe(1);
    controller.queue.shutDown();
  });

  it('returns quietly for a deleted ReplicaSet and forgets its expectations', async () => {
    const { client, controller } = setup();
    controller.expectations.expectCreations('shop/gone', 3);
    await controller.sync('shop/gone');
    expect(controller.expectations.get('shop/gone')).toBeUndefined();
    expect(client.writes()).toEqual([]);
  });

  it('skips the status write when nothing changed', async () => {
    const { client, controller } = setup();
    client.replicaSets.seed(newRS(1));
    await controller.sync('shop/web');
    await controller.sync('shop/web');
    const writes = client.writes().length;
    await controller.sync('shop/web');
    expect(client.writes()).toHaveLength(writes);
  });
});

describe('ReplicaSetController handlers', () => {
  it.each([
    { desc: 'owned pod added: its ReplicaSet', labels: { app: 'web' }, owned: true, want: ['shop/web'] },
    { desc: 'orphan added: every matching ReplicaSet', labels: { app: 'web' }, owned: false, want: ['shop/web'] },
    { desc: 'orphan that matches nothing: nothing', labels: { app: 'nope' }, owned: false, want: [] },
  ])('$desc', async ({ labels, owned, want }) => {
    const { client, controller } = setup();
    const rs = client.replicaSets.seed(newRS(1));
    const ownerReferences = owned ? [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web', uid: rs.metadata?.uid, controller: true }] : undefined;
    controller.onPodAdd({ metadata: { name: 'p', namespace: NS, labels, ownerReferences } });
    const got: string[] = [];
    while (controller.queue.len() > 0) got.push((await controller.queue.get()) as string);
    expect(got).toEqual(want);
    controller.queue.shutDown();
  });

  it('treats a pod update to terminating as a deletion for the expectations', () => {
    const { client, controller } = setup();
    const rs = client.replicaSets.seed(newRS(1));
    const ownerReferences = [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web', uid: rs.metadata?.uid, controller: true }];
    const pod: Pod = { metadata: { name: 'p', namespace: NS, labels: { app: 'web' }, ownerReferences, resourceVersion: '1' } };
    controller.expectations.expectDeletions('shop/web', ['shop/p']);
    controller.onPodUpdate(pod, { ...pod, metadata: { ...pod.metadata, resourceVersion: '2', deletionTimestamp: '2026-01-01T00:00:00Z' } });
    expect(controller.expectations.satisfiedExpectations('shop/web')).toBe(true);
    controller.queue.shutDown();
  });
});
