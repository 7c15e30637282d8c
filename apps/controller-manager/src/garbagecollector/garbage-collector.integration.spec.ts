// The garbage collector as a real process: nats-server + apiserver
// (127.103.0.0/16) + controller-manager (--controllers garbagecollector).
// No ReplicaSet controller runs: the test creates the pods with their
// ownerReferences itself.
import type { OwnerReference, Pod, ReplicaSet } from '@k8ts/api';
import { isNotFound } from '@k8ts/apimachinery';
import { newNamespace, newPod, waitFor } from '@k8ts/testing';
import { startControlPlane, startControllerManager, type ControlPlane, type ControllerManagerProcess } from '../testing/control-plane';

jest.setTimeout(120_000);

const NS = 'cm-gc';
const CONTROLLERS = 'garbagecollector';
const EXTRA_ARGS: string[] = [];
const WAIT = { timeoutMs: 40_000, intervalMs: 100 };

let cp: ControlPlane;
let cm: ControllerManagerProcess | undefined;

function startCm(identity: string): Promise<ControllerManagerProcess> {
  return startControllerManager(cp, { identity, controllers: CONTROLLERS, extraArgs: EXTRA_ARGS });
}

beforeAll(async () => {
  cp = await startControlPlane();
  await cp.client.namespaces.create(newNamespace(NS));
  cm = await startCm(`${NS}-1`);
});

afterAll(async () => {
  await cm?.proc.stop();
  await cp?.stop();
});

async function gone(get: () => Promise<unknown>): Promise<boolean> {
  try {
    await get();
    return false;
  } catch (err) {
    if (isNotFound(err)) return true;
    throw err;
  }
}

describe('garbage collector', () => {
  function newReplicaSet(name: string): ReplicaSet {
    return {
      metadata: { name, namespace: NS },
      spec: {
        replicas: 0,
        selector: { matchLabels: { rs: name } },
        template: { metadata: { labels: { rs: name } }, spec: { containers: [{ name: 'app', image: 'k8ts/echo' }] } },
      },
    };
  }

  function ownerRef(rs: ReplicaSet): OwnerReference {
    return { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: rs.metadata?.name, uid: rs.metadata?.uid, controller: true, blockOwnerDeletion: true };
  }

  async function withPods(name: string, n: number): Promise<{ rs: ReplicaSet; pods: Pod[] }> {
    const rs = await cp.client.replicaSets.create(newReplicaSet(name));
    const pods: Pod[] = [];
    for (let i = 0; i < n; i++) {
      const pod = newPod({ name: `${name}-${i}`, namespace: NS, labels: { rs: name } });
      pod.metadata = { ...pod.metadata, ownerReferences: [ownerRef(rs)] };
      pods.push(await cp.client.pods.create(pod));
    }
    return { rs, pods };
  }

  const podGone = (p: Pod) => gone(() => cp.client.pods.get(NS, p.metadata?.name ?? ''));
  const rsGone = (rs: ReplicaSet) => gone(() => cp.client.replicaSets.get(NS, rs.metadata?.name ?? ''));

  it('Background: deleting a ReplicaSet deletes its pods', async () => {
    const { rs, pods } = await withPods('bg', 3);
    await cp.client.replicaSets.delete(NS, 'bg');
    expect(await rsGone(rs)).toBe(true);
    await waitFor(async () => (await Promise.all(pods.map(podGone))).every(Boolean), { ...WAIT, desc: 'pods of bg deleted' });
  });

  it('a dependent with another live owner only loses the reference to the deleted one', async () => {
    const { rs } = await withPods('shared-a', 0);
    const other = await cp.client.replicaSets.create(newReplicaSet('shared-b'));
    const pod = newPod({ name: 'shared-pod', namespace: NS });
    pod.metadata = { ...pod.metadata, ownerReferences: [ownerRef(rs), { ...ownerRef(other), controller: false }] };
    await cp.client.pods.create(pod);
    await cp.client.replicaSets.delete(NS, 'shared-a');
    const left = await waitFor(
      async () => {
        const p = await cp.client.pods.get(NS, 'shared-pod');
        return p.metadata?.ownerReferences?.length === 1 ? p : undefined;
      },
      { ...WAIT, desc: 'the dangling ownerReference removed' },
    );
    expect(left.metadata?.ownerReferences?.[0]?.uid).toBe(other.metadata?.uid);
  });

  it('Foreground: the ReplicaSet waits with foregroundDeletion until its pods are gone', async () => {
    const { rs, pods } = await withPods('fg', 3);
    const terminating = await cp.client.replicaSets.delete(NS, 'fg', { propagationPolicy: 'Foreground' });
    expect(terminating.metadata?.deletionTimestamp).toBeTruthy();
    expect(terminating.metadata?.finalizers).toContain('foregroundDeletion');
    await waitFor(async () => (await Promise.all(pods.map(podGone))).every(Boolean), { ...WAIT, desc: 'pods of fg deleted' });
    await waitFor(() => rsGone(rs), { ...WAIT, desc: 'fg deleted once its pods are gone' });
  });

  it('Foreground through two levels: the Deployment stays terminating until its ReplicaSet and pods are gone', async () => {
    const deploy = await cp.client.deployments.create({
      metadata: { name: 'cascade', namespace: NS },
      spec: {
        replicas: 0,
        selector: { matchLabels: { app: 'cascade' } },
        template: { metadata: { labels: { app: 'cascade' } }, spec: { containers: [{ name: 'app', image: 'k8ts/echo' }] } },
      },
    });
    const rsSpec = newReplicaSet('cascade-rs');
    rsSpec.metadata = {
      ...rsSpec.metadata,
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'cascade', uid: deploy.metadata?.uid, controller: true, blockOwnerDeletion: true }],
    };
    const rs = await cp.client.replicaSets.create(rsSpec);
    const pods: Pod[] = [];
    for (let i = 0; i < 2; i++) {
      const pod = newPod({ name: `cascade-${i}`, namespace: NS, labels: { rs: 'cascade-rs' } });
      pod.metadata = { ...pod.metadata, ownerReferences: [ownerRef(rs)] };
      pods.push(await cp.client.pods.create(pod));
    }
    const terminating = await cp.client.deployments.delete(NS, 'cascade', { propagationPolicy: 'Foreground' });
    expect(terminating.metadata?.finalizers).toContain('foregroundDeletion');
    await waitFor(async () => (await Promise.all(pods.map(podGone))).every(Boolean), { ...WAIT, desc: 'cascade pods deleted' });
    await waitFor(() => rsGone(rs), { ...WAIT, desc: 'cascade ReplicaSet deleted' });
    await waitFor(() => gone(() => cp.client.deployments.get(NS, 'cascade')), { ...WAIT, desc: 'cascade Deployment deleted last' });
  });

  it('Foreground delete of a bound pod: the finalizer goes at once, the kubelet-style grace-0 delete finishes it', async () => {
    await cp.client.pods.create(newPod({ name: 'fg-pod', namespace: NS, nodeName: 'node-57' }));
    const terminating = await cp.client.pods.delete(NS, 'fg-pod', { propagationPolicy: 'Foreground' });
    expect(terminating.metadata?.finalizers).toContain('foregroundDeletion');
    expect(terminating.metadata?.deletionGracePeriodSeconds).toBeGreaterThan(0);
    const released = await waitFor(
      async () => {
        const p = await cp.client.pods.get(NS, 'fg-pod');
        return (p.metadata?.finalizers ?? []).length === 0 ? p : undefined;
      },
      { ...WAIT, desc: 'foregroundDeletion removed from fg-pod' },
    );
    expect(released.metadata?.deletionTimestamp).toBeTruthy();
    await cp.client.pods.delete(NS, 'fg-pod', { gracePeriodSeconds: 0, preconditions: { uid: released.metadata?.uid } });
    expect(await gone(() => cp.client.pods.get(NS, 'fg-pod'))).toBe(true);
  });

  it('Orphan: the ReplicaSet goes, its pods stay without the ownerReference', async () => {
    const { rs, pods } = await withPods('orph', 2);
    await cp.client.replicaSets.delete(NS, 'orph', { propagationPolicy: 'Orphan' });
    await waitFor(() => rsGone(rs), { ...WAIT, desc: 'orph deleted' });
    for (const p of pods) {
      const left = await cp.client.pods.get(NS, p.metadata?.name ?? '');
      expect(left.metadata?.ownerReferences ?? []).toEqual([]);
    }
  });
});

describe('restart', () => {
  it('collects dependents of owners deleted while it was down', async () => {
    await cm?.proc.stop();
    cm = undefined;
    const rs = await cp.client.replicaSets.create({
      metadata: { name: 'down', namespace: NS },
      spec: { replicas: 0, selector: { matchLabels: { rs: 'down' } }, template: { metadata: { labels: { rs: 'down' } }, spec: { containers: [{ name: 'app', image: 'k8ts/echo' }] } } },
    });
    const pod = newPod({ name: 'down-0', namespace: NS, labels: { rs: 'down' } });
    pod.metadata = { ...pod.metadata, ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'down', uid: rs.metadata?.uid, controller: true }] };
    await cp.client.pods.create(pod);
    await cp.client.replicaSets.delete(NS, 'down');
    cm = await startCm(`${NS}-2`);
    await waitFor(() => gone(() => cp.client.pods.get(NS, 'down-0')), { ...WAIT, desc: 'orphaned pod collected at start-up' });
  });
});
