import { deepCopy, intOrString, type Deployment, type ReplicaSet } from '@k8ts/api';
import pino from 'pino';
import { fakeCluster, FakeRecorder } from '../testing/fake-client';
import { DeploymentController } from './deployment-controller';
import { computeHash } from './pod-template-hash';

const NS = 'shop';
const REVISION = 'deployment.kubernetes.io/revision';

function newDeployment(replicas: number, image: string, extra: Partial<NonNullable<Deployment['spec']>> = {}): Deployment {
  return {
    metadata: { name: 'web', namespace: NS },
    spec: {
      replicas,
      selector: { matchLabels: { app: 'web' } },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: intOrString(1), maxUnavailable: intOrString(0) } },
      template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'app', image }] } },
      revisionHistoryLimit: 10,
      progressDeadlineSeconds: 600,
      ...extra,
    },
  };
}

const controllers: DeploymentController[] = [];
afterEach(() => {
  for (const c of controllers.splice(0)) c.queue.shutDown();
});

function setup() {
  const cluster = fakeCluster();
  const recorder = new FakeRecorder();
  const controller = new DeploymentController({
    client: cluster.client.asApiClient(),
    dLister: cluster.deployments,
    rsLister: cluster.replicaSets,
    podLister: cluster.pods,
    recorder,
    clock: { now: () => cluster.client.now() },
    logger: pino({ level: 'silent' }),
  });
  controllers.push(controller);
  return { ...cluster, recorder, controller };
}

type Cluster = ReturnType<typeof setup>;

/** A ReplicaSet of d for `image`, as the controller would have made it. */
function seedRS(c: Cluster, d: Deployment, image: string, replicas: number, opts: { revision: string; available?: number; created?: string; statusReplicas?: number }): ReplicaSet {
  const template = { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'app', image }] } };
  const hash = computeHash(template);
  const labels = { app: 'web', 'pod-template-hash': hash };
  return c.client.replicaSets.seed({
    metadata: {
      name: `web-${hash}`,
      namespace: NS,
      labels,
      creationTimestamp: opts.created ?? '2025-12-31T00:00:00Z',
      annotations: { [REVISION]: opts.revision },
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', uid: d.metadata?.uid, controller: true, blockOwnerDeletion: true }],
    },
    spec: { replicas, selector: { matchLabels: labels }, template: { ...template, metadata: { labels } } },
    status: { replicas: opts.statusReplicas ?? replicas, readyReplicas: opts.available ?? replicas, availableReplicas: opts.available ?? replicas, observedGeneration: 1 },
  });
}

function setRSStatus(c: Cluster, name: string, status: ReplicaSet['status']): void {
  const rs = c.client.replicaSets.objects.get(`${NS}/${name}`) as ReplicaSet;
  const next = { ...deepCopy(rs), status: { ...rs.status, ...status } };
  c.client.replicaSets.objects.set(`${NS}/${name}`, next);
  c.replicaSets.set(deepCopy(next));
}

async function rsSizes(c: Cluster): Promise<Record<string, number>> {
  const { items } = await c.client.replicaSets.list({ namespace: NS });
  return Object.fromEntries(items.map((rs) => [rs.metadata?.annotations?.[REVISION] ?? rs.metadata?.name, rs.spec?.replicas ?? 0]));
}

describe('DeploymentController.sync', () => {
  it('creates the first ReplicaSet named <deployment>-<hash> and records revision 1', async () => {
    const c = setup();
    const d = c.client.deployments.seed(newDeployment(3, 'v1'));
    await c.controller.sync('shop/web');
    const hash = computeHash(d.spec?.template);
    const rs = await c.client.replicaSets.get(NS, `web-${hash}`);
    expect(rs.metadata?.labels).toEqual({ app: 'web', 'pod-template-hash': hash });
    expect(rs.spec?.selector?.matchLabels).toEqual({ app: 'web', 'pod-template-hash': hash });
    expect(rs.spec?.template?.metadata?.labels).toEqual({ app: 'web', 'pod-template-hash': hash });
    expect(rs.spec?.replicas).toBe(3);
    expect(rs.metadata?.annotations).toEqual({ [REVISION]: '1', 'deployment.kubernetes.io/desired-replicas': '3', 'deployment.kubernetes.io/max-replicas': '4' });
    expect(c.recorder.events).toContain(`Normal ScalingReplicaSet Scaled up replica set web-${hash} from 0 to 3`);
    const after = await c.client.deployments.get(NS, 'web');
    expect(after.metadata?.annotations?.[REVISION]).toBe('1');
    expect(after.status?.conditions?.find((x) => x.type === 'Progressing')).toMatchObject({ status: 'True', reason: 'NewReplicaSetCreated', message: `Created new replica set "web-${hash}"` });
    expect(after.status?.conditions?.find((x) => x.type === 'Available')).toMatchObject({ status: 'False', reason: 'MinimumReplicasUnavailable' });
  });

  it('rolls out step by step within maxSurge 1 / maxUnavailable 0', async () => {
    const c = setup();
    const d = c.client.deployments.seed(newDeployment(3, 'v2'));
    const old = seedRS(c, d, 'v1', 3, { revision: '1' });
    await c.controller.sync('shop/web');
    expect(await rsSizes(c)).toEqual({ '1': 3, '2': 1 });
    const newName = `web-${computeHash(d.spec?.template)}`;
    // The new pod is not available: nothing more may happen.
    setRSStatus(c, newName, { replicas: 1, availableReplicas: 0 });
    await c.controller.sync('shop/web');
    expect(await rsSizes(c)).toEqual({ '1': 3, '2': 1 });
    // It became available: one old pod may go, then the new RS grows.
    setRSStatus(c, newName, { replicas: 1, availableReplicas: 1, readyReplicas: 1 });
    await c.controller.sync('shop/web');
    expect(await rsSizes(c)).toEqual({ '1': 2, '2': 1 });
    expect(c.recorder.events).toContain(`Normal ScalingReplicaSet Scaled down replica set ${old.metadata?.name} from 3 to 2`);
    await c.controller.sync('shop/web');
    expect(await rsSizes(c)).toEqual({ '1': 2, '2': 2 });
    const dep = await c.client.deployments.get(NS, 'web');
    expect(dep.metadata?.annotations?.[REVISION]).toBe('2');
    expect(dep.status?.conditions?.find((x) => x.type === 'Progressing')?.reason).toBe('ReplicaSetUpdated');
  });

  it('finishes a rollout: old ReplicaSet at 0, NewReplicaSetAvailable, history cleaned beyond the limit', async () => {
    const c = setup();
    const d = c.client.deployments.seed(newDeployment(2, 'v3', { revisionHistoryLimit: 1 }));
    seedRS(c, d, 'v1', 0, { revision: '1', created: '2025-12-30T00:00:00Z' });
    seedRS(c, d, 'v2', 0, { revision: '2', created: '2025-12-31T00:00:00Z' });
    seedRS(c, d, 'v3', 2, { revision: '3', created: '2026-01-01T00:00:00Z' });
    await c.controller.sync('shop/web'); // status catches up
    await c.controller.sync('shop/web'); // complete: cleanup
    expect(Object.keys(await rsSizes(c)).sort()).toEqual(['2', '3']);
    const dep = await c.client.deployments.get(NS, 'web');
    expect(dep.status).toMatchObject({ replicas: 2, updatedReplicas: 2, availableReplicas: 2, readyReplicas: 2, observedGeneration: 1 });
    expect(dep.status?.conditions?.find((x) => x.type === 'Progressing')).toMatchObject({ reason: 'NewReplicaSetAvailable', message: `ReplicaSet "web-${computeHash(d.spec?.template)}" has successfully progressed.` });
    expect(dep.status?.conditions?.find((x) => x.type === 'Available')?.reason).toBe('MinimumReplicasAvailable');
  });

  it('scales proportionally across active ReplicaSets during a rollout', async () => {
    const c = setup();
    const d = c.client.deployments.seed(newDeployment(15, 'v2', { strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: intOrString(1), maxUnavailable: intOrString(1) } } }));
    const annotations = { 'deployment.kubernetes.io/desired-replicas': '10', 'deployment.kubernetes.io/max-replicas': '11' };
    for (const [image, n, rev] of [
      ['v1', 6, '1'],
      ['v2', 4, '2'],
    ] as const) {
      const rs = seedRS(c, d, image, n, { revision: rev });
      c.client.replicaSets.objects.set(`${NS}/${rs.metadata?.name}`, { ...rs, metadata: { ...rs.metadata, annotations: { ...rs.metadata?.annotations, ...annotations } } });
      c.replicaSets.set(c.client.replicaSets.objects.get(`${NS}/${rs.metadata?.name}`) as ReplicaSet);
    }
    await c.controller.sync('shop/web');
    expect(await rsSizes(c)).toEqual({ '1': 10, '2': 6 });
    const { items } = await c.client.replicaSets.list({ namespace: NS });
    for (const rs of items) expect(rs.metadata?.annotations).toMatchObject({ 'deployment.kubernetes.io/desired-replicas': '15', 'deployment.kubernetes.io/max-replicas': '16' });
  });

  it('Recreate: scales old ReplicaSets to 0 and creates the new one only when their pods are gone', async () => {
    const c = setup();
    const d = c.client.deployments.seed(newDeployment(2, 'v2', { strategy: { type: 'Recreate' } }));
    const old = seedRS(c, d, 'v1', 2, { revision: '1' });
    await c.controller.sync('shop/web');
    expect(await rsSizes(c)).toEqual({ '1': 0 });
    await c.controller.sync('shop/web'); // status.replicas of the old one is still 2
    expect(await rsSizes(c)).toEqual({ '1': 0 });
    setRSStatus(c, old.metadata?.name ?? '', { replicas: 0, availableReplicas: 0, readyReplicas: 0 });
    await c.controller.sync('shop/web');
    expect(await rsSizes(c)).toEqual({ '1': 0, '2': 2 });
  });

  it('a paused Deployment gets Progressing=Unknown DeploymentPaused and no new ReplicaSet', async () => {
    const c = setup();
    const d = c.client.deployments.seed(newDeployment(2, 'v2', { paused: true }));
    seedRS(c, d, 'v1', 2, { revision: '1' });
    await c.controller.sync('shop/web');
    expect(await rsSizes(c)).toEqual({ '1': 2 });
    const dep = await c.client.deployments.get(NS, 'web');
    expect(dep.status?.conditions?.find((x) => x.type === 'Progressing')).toMatchObject({ status: 'Unknown', reason: 'DeploymentPaused', message: 'Deployment is paused' });
  });

  it('counts a hash collision and retries with another name', async () => {
    const c = setup();
    const d = newDeployment(1, 'v1');
    const hash = computeHash(d.spec?.template);
    c.client.replicaSets.seed({ metadata: { name: `web-${hash}`, namespace: NS, labels: { unrelated: 'x' } }, spec: { replicas: 0, selector: { matchLabels: { unrelated: 'x' } }, template: { metadata: { labels: { unrelated: 'x' } } } } });
    c.client.deployments.seed(d);
    await expect(c.controller.sync('shop/web')).rejects.toThrow(/hash collision/);
    expect((await c.client.deployments.get(NS, 'web')).status?.collisionCount).toBe(1);
    await c.controller.sync('shop/web');
    expect(await c.client.replicaSets.get(NS, `web-${computeHash(d.spec?.template, 1)}`)).toBeDefined();
  });

  it('adopts an orphan ReplicaSet that matches the selector', async () => {
    const c = setup();
    const d = c.client.deployments.seed(newDeployment(1, 'v1'));
    const rs = seedRS(c, d, 'v1', 1, { revision: '1' });
    const orphan = { ...rs, metadata: { ...rs.metadata, ownerReferences: undefined } };
    c.client.replicaSets.objects.set(`${NS}/${rs.metadata?.name}`, orphan);
    c.replicaSets.set(orphan);
    await c.controller.sync('shop/web');
    const after = await c.client.replicaSets.get(NS, rs.metadata?.name ?? '');
    expect(after.metadata?.ownerReferences?.[0]).toMatchObject({ kind: 'Deployment', uid: d.metadata?.uid, controller: true });
    expect(c.client.calls.filter((x) => x.verb === 'create')).toHaveLength(0);
  });

  it('marks ProgressDeadlineExceeded when a rollout makes no progress for progressDeadlineSeconds', async () => {
    const c = setup();
    const d = c.client.deployments.seed(newDeployment(1, 'v2'));
    seedRS(c, d, 'v1', 1, { revision: '1' });
    await c.controller.sync('shop/web'); // creates the new RS (1 replica, surge)
    const newName = `web-${computeHash(d.spec?.template)}`;
    setRSStatus(c, newName, { replicas: 1, availableReplicas: 0, readyReplicas: 0 });
    await c.controller.sync('shop/web');
    c.client.clockMs += 601_000;
    await c.controller.sync('shop/web');
    const dep = await c.client.deployments.get(NS, 'web');
    expect(dep.status?.conditions?.find((x) => x.type === 'Progressing')).toMatchObject({ status: 'False', reason: 'ProgressDeadlineExceeded', message: `ReplicaSet "${newName}" has timed out progressing.` });
    c.controller.queue.shutDown();
  });

  it('warns about a selector that selects everything', async () => {
    const c = setup();
    c.client.deployments.seed({ ...newDeployment(1, 'v1'), spec: { ...newDeployment(1, 'v1').spec, selector: {} } });
    await c.controller.sync('shop/web');
    expect(c.recorder.events).toEqual(['Warning SelectingAll This deployment is selecting all pods. A non-empty selector is required.']);
    expect(c.client.calls.filter((x) => x.verb === 'create')).toHaveLength(0);
  });

  it('returns quietly for a deleted Deployment', async () => {
    const c = setup();
    await c.controller.sync('shop/gone');
    expect(c.client.writes()).toEqual([]);
  });
});

describe('DeploymentController handlers', () => {
  it('enqueues the owner of a ReplicaSet, or every matching Deployment for an orphan', async () => {
    const c = setup();
    const d = c.client.deployments.seed(newDeployment(1, 'v1'));
    const rs = seedRS(c, d, 'v1', 1, { revision: '1' });
    c.controller.onReplicaSetAdd(rs);
    c.controller.onReplicaSetAdd({ ...rs, metadata: { ...rs.metadata, name: 'orphan', ownerReferences: undefined } });
    c.controller.onReplicaSetAdd({ ...rs, metadata: { ...rs.metadata, name: 'stranger', labels: { app: 'x' }, ownerReferences: undefined } });
    expect(c.controller.queue.len()).toBe(1);
    expect(await c.controller.queue.get()).toBe('shop/web');
    c.controller.queue.shutDown();
  });
});
