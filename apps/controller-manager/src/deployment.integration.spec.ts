// The Deployment controller as a real process (with the ReplicaSet
// controller): nats-server + apiserver + controller-manager. A readiness
// loop stands in for kubelets and marks pods Ready some time after they
// appear, so rollouts move step by step.
import { intOrString, type Deployment, type ReplicaSet } from '@k8ts/api';
import { newNamespace, waitFor } from '@k8ts/testing';
import { computeHash } from './deployment/pod-template-hash';
import { startControlPlane, startControllerManager, type ControlPlane, type ControllerManagerProcess } from './testing/control-plane';
import { startPodReadiness, type PodReadinessLoop } from './testing/pod-readiness';

jest.setTimeout(180_000);

const NS = 'cm-deploy';
const REVISION = 'deployment.kubernetes.io/revision';

let cp: ControlPlane;
let cm: ControllerManagerProcess;
let readiness: PodReadinessLoop;

beforeAll(async () => {
  cp = await startControlPlane();
  await cp.client.namespaces.create(newNamespace(NS));
  cm = await startControllerManager(cp, { identity: 'cm-deploy-1' });
  // Pods of the image k8ts/never-ready never become ready.
  readiness = startPodReadiness(cp.client, NS, { readyAfterMs: 300, filter: (p) => p.spec?.containers?.[0]?.image !== 'k8ts/never-ready' });
});

afterAll(async () => {
  await readiness?.stop();
  await cm?.proc.stop();
  await cp?.stop();
});

function newDeployment(name: string, replicas: number, image: string): Deployment {
  return {
    metadata: { name, namespace: NS },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: intOrString(1), maxUnavailable: intOrString(1) } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'app', image }] } },
    },
  };
}

async function replicaSetsOf(d: Deployment): Promise<ReplicaSet[]> {
  const { items } = await cp.client.replicaSets.list({ namespace: NS });
  return items.filter((rs) => rs.metadata?.ownerReferences?.some((r) => r.uid === d.metadata?.uid && r.controller));
}

async function waitForComplete(name: string, replicas: number): Promise<Deployment> {
  return waitFor(
    async () => {
      const d = await cp.client.deployments.get(NS, name);
      const s = d.status;
      const progressing = s?.conditions?.find((c) => c.type === 'Progressing');
      const done =
        s?.observedGeneration === d.metadata?.generation &&
        s?.replicas === replicas &&
        s.updatedReplicas === replicas &&
        s.readyReplicas === replicas &&
        s.availableReplicas === replicas &&
        progressing?.reason === 'NewReplicaSetAvailable';
      return done ? d : undefined;
    },
    { timeoutMs: 60_000, intervalMs: 100, desc: `deployment ${name} complete with ${replicas} replicas` },
  );
}

describe('Deployment controller (real processes)', () => {
  let d: Deployment;
  let firstRS: ReplicaSet;

  it('creates a ReplicaSet named after the pod-template-hash and completes', async () => {
    d = await cp.client.deployments.create(newDeployment('web', 3, 'k8ts/echo:1'));
    const hash = computeHash(d.spec?.template);
    [firstRS] = await waitFor(
      async () => {
        const rss = await replicaSetsOf(d);
        return rss.length === 1 ? rss : undefined;
      },
      { timeoutMs: 20_000, desc: 'one ReplicaSet' },
    );
    expect(firstRS.metadata?.name).toBe(`web-${hash}`);
    expect(hash).toMatch(/^[bcdfghjklmnpqrstvwxz2456789]+$/);
    expect(firstRS.metadata?.labels).toEqual({ app: 'web', 'pod-template-hash': hash });
    expect(firstRS.spec?.selector?.matchLabels).toEqual({ app: 'web', 'pod-template-hash': hash });
    expect(firstRS.spec?.template?.metadata?.labels).toEqual({ app: 'web', 'pod-template-hash': hash });
    expect(firstRS.metadata?.annotations).toMatchObject({ [REVISION]: '1', 'deployment.kubernetes.io/desired-replicas': '3', 'deployment.kubernetes.io/max-replicas': '4' });
    expect(firstRS.metadata?.ownerReferences).toEqual([{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', uid: d.metadata?.uid, controller: true, blockOwnerDeletion: true }]);

    const done = await waitForComplete('web', 3);
    expect(done.metadata?.annotations?.[REVISION]).toBe('1');
    expect(done.status).toMatchObject({ replicas: 3, updatedReplicas: 3, readyReplicas: 3, availableReplicas: 3 });
    expect(done.status?.unavailableReplicas ?? 0).toBe(0);
    const available = done.status?.conditions?.find((c) => c.type === 'Available');
    expect(available).toMatchObject({ status: 'True', reason: 'MinimumReplicasAvailable', message: 'Deployment has minimum availability.' });
    const progressing = done.status?.conditions?.find((c) => c.type === 'Progressing');
    expect(progressing).toMatchObject({ status: 'True', reason: 'NewReplicaSetAvailable', message: `ReplicaSet "web-${hash}" has successfully progressed.` });
  });

  it('rolls a new image out to a new ReplicaSet within maxSurge and maxUnavailable', async () => {
    const cur = await cp.client.deployments.get(NS, 'web');
    const template = { ...cur.spec?.template, spec: { ...cur.spec?.template?.spec, containers: [{ name: 'app', image: 'k8ts/echo:2' }] } };
    const updated = await cp.client.deployments.update({ ...cur, spec: { ...cur.spec, template } });

    // Sample the rollout: never more than replicas + maxSurge pods wanted,
    // never fewer than replicas - maxUnavailable ready pods.
    const samples: { total: number; ready: number }[] = [];
    const done = await waitFor(
      async () => {
        const rss = await replicaSetsOf(d);
        const total = rss.reduce((n, rs) => n + (rs.spec?.replicas ?? 0), 0);
        const { items: pods } = await cp.client.pods.list({ namespace: NS });
        const ready = pods.filter((p) => !p.metadata?.deletionTimestamp && p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')).length;
        samples.push({ total, ready });
        const newRS = rss.find((rs) => rs.metadata?.uid !== firstRS.metadata?.uid);
        const old = rss.find((rs) => rs.metadata?.uid === firstRS.metadata?.uid);
        return newRS && old && old.spec?.replicas === 0 && newRS.status?.availableReplicas === 3 ? { newRS, old } : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 50, desc: 'rollout to the new ReplicaSet' },
    );
    expect(samples.length).toBeGreaterThan(1);
    for (const s of samples) {
      expect(s.total).toBeLessThanOrEqual(4);
      expect(s.ready).toBeGreaterThanOrEqual(2);
    }
    expect(done.newRS.metadata?.name).toBe(`web-${computeHash(updated.spec?.template)}`);
    expect(done.newRS.metadata?.annotations?.[REVISION]).toBe('2');
    expect(done.old.metadata?.annotations?.[REVISION]).toBe('1');
    const complete = await waitForComplete('web', 3);
    expect(complete.metadata?.annotations?.[REVISION]).toBe('2');
    expect(complete.status?.conditions?.find((c) => c.type === 'Progressing')?.message).toBe(`ReplicaSet "${done.newRS.metadata?.name}" has successfully progressed.`);

    const { items } = await cp.client.events.list({ namespace: NS });
    const scaling = items.filter((e) => e.reason === 'ScalingReplicaSet' && e.involvedObject?.name === 'web').map((e) => e.message);
    expect(scaling).toContain(`Scaled up replica set ${done.newRS.metadata?.name} from 0 to 1`);
    expect(scaling).toContain(`Scaled down replica set ${firstRS.metadata?.name} from 3 to 2`);
    expect(scaling.some((m) => new RegExp(`^Scaled down replica set ${firstRS.metadata?.name} from [12] to 0$`).test(m ?? ''))).toBe(true);
  });

  it('scales with spec.replicas', async () => {
    const cur = await cp.client.deployments.get(NS, 'web');
    await cp.client.deployments.update({ ...cur, spec: { ...cur.spec, replicas: 5 } });
    await waitForComplete('web', 5);
    const rss = await replicaSetsOf(d);
    expect(rss.map((rs) => rs.spec?.replicas).sort()).toEqual([0, 5]);
    const newRS = rss.find((rs) => rs.spec?.replicas === 5);
    expect(newRS?.metadata?.annotations).toMatchObject({ 'deployment.kubernetes.io/desired-replicas': '5', 'deployment.kubernetes.io/max-replicas': '6' });
  });

  it('keeps revisionHistoryLimit old ReplicaSets', async () => {
    const cur = await cp.client.deployments.get(NS, 'web');
    const template = { ...cur.spec?.template, spec: { ...cur.spec?.template?.spec, containers: [{ name: 'app', image: 'k8ts/echo:3' }] } };
    await cp.client.deployments.update({ ...cur, spec: { ...cur.spec, revisionHistoryLimit: 1, template } });
    await waitForComplete('web', 5);
    const rss = await waitFor(
      async () => {
        const list = await replicaSetsOf(d);
        return list.length === 2 ? list : undefined;
      },
      { timeoutMs: 30_000, desc: 'one old ReplicaSet kept' },
    );
    expect(rss.map((rs) => rs.metadata?.annotations?.[REVISION]).sort()).toEqual(['2', '3']);
  });

  it('rolls out with Recreate: old pods gone before new ones', async () => {
    const rd = newDeployment('batch', 2, 'k8ts/echo:1');
    rd.spec = { ...rd.spec, strategy: { type: 'Recreate' } };
    const created = await cp.client.deployments.create(rd);
    await waitForComplete('batch', 2);
    const cur = await cp.client.deployments.get(NS, 'batch');
    const template = { ...cur.spec?.template, spec: { ...cur.spec?.template?.spec, containers: [{ name: 'app', image: 'k8ts/echo:2' }] } };
    await cp.client.deployments.update({ ...cur, spec: { ...cur.spec, template } });
    const done = await waitForComplete('batch', 2);
    expect(done.metadata?.annotations?.[REVISION]).toBe('2');
    const rss = await replicaSetsOf(created);
    expect(rss.map((rs) => rs.spec?.replicas).sort()).toEqual([0, 2]);
    const { items } = await cp.client.events.list({ namespace: NS });
    const msgs = items.filter((e) => e.involvedObject?.name === 'batch' && e.reason === 'ScalingReplicaSet').map((e) => e.message ?? '');
    const down = msgs.findIndex((m) => /^Scaled down replica set batch-\w+ from 2 to 0$/.test(m));
    const up = msgs.findIndex((m) => m.startsWith('Scaled up replica set batch-') && m.endsWith('from 0 to 2') && !m.includes(rss.find((r) => r.spec?.replicas === 0)?.metadata?.name ?? '?'));
    expect(down).toBeGreaterThanOrEqual(0);
    expect(up).toBeGreaterThanOrEqual(0);
  });

  it('reports ProgressDeadlineExceeded for a rollout that stops making progress, keeping the old pods', async () => {
    const created = await cp.client.deployments.create({ ...newDeployment('stuck', 2, 'k8ts/echo:1'), spec: { ...newDeployment('stuck', 2, 'k8ts/echo:1').spec, progressDeadlineSeconds: 3 } });
    await waitForComplete('stuck', 2);
    const cur = await cp.client.deployments.get(NS, 'stuck');
    const template = { ...cur.spec?.template, spec: { ...cur.spec?.template?.spec, containers: [{ name: 'app', image: 'k8ts/never-ready' }] } };
    await cp.client.deployments.update({ ...cur, spec: { ...cur.spec, template } });
    const stuck = await waitFor(
      async () => {
        const d = await cp.client.deployments.get(NS, 'stuck');
        const p = d.status?.conditions?.find((c) => c.type === 'Progressing');
        return p?.reason === 'ProgressDeadlineExceeded' ? d : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 100, desc: 'Progressing=False ProgressDeadlineExceeded' },
    );
    const progressing = stuck.status?.conditions?.find((c) => c.type === 'Progressing');
    expect(progressing?.status).toBe('False');
    expect(progressing?.message).toMatch(/^ReplicaSet "stuck-\w+" has timed out progressing\.$/);
    // maxUnavailable 1 of 2: one old pod may go, the other stays; availability holds.
    expect(stuck.status?.conditions?.find((c) => c.type === 'Available')).toMatchObject({ status: 'True', reason: 'MinimumReplicasAvailable' });
    expect(stuck.status?.availableReplicas).toBeGreaterThanOrEqual(1);
    expect(stuck.status?.unavailableReplicas).toBeGreaterThanOrEqual(1);
    const rss = await replicaSetsOf(created);
    expect(rss).toHaveLength(2);
  });
});
