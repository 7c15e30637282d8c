// Node lifecycle, garbage collector and servicelb as a real process:
// nats-server + apiserver (127.103.0.0/16) + controller-manager
// (--controllers nodelifecycle,garbagecollector,servicelb, short grace
// periods, LB pool 127.242.0.0/24). There is no kubelet: the test plays it,
// creating node-50 with a Ready condition and renewing its Lease, then
// going quiet.
import { microTimeFromDate, timeFromDate, type Node, type OwnerReference, type Pod, type ReplicaSet, type Service } from '@k8ts/api';
import { isNotFound } from '@k8ts/apimachinery';
import { newNamespace, newPod, newService, waitFor } from '@k8ts/testing';
import { startControlPlane, startControllerManager, type ControlPlane, type ControllerManagerProcess } from '../testing/control-plane';
import { markReady } from '../testing/pod-readiness';

jest.setTimeout(180_000);

const NS = 'cm-lifecycle';
const NODE = 'node-50';
const GRACE_S = 4;
const TOLERATION_S = 5;
const WAIT = { timeoutMs: 40_000, intervalMs: 100 };

let cp: ControlPlane;
let cm: ControllerManagerProcess | undefined;

function startCm(identity: string): Promise<ControllerManagerProcess> {
  return startControllerManager(cp, {
    identity,
    controllers: 'nodelifecycle,garbagecollector,servicelb',
    extraArgs: [
      '--load-balancer-ip-pool',
      '127.242.0.0/24',
      '--node-monitor-grace-period',
      String(GRACE_S),
      '--node-monitor-period',
      '1',
      '--default-unreachable-toleration-seconds',
      String(TOLERATION_S),
      '--default-not-ready-toleration-seconds',
      String(TOLERATION_S),
    ],
  });
}

beforeAll(async () => {
  cp = await startControlPlane();
  await cp.client.namespaces.create(newNamespace(NS));
  cm = await startCm('cm-lifecycle-1');
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

async function eventReasons(name: string): Promise<string[]> {
  const { items } = await cp.client.events.list({});
  return items.filter((e) => e.involvedObject?.name === name).map((e) => e.reason ?? '');
}

describe('servicelb', () => {
  const ingressIp = (s: Service) => s.status?.loadBalancer?.ingress?.[0]?.ip;

  async function waitForIp(name: string): Promise<Service> {
    return waitFor(
      async () => {
        const s = await cp.client.services.get(NS, name);
        return ingressIp(s) ? s : undefined;
      },
      { ...WAIT, desc: `an ingress IP for ${name}` },
    );
  }

  it('gives LoadBalancer Services pool addresses, honours loadBalancerIP, and releases on type change and delete', async () => {
    await cp.client.services.create(newService({ name: 'lb-a', namespace: NS, type: 'LoadBalancer' }));
    const a = await waitForIp('lb-a');
    expect(ingressIp(a)).toMatch(/^127\.242\.0\.\d+$/);
    expect(a.status?.loadBalancer?.ingress?.map((i) => ({ ip: i.ip, ipMode: i.ipMode }))).toEqual([{ ip: ingressIp(a), ipMode: 'VIP' }]);
    await waitFor(async () => (await eventReasons('lb-a')).includes('EnsuredLoadBalancer'), { ...WAIT, desc: 'EnsuredLoadBalancer event' });

    const requested = newService({ name: 'lb-b', namespace: NS, type: 'LoadBalancer' });
    requested.spec = { ...requested.spec, loadBalancerIP: '127.242.0.77' };
    await cp.client.services.create(requested);
    expect(ingressIp(await waitForIp('lb-b'))).toBe('127.242.0.77');

    // A ClusterIP Service is none of servicelb's business.
    await cp.client.services.create(newService({ name: 'plain', namespace: NS }));

    // Type change away from LoadBalancer: the status is cleared and the address freed for another.
    const current = await cp.client.services.get(NS, 'lb-a');
    await cp.client.services.update({ ...current, spec: { ...current.spec, type: 'ClusterIP', allocateLoadBalancerNodePorts: undefined, ports: current.spec?.ports?.map((p) => ({ ...p, nodePort: undefined })) } });
    const taker = newService({ name: 'lb-c', namespace: NS, type: 'LoadBalancer' });
    taker.spec = { ...taker.spec, loadBalancerIP: ingressIp(a) };
    await cp.client.services.create(taker);
    expect(ingressIp(await waitForIp('lb-c'))).toBe(ingressIp(a));
    expect((await cp.client.services.get(NS, 'lb-a')).status?.loadBalancer?.ingress ?? []).toEqual([]);

    // Delete: .77 is free again.
    await cp.client.services.delete(NS, 'lb-b');
    const again = newService({ name: 'lb-d', namespace: NS, type: 'LoadBalancer' });
    again.spec = { ...again.spec, loadBalancerIP: '127.242.0.77' };
    await cp.client.services.create(again);
    expect(ingressIp(await waitForIp('lb-d'))).toBe('127.242.0.77');
    expect((await cp.client.services.get(NS, 'plain')).status?.loadBalancer?.ingress ?? []).toEqual([]);
  });

  it('an address already taken is refused with an AllocationFailed Warning', async () => {
    const dup = newService({ name: 'lb-dup', namespace: NS, type: 'LoadBalancer' });
    dup.spec = { ...dup.spec, loadBalancerIP: '127.242.0.77' };
    await cp.client.services.create(dup);
    await waitFor(async () => (await eventReasons('lb-dup')).includes('AllocationFailed'), { ...WAIT, desc: 'AllocationFailed event' });
    expect((await cp.client.services.get(NS, 'lb-dup')).status?.loadBalancer?.ingress ?? []).toEqual([]);
    await cp.client.services.delete(NS, 'lb-dup');
  });
});

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
  it('collects dependents of owners deleted while it was down, and never hands out an address twice', async () => {
    const before = await cp.client.services.list({ namespace: NS });
    const taken = new Set(before.items.flatMap((s) => (s.status?.loadBalancer?.ingress ?? []).map((i) => i.ip)));
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
    await cp.client.services.create(newService({ name: 'lb-after', namespace: NS, type: 'LoadBalancer' }));

    cm = await startCm('cm-lifecycle-2');
    await waitFor(() => gone(() => cp.client.pods.get(NS, 'down-0')), { ...WAIT, desc: 'orphaned pod collected at start-up' });
    const after = await waitFor(
      async () => {
        const s = await cp.client.services.get(NS, 'lb-after');
        return s.status?.loadBalancer?.ingress?.[0]?.ip;
      },
      { ...WAIT, desc: 'lb-after has an address' },
    );
    expect(taken.has(after)).toBe(false);
  });
});

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
