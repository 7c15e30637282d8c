// The node lifecycle controller against a real kubelet (node-51 with real
// echo pods): the kubelet is frozen with SIGSTOP (its pods keep running,
// its Lease stops renewing), so node-51 goes Unknown, is tainted, its pods
// go Ready=False and the intolerant one is evicted; SIGCONT brings the
// kubelet back, the taints go, the kubelet tears the evicted pod down and
// reports the surviving pod Ready again. Then a Foreground delete of a
// ReplicaSet whose pod runs there: the ReplicaSet waits for the kubelet's
// graceful teardown of the pod. Every pod process is gone at the end.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { microTimeFromDate, timeFromDate, type Node, type Pod, type ReplicaSet } from '@k8ts/api';
import { isNotFound } from '@k8ts/apimachinery';
import { appBundle, freePort, type ManagedProcess, newNamespace, newPod, startProcess, waitFor } from '@k8ts/testing';
import { startControlPlane, startControllerManager, type ControlPlane, type ControllerManagerProcess } from '../testing/control-plane';

jest.setTimeout(180_000);

const NS = 'cm-kubelet';
const NODE = 'node-51';
const NODE_IP = '127.10.0.51';
const WAIT = { timeoutMs: 45_000, intervalMs: 200 };

let cp: ControlPlane;
let cm: ControllerManagerProcess | undefined;
let kubelet: ManagedProcess | undefined;
let rootDir: string;
let renewing: NodeJS.Timeout | undefined;

/** node-53: a second node whose "kubelet" (this test) keeps renewing its Lease, so node-51 alone going quiet is no master disruption. */
const HEALTHY = 'node-53';

async function fakeHealthyNode(): Promise<void> {
  const node = await cp.client.nodes.create({ metadata: { name: HEALTHY }, spec: {} });
  const now = timeFromDate(new Date());
  await cp.client.nodes.updateStatus({ ...node, status: { conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady', lastHeartbeatTime: now, lastTransitionTime: now }] } });
  await cp.client.leases.create({ metadata: { name: HEALTHY, namespace: 'kube-node-lease' }, spec: { holderIdentity: HEALTHY, leaseDurationSeconds: 40, renewTime: microTimeFromDate(new Date()) } });
  renewing = setInterval(() => {
    void cp.client.leases
      .get('kube-node-lease', HEALTHY)
      .then((l) => cp.client.leases.update({ ...l, spec: { ...l.spec, renewTime: microTimeFromDate(new Date()) } }))
      .catch(() => undefined);
  }, 500);
}

beforeAll(async () => {
  cp = await startControlPlane();
  await cp.client.namespaces.create(newNamespace(NS));
  await fakeHealthyNode();
  cm = await startControllerManager(cp, {
    identity: 'cm-kubelet-1',
    controllers: 'nodelifecycle,garbagecollector',
    extraArgs: ['--node-monitor-grace-period', '4', '--node-monitor-period', '1', '--default-unreachable-toleration-seconds', '4', '--default-not-ready-toleration-seconds', '4'],
  });
  rootDir = mkdtempSync(join(tmpdir(), `k8ts-cm-${NODE}-`));
  const healthzPort = await freePort();
  kubelet = await startProcess(
    process.execPath,
    [
      await appBundle('kubelet'),
      '--node-name', NODE,
      '--api-address', cp.grpcAddress,
      '--nats-url', cp.nats.url,
      '--root-dir', rootDir,
      '--port', String(await freePort()),
      '--healthz-port', String(healthzPort),
      '--echo-entry', await appBundle('echo'),
      '--node-lease-renew-interval-seconds', '1',
      '--node-status-update-frequency-seconds', '1',
      '--cluster-dns', '',
      '--log-level', 'warn',
    ],
    {
      name: 'kubelet',
      env: { ...process.env, OTEL_SDK_DISABLED: 'true' },
      readyCheck: async () => (await fetch(`http://${NODE_IP}:${healthzPort}/healthz`)).ok,
      readyTimeoutMs: 30_000,
    },
  );
});

afterAll(async () => {
  clearInterval(renewing);
  if (kubelet) process.kill(kubelet.pid, 'SIGCONT');
  const { items } = await cp.client.pods.list({ namespace: NS }).catch(() => ({ items: [] as Pod[] }));
  await Promise.all(items.map((p) => cp.client.pods.delete(NS, p.metadata?.name ?? '', { gracePeriodSeconds: 1 }).catch(() => undefined)));
  await waitFor(async () => (await cp.client.pods.list({ namespace: NS })).items.length === 0, { timeoutMs: 30_000, desc: 'pods torn down' }).catch(() => undefined);
  await kubelet?.stop();
  await cm?.proc.stop();
  await cp?.stop();
  const leftovers = livePidsUnder(rootDir);
  for (const pid of leftovers) process.kill(Number(pid), 'SIGKILL');
  rmSync(rootDir, { recursive: true, force: true });
  expect(leftovers).toEqual([]);
});

function livePidsUnder(dir: string): string[] {
  return readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(dir);
      } catch {
        return false;
      }
    });
}

const readyOf = (n: Node) => n.status?.conditions?.find((c) => c.type === 'Ready')?.status;
const taintsOf = (n: Node) => (n.spec?.taints ?? []).map((t) => `${t.key}:${t.effect}`);
const podReady = (p: Pod) => p.status?.conditions?.find((c) => c.type === 'Ready')?.status;

async function pod(name: string): Promise<Pod | undefined> {
  try {
    return await cp.client.pods.get(NS, name);
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}

it('a frozen kubelet: node Unknown + unreachable taints, pods not ready, intolerant pod evicted; thawed: taints gone, evicted pod torn down, survivor Ready', async () => {
  await waitFor(async () => readyOf(await cp.client.nodes.get(undefined, NODE)) === 'True', { ...WAIT, desc: `${NODE} Ready` });
  const doomed = newPod({ name: 'doomed', namespace: NS, nodeName: NODE });
  const survivor = newPod({ name: 'survivor', namespace: NS, nodeName: NODE });
  survivor.spec = { ...survivor.spec, tolerations: [{ key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute' }] };
  await cp.client.pods.create(doomed);
  await cp.client.pods.create(survivor);
  await waitFor(async () => (await Promise.all(['doomed', 'survivor'].map(pod))).every((p) => p && podReady(p) === 'True'), { ...WAIT, desc: 'both pods Ready' });
  // The kubelet's own not-ready NoSchedule taint (if any) is gone once it is Ready.
  await waitFor(async () => taintsOf(await cp.client.nodes.get(undefined, NODE)).length === 0, { ...WAIT, desc: `${NODE} without taints` });

  process.kill((kubelet as ManagedProcess).pid, 'SIGSTOP');
  try {
    await waitFor(
      async () => {
        const n = await cp.client.nodes.get(undefined, NODE);
        return readyOf(n) === 'Unknown' && taintsOf(n).includes('node.kubernetes.io/unreachable:NoExecute');
      },
      { ...WAIT, desc: `${NODE} Unknown and tainted` },
    );
    await waitFor(async () => podReady((await pod('survivor')) as Pod) === 'False', { ...WAIT, desc: 'survivor Ready=False' });
    await waitFor(async () => !!(await pod('doomed'))?.metadata?.deletionTimestamp, { ...WAIT, desc: 'doomed evicted' });
    expect((await pod('survivor'))?.metadata?.deletionTimestamp).toBeUndefined();
  } finally {
    process.kill((kubelet as ManagedProcess).pid, 'SIGCONT');
  }

  await waitFor(
    async () => {
      const n = await cp.client.nodes.get(undefined, NODE);
      return readyOf(n) === 'True' && taintsOf(n).length === 0;
    },
    { ...WAIT, desc: `${NODE} Ready again without taints` },
  );
  await waitFor(async () => (await pod('doomed')) === undefined, { ...WAIT, desc: 'doomed torn down by the kubelet' });
  await waitFor(async () => podReady((await pod('survivor')) as Pod) === 'True', { ...WAIT, desc: 'survivor Ready again' });
});

it('Foreground delete of a ReplicaSet waits for the graceful teardown of its running pod', async () => {
  const rs: ReplicaSet = await cp.client.replicaSets.create({
    metadata: { name: 'fg', namespace: NS },
    spec: { replicas: 0, selector: { matchLabels: { rs: 'fg' } }, template: { metadata: { labels: { rs: 'fg' } }, spec: { containers: [{ name: 'app', image: 'k8ts/echo' }] } } },
  });
  const p = newPod({ name: 'fg-0', namespace: NS, nodeName: NODE, labels: { rs: 'fg' } });
  p.metadata = { ...p.metadata, ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'fg', uid: rs.metadata?.uid, controller: true, blockOwnerDeletion: true }] };
  await cp.client.pods.create(p);
  await waitFor(async () => podReady((await pod('fg-0')) as Pod) === 'True', { ...WAIT, desc: 'fg-0 Ready' });

  await cp.client.replicaSets.delete(NS, 'fg', { propagationPolicy: 'Foreground' });
  // The pod is terminating (graceful, the kubelet stops it) while the ReplicaSet waits for it.
  // The kubelet may finish the teardown between two polls, so "already gone" also ends the wait.
  const seen = await waitFor(
    async () => {
      const cur = await pod('fg-0');
      if (!cur) return { gone: true as const };
      return cur.metadata?.deletionTimestamp ? { gone: false as const, cur } : undefined;
    },
    { ...WAIT, desc: 'fg-0 terminating (or already torn down)' },
  );
  if (!seen.gone) {
    expect(seen.cur.metadata?.deletionGracePeriodSeconds).toBeGreaterThan(0);
    // While a blocking dependent exists, the owner is held by the foregroundDeletion finalizer.
    const owner = await cp.client.replicaSets.get(NS, 'fg').catch((err: unknown) => {
      if (isNotFound(err)) return undefined;
      throw err;
    });
    if (owner && (await pod('fg-0'))) expect(owner.metadata?.finalizers).toContain('foregroundDeletion');
  }
  await waitFor(async () => (await pod('fg-0')) === undefined, { ...WAIT, desc: 'fg-0 gone' });
  await waitFor(
    async () => {
      try {
        await cp.client.replicaSets.get(NS, 'fg');
        return false;
      } catch (err) {
        if (isNotFound(err)) return true;
        throw err;
      }
    },
    { ...WAIT, desc: 'ReplicaSet fg gone after its pod' },
  );
});
