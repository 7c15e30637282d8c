// The ReplicaSet controller as a real process: nats-server + apiserver +
// controller-manager (--controllers replicaset,deployment); pods are not
// run, the test writes their Ready status as a kubelet would.
import { type Pod, type ReplicaSet } from '@k8ts/api';
import { isNotFound } from '@k8ts/apimachinery';
import { newNamespace, waitFor } from '@k8ts/testing';
import { startControlPlane, startControllerManager, type ControlPlane, type ControllerManagerProcess } from './testing/control-plane';
import { isReady, markReady } from './testing/pod-readiness';

jest.setTimeout(120_000);

const NS = 'cm-rs';

let cp: ControlPlane;
let cm: ControllerManagerProcess;

beforeAll(async () => {
  cp = await startControlPlane();
  await cp.client.namespaces.create(newNamespace(NS));
  cm = await startControllerManager(cp, { identity: 'cm-rs-1' });
});

afterAll(async () => {
  await cm?.proc.stop();
  await cp?.stop();
});

function newReplicaSet(name: string, replicas: number, labels: Record<string, string>): ReplicaSet {
  return {
    metadata: { name, namespace: NS },
    spec: {
      replicas,
      selector: { matchLabels: labels },
      template: { metadata: { labels }, spec: { containers: [{ name: 'app', image: 'k8ts/echo' }] } },
    },
  };
}

async function podsOf(rs: ReplicaSet): Promise<Pod[]> {
  const { items } = await cp.client.pods.list({ namespace: NS });
  return items.filter((p) => p.metadata?.ownerReferences?.some((r) => r.uid === rs.metadata?.uid && r.controller));
}

async function waitForPods(rs: ReplicaSet, n: number, desc: string): Promise<Pod[]> {
  return waitFor(
    async () => {
      const pods = await podsOf(rs);
      return pods.length === n ? pods : undefined;
    },
    { timeoutMs: 30_000, intervalMs: 100, desc },
  );
}

describe('ReplicaSet controller (real processes)', () => {
  let rs: ReplicaSet;

  it('creates spec.replicas pods with a controller ownerReference and reports status', async () => {
    rs = await cp.client.replicaSets.create(newReplicaSet('web', 3, { app: 'web' }));
    const pods = await waitForPods(rs, 3, '3 pods of web');
    for (const pod of pods) {
      expect(pod.metadata?.generateName).toBe('web-');
      expect(pod.metadata?.name).toMatch(/^web-[a-z0-9]{5}$/);
      expect(pod.metadata?.labels).toEqual({ app: 'web' });
      expect(pod.metadata?.ownerReferences).toEqual([{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web', uid: rs.metadata?.uid, controller: true, blockOwnerDeletion: true }]);
    }
    const status = await waitFor(
      async () => {
        const cur = await cp.client.replicaSets.get(NS, 'web');
        return cur.status?.replicas === 3 && cur.status.observedGeneration === cur.metadata?.generation ? cur.status : undefined;
      },
      { timeoutMs: 20_000, desc: 'status.replicas 3' },
    );
    expect(status).toMatchObject({ replicas: 3, fullyLabeledReplicas: 3 });
    expect(status.readyReplicas ?? 0).toBe(0);
    const events = await waitFor(
      async () => {
        const { items } = await cp.client.events.list({ namespace: NS });
        const created = items.filter((e) => e.reason === 'SuccessfulCreate' && e.involvedObject?.name === 'web');
        return created.length === 3 ? created : undefined;
      },
      { timeoutMs: 20_000, desc: '3 SuccessfulCreate events' },
    );
    expect(events.map((e) => e.message).sort()).toEqual(pods.map((p) => `Created pod: ${p.metadata?.name}`).sort());
    expect(events[0]?.source?.component).toBe('replicaset-controller');
  });

  it('counts ready pods and replaces a deleted pod', async () => {
    const pods = await podsOf(rs);
    for (const pod of pods) await markReady(cp.client, pod);
    await waitFor(async () => (await cp.client.replicaSets.get(NS, 'web')).status?.availableReplicas === 3, { timeoutMs: 20_000, desc: 'availableReplicas 3' });
    const victim = pods[0] as Pod;
    await cp.client.pods.delete(NS, victim.metadata?.name ?? '');
    const after = await waitFor(
      async () => {
        const cur = await podsOf(rs);
        return cur.length === 3 && !cur.some((p) => p.metadata?.uid === victim.metadata?.uid) ? cur : undefined;
      },
      { timeoutMs: 20_000, desc: 'a replacement pod' },
    );
    expect(after.filter((p) => !pods.some((o) => o.metadata?.uid === p.metadata?.uid))).toHaveLength(1);
    const st = await waitFor(
      async () => {
        const s = (await cp.client.replicaSets.get(NS, 'web')).status;
        return s?.replicas === 3 && s.readyReplicas === 2 ? s : undefined;
      },
      { timeoutMs: 20_000, desc: 'ready 2 of 3' },
    );
    expect(st.availableReplicas).toBe(2);
  });

  it('scales down by deleting the not-ready pod first', async () => {
    const pods = await podsOf(rs);
    const notReady = pods.filter((p) => !isReady(p));
    expect(notReady).toHaveLength(1);
    const cur = await cp.client.replicaSets.get(NS, 'web');
    await cp.client.replicaSets.update({ ...cur, spec: { ...cur.spec, replicas: 2 } });
    const left = await waitForPods(rs, 2, '2 pods after scale down');
    expect(left.map((p) => p.metadata?.name).sort()).toEqual(pods.filter(isReady).map((p) => p.metadata?.name).sort());
    const status = await waitFor(
      async () => {
        const r = await cp.client.replicaSets.get(NS, 'web');
        return r.status?.replicas === 2 && r.status.observedGeneration === r.metadata?.generation ? r.status : undefined;
      },
      { timeoutMs: 20_000, desc: 'status after scale down' },
    );
    expect(status).toMatchObject({ replicas: 2, readyReplicas: 2, availableReplicas: 2, observedGeneration: 2 });
    const { items } = await cp.client.events.list({ namespace: NS });
    expect(items.some((e) => e.reason === 'SuccessfulDelete' && e.message === `Deleted pod: ${notReady[0]?.metadata?.name}`)).toBe(true);
  });

  it('adopts a matching orphan (deleting the surplus) and releases a pod whose labels stop matching', async () => {
    await cp.client.pods.create({
      metadata: { name: 'orphan', namespace: NS, labels: { app: 'web' } },
      spec: { containers: [{ name: 'app', image: 'k8ts/echo' }] },
    });
    // Adopted, then one pod too many: the orphan (pending, not ready) goes.
    await waitFor(
      async () => {
        const gone = await cp.client.pods.get(NS, 'orphan').then(
          () => false,
          (err: unknown) => isNotFound(err),
        );
        return gone && (await podsOf(rs)).length === 2;
      },
      { timeoutMs: 20_000, desc: 'orphan adopted and deleted as surplus' },
    );
    const { items } = await cp.client.events.list({ namespace: NS });
    expect(items.some((e) => e.reason === 'SuccessfulDelete' && e.message === 'Deleted pod: orphan')).toBe(true);
    const [first] = await podsOf(rs);
    const moved = await cp.client.pods.update({ ...(first as Pod), metadata: { ...first?.metadata, labels: { app: 'other' } } });
    const released = await waitFor(
      async () => {
        const p = await cp.client.pods.get(NS, moved.metadata?.name ?? '');
        return (p.metadata?.ownerReferences ?? []).length === 0 ? p : undefined;
      },
      { timeoutMs: 20_000, desc: 'pod released' },
    );
    expect(released.metadata?.labels).toEqual({ app: 'other' });
    const pods = await waitForPods(rs, 2, 'replacement for the released pod');
    expect(pods.some((p) => p.metadata?.uid === moved.metadata?.uid)).toBe(false);
  });

  it('serves health, readiness and metrics, and holds the kube-controller-manager lease', async () => {
    expect((await cm.get('/healthz')).status).toBe(200);
    expect((await cm.get('/readyz')).status).toBe(200);
    expect(await cm.metric('leader_election_master_status{name="kube-controller-manager"}')).toBe(1);
    expect(await cm.metric('controller_manager_syncs_total{controller="replicaset",result="success"}')).toBeGreaterThan(0);
    expect(await cm.metric('workqueue_adds_total{name="replicaset"}')).toBeGreaterThan(0);
    const lease = await cp.client.leases.get('kube-system', 'kube-controller-manager');
    expect(lease.spec?.holderIdentity).toBe('cm-rs-1');
  });

  it('stops cleanly on SIGTERM', async () => {
    const exit = await cm.proc.stop();
    expect(exit).toMatchObject({ code: 0 });
  });
});
