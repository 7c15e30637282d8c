// The node lifecycle controller as a real process: nats-server + apiserver
// (127.103.0.0/16) + controller-manager (--controllers nodelifecycle, short
// grace periods). There is no kubelet: the test plays it, creating node-50
// (and a healthy node-58) with a Ready condition and renewing their Leases,
// then going quiet. real-kubelet.integration.spec.ts does the same with a
// real kubelet.
import { microTimeFromDate, timeFromDate, type Node, type Pod } from '@k8ts/api';
import { isNotFound } from '@k8ts/apimachinery';
import { newNamespace, newPod, waitFor } from '@k8ts/testing';
import { startControlPlane, startControllerManager, type ControlPlane, type ControllerManagerProcess } from '../testing/control-plane';
import { markReady } from '../testing/pod-readiness';

jest.setTimeout(120_000);

const NS = 'cm-lifecycle';
const NODE = 'node-50';
const GRACE_S = 4;
const TOLERATION_S = 5;
const CONTROLLERS = 'nodelifecycle';
const EXTRA_ARGS = [
  '--node-monitor-grace-period',
  String(GRACE_S),
  '--node-monitor-period',
  '1',
  '--default-unreachable-toleration-seconds',
  String(TOLERATION_S),
  '--default-not-ready-toleration-seconds',
  String(TOLERATION_S),
];
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

async function eventReasons(name: string): Promise<string[]> {
  const { items } = await cp.client.events.list({});
  return items.filter((e) => e.involvedObject?.name === name).map((e) => e.reason ?? '');
}

describe('node lifecycle', () => {
  const HEALTHY = 'node-58';
  const renewed = new Set<string>();
  let renewing: NodeJS.Timeout | undefined;

  beforeAll(() => {
    renewing = setInterval(() => {
      for (const name of renewed) void renewLease(name).catch(() => undefined);
    }, 500);
  });
  afterAll(() => clearInterval(renewing));

  async function postReady(name: string): Promise<void> {
    const node = await cp.client.nodes.get(undefined, name);
    const now = timeFromDate(new Date());
    await cp.client.nodes.updateStatus({
      ...node,
      status: {
        ...node.status,
        conditions: [
          { type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status', lastHeartbeatTime: now, lastTransitionTime: now },
          { type: 'MemoryPressure', status: 'False', reason: 'KubeletHasSufficientMemory', lastHeartbeatTime: now, lastTransitionTime: now },
        ],
      },
    });
  }

  async function renewLease(name: string): Promise<void> {
    const lease = await cp.client.leases.get('kube-node-lease', name);
    await cp.client.leases.update({ ...lease, spec: { ...lease.spec, renewTime: microTimeFromDate(new Date()) } });
  }

  /** What a kubelet does at start: register the node, report Ready, create its Lease and keep renewing it. */
  async function fakeKubelet(name: string): Promise<void> {
    await cp.client.nodes.create({ metadata: { name, labels: { 'kubernetes.io/hostname': name } }, spec: {} });
    await postReady(name);
    await cp.client.leases.create({
      metadata: { name, namespace: 'kube-node-lease' },
      spec: { holderIdentity: name, leaseDurationSeconds: 40, renewTime: microTimeFromDate(new Date()) },
    });
    renewed.add(name);
  }

  const readyOf = (n: Node) => n.status?.conditions?.find((c) => c.type === 'Ready');
  const taintsOf = (n: Node) => (n.spec?.taints ?? []).map((t) => `${t.key}:${t.effect}`);
  const podReady = (p: Pod) => p.status?.conditions?.find((c) => c.type === 'Ready')?.status;

  it('a node whose Lease stops renewing goes Unknown, is tainted, its pods go not ready and are evicted after the toleration; recovery untaints', async () => {
    // A second, healthy node: with every node down the controller would enter master disruption mode instead.
    await fakeKubelet(HEALTHY);
    await fakeKubelet(NODE);
    const plain = newPod({ name: 'on-node', namespace: NS, nodeName: NODE });
    const tolerant = newPod({ name: 'tolerant', namespace: NS, nodeName: NODE });
    tolerant.spec = { ...tolerant.spec, tolerations: [{ key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute' }] };
    for (const p of [plain, tolerant]) await markReady(cp.client, await cp.client.pods.create(p));

    // Healthy while the Lease renews: two grace periods pass without a taint.
    await waitFor(async () => (await eventReasons(NODE)).includes('RegisteredNode'), { ...WAIT, desc: 'RegisteredNode event' });
    const healthyUntil = Date.now() + 2 * GRACE_S * 1000;
    await waitFor(
      async () => {
        const n = await cp.client.nodes.get(undefined, NODE);
        if (readyOf(n)?.status !== 'True' || taintsOf(n).length > 0) throw new Error(`node-50 went unhealthy while renewing: ${JSON.stringify(n.status?.conditions)}`);
        return Date.now() > healthyUntil;
      },
      { timeoutMs: 30_000, intervalMs: 250, desc: 'node-50 stays healthy' },
    );

    // The "kubelet" dies.
    renewed.delete(NODE);
    const stoppedAt = Date.now();
    const lost = await waitFor(
      async () => {
        const n = await cp.client.nodes.get(undefined, NODE);
        return readyOf(n)?.status === 'Unknown' && taintsOf(n).includes('node.kubernetes.io/unreachable:NoExecute') ? n : undefined;
      },
      { ...WAIT, desc: 'node-50 Unknown and tainted unreachable' },
    );
    expect(Date.now() - stoppedAt).toBeGreaterThanOrEqual(GRACE_S * 1000 - 1000);
    expect(readyOf(lost)).toMatchObject({ reason: 'NodeStatusUnknown' });
    expect(lost.status?.conditions?.find((c) => c.type === 'MemoryPressure')?.status).toBe('Unknown');
    expect(taintsOf(lost)).toContain('node.kubernetes.io/unreachable:NoSchedule');
    expect(lost.spec?.taints?.find((t) => t.effect === 'NoExecute')?.timeAdded).toBeTruthy();

    await waitFor(
      async () => {
        const pods = await Promise.all(['on-node', 'tolerant'].map((n) => cp.client.pods.get(NS, n)));
        return pods.every((p) => podReady(p) === 'False');
      },
      { ...WAIT, desc: 'pods on node-50 Ready=False' },
    );

    // Evicted after the (default) toleration; the pod tolerating unreachable forever stays.
    const evicted = await waitFor(
      async () => {
        try {
          const p = await cp.client.pods.get(NS, 'on-node');
          return p.metadata?.deletionTimestamp ? p : undefined;
        } catch (err) {
          if (isNotFound(err)) return { metadata: { deletionTimestamp: 'gone' } } as Pod;
          throw err;
        }
      },
      { ...WAIT, desc: 'on-node evicted' },
    );
    expect(evicted.metadata?.deletionTimestamp).toBeTruthy();
    expect(evicted.status?.conditions?.find((c) => c.type === 'DisruptionTarget')).toMatchObject({ status: 'True', reason: 'DeletionByTaintManager' });
    await waitFor(async () => (await eventReasons('on-node')).includes('TaintManagerEviction'), { ...WAIT, desc: 'TaintManagerEviction event' });
    expect((await cp.client.pods.get(NS, 'tolerant')).metadata?.deletionTimestamp).toBeUndefined();
    expect(await eventReasons(NODE)).toContain('NodeNotReady');
    expect(taintsOf(await cp.client.nodes.get(undefined, HEALTHY))).toEqual([]);

    // The "kubelet" comes back.
    await renewLease(NODE);
    await postReady(NODE);
    renewed.add(NODE);
    await waitFor(
      async () => {
        const n = await cp.client.nodes.get(undefined, NODE);
        return readyOf(n)?.status === 'True' && taintsOf(n).length === 0;
      },
      { ...WAIT, desc: 'node-50 Ready again without taints' },
    );
  });

  it('master disruption: when every node goes silent, no NoExecute taints and no evictions', async () => {
    const p = newPod({ name: 'stays', namespace: NS, nodeName: HEALTHY });
    await markReady(cp.client, await cp.client.pods.create(p));
    renewed.clear();
    await waitFor(
      async () => {
        const ns = await Promise.all([NODE, HEALTHY].map((n) => cp.client.nodes.get(undefined, n)));
        // The first node to go may be tainted for a moment, until the second one goes too.
        return ns.every((n) => readyOf(n)?.status === 'Unknown' && !taintsOf(n).some((t) => t.endsWith(':NoExecute')));
      },
      { ...WAIT, desc: 'both nodes Unknown, without NoExecute taints' },
    );
    // Longer than the toleration: still no NoExecute taint, nothing evicted.
    const until = Date.now() + (TOLERATION_S + 2) * 1000;
    await waitFor(
      async () => {
        const ns = await Promise.all([NODE, HEALTHY].map((n) => cp.client.nodes.get(undefined, n)));
        for (const n of ns) if (taintsOf(n).some((t) => t.endsWith(':NoExecute'))) throw new Error(`${n.metadata?.name} got ${taintsOf(n).join(',')}`);
        if ((await cp.client.pods.get(NS, 'stays')).metadata?.deletionTimestamp) throw new Error('stays was evicted');
        return Date.now() > until;
      },
      { timeoutMs: 30_000, intervalMs: 250, desc: 'no NoExecute taints in master disruption' },
    );
    expect(taintsOf(await cp.client.nodes.get(undefined, HEALTHY))).toEqual(['node.kubernetes.io/unreachable:NoSchedule']);
  });
});
