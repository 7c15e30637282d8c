// The scheduler program against real processes: nats-server, the apiserver
// and two scheduler replicas (short leases: 3 s / renew 2 s / retry 0.5 s).
//   - pods land where nodeSelector, tolerations and resources say;
//   - a pod that fits nowhere gets PodScheduled=False/Unschedulable with the
//     upstream "0/3 nodes are available: …" message and a FailedScheduling
//     Event, and is scheduled once a big enough node appears;
//   - kill -9 of the leader: the standby takes over and schedules new pods.
import type { Node, Pod, Taint, Toleration } from '@k8ts/api';
import { waitFor } from '@k8ts/testing';
import { type ClusterFixture, startClusterFixture } from './testing/cluster-fixture';

jest.setTimeout(120_000);

const NS = 'default';
const LEASE_ARGS = [
  '--leader-elect-lease-duration-seconds', '3',
  '--leader-elect-renew-deadline-seconds', '2',
  '--leader-elect-retry-period-seconds', '0.5',
  '--pod-initial-backoff-seconds', '0.2',
  '--pod-max-backoff-seconds', '1',
];

function node(name: string, cpu: string, opts: { labels?: Record<string, string>; taints?: Taint[] } = {}): Node {
  const capacity = { cpu, memory: '8Gi', pods: '110' };
  return {
    metadata: { name, labels: { 'kubernetes.io/hostname': name, ...opts.labels } },
    spec: opts.taints ? { taints: opts.taints } : {},
    status: {
      capacity,
      allocatable: { ...capacity },
      conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady' }],
    },
  };
}

function pod(name: string, opts: { cpu?: string; nodeSelector?: Record<string, string>; tolerations?: Toleration[] } = {}): Pod {
  return {
    metadata: { name, namespace: NS, labels: { app: name } },
    spec: {
      containers: [{ name: 'app', image: 'k8ts/echo', ...(opts.cpu ? { resources: { requests: { cpu: opts.cpu } } } : {}) }],
      ...(opts.nodeSelector ? { nodeSelector: opts.nodeSelector } : {}),
      ...(opts.tolerations ? { tolerations: opts.tolerations } : {}),
    },
  };
}

describe('scheduler (real processes)', () => {
  let fx: ClusterFixture;
  const figures: Record<string, string> = {};

  beforeAll(async () => {
    fx = await startClusterFixture();
    // Ready=True is kept from the create (the Node strategy keeps status on create).
    await fx.client.nodes.create(node('node-1', '4', { labels: { disk: 'ssd' } }));
    await fx.client.nodes.create(node('node-2', '1', { labels: { size: 'small' } }));
    await fx.client.nodes.create(node('node-3', '4', { labels: { dedicated: 'db' }, taints: [{ key: 'dedicated', value: 'db', effect: 'NoSchedule' }] }));
    await Promise.all([fx.startScheduler('sched-a', LEASE_ARGS), fx.startScheduler('sched-b', LEASE_ARGS)]);
  });

  afterAll(async () => {
    await fx?.stop();
    if (Object.keys(figures).length) console.log(`scheduler figures:\n${Object.entries(figures).map(([k, v]) => `  ${k}: ${v}`).join('\n')}`);
  });

  const get = (name: string) => fx.client.pods.get(NS, name);

  /** Creates the pod and waits until it is bound; returns the node and the elapsed ms. */
  async function createAndWaitBound(p: Pod, timeoutMs = 15_000): Promise<{ nodeName: string; ms: number }> {
    const t0 = Date.now();
    await fx.client.pods.create(p);
    const bound = await waitFor(async () => (await get(p.metadata!.name!)).spec?.nodeName, { timeoutMs, desc: `pod ${p.metadata!.name} bound` });
    return { nodeName: bound, ms: Date.now() - t0 };
  }

  async function leaseHolder(): Promise<string> {
    const lease = await fx.client.leases.get('kube-system', 'kube-scheduler');
    return lease.spec?.holderIdentity ?? '';
  }

  it('elects one leader, and both replicas report healthy and ready', async () => {
    const holder = await waitFor(leaseHolder, { timeoutMs: 15_000, desc: 'a lease holder' });
    expect(['sched-a', 'sched-b']).toContain(holder);
    for (const s of fx.schedulers) {
      expect((await fetch(`${s.httpUrl}/healthz`)).status).toBe(200);
      expect((await fetch(`${s.httpUrl}/readyz`)).status).toBe(200);
    }
  });

  it('places pods by resources, nodeSelector and tolerations, sets PodScheduled=True and records Scheduled', async () => {
    const big = await createAndWaitBound(pod('needs-2-cpu', { cpu: '2' }));
    figures['create → bound (first pod)'] = `${big.ms} ms`;
    expect(big.nodeName).toBe('node-1'); // node-2 has 1 cpu, node-3 is tainted
    const small = await createAndWaitBound(pod('wants-small', { nodeSelector: { size: 'small' } }));
    figures['create → bound (nodeSelector)'] = `${small.ms} ms`;
    expect(small.nodeName).toBe('node-2');
    const db = await createAndWaitBound(
      pod('db', { nodeSelector: { dedicated: 'db' }, tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'db', effect: 'NoSchedule' }] }),
    );
    expect(db.nodeName).toBe('node-3');
    // node-1 has 2 cpu left: 3 cpu fits nowhere else but node-3 is tainted and node-2 too small.
    const untolerated = await fx.client.pods.create(pod('no-toleration', { nodeSelector: { dedicated: 'db' } }));
    expect(untolerated.spec?.nodeName).toBeFalsy();

    const bound = await get('needs-2-cpu');
    expect(bound.status?.conditions?.find((c) => c.type === 'PodScheduled')).toMatchObject({ status: 'True' });
    const events = await waitFor(
      async () => {
        const list = await fx.client.events.list({ namespace: NS, fieldSelector: 'involvedObject.name=needs-2-cpu' });
        return list.items.find((e) => e.reason === 'Scheduled');
      },
      { timeoutMs: 10_000, desc: 'Scheduled event' },
    );
    expect(events).toMatchObject({ type: 'Normal', message: 'Successfully assigned default/needs-2-cpu to node-1' });

    // The pod without a toleration stays pending with the reason.
    const cond = await waitFor(
      async () => (await get('no-toleration')).status?.conditions?.find((c) => c.type === 'PodScheduled' && c.reason === 'Unschedulable'),
      { timeoutMs: 10_000, desc: 'no-toleration Unschedulable' },
    );
    expect(cond.message).toMatch(/^0\/3 nodes are available: /);
    expect(cond.message).toContain("untolerated taint {dedicated: db}");
    await fx.client.pods.delete(NS, 'no-toleration');
  });

  it('marks a pod that fits nowhere Unschedulable, then schedules it when a big enough node appears', async () => {
    await fx.client.pods.create(pod('huge', { cpu: '8' }));
    const cond = await waitFor(
      async () => (await get('huge')).status?.conditions?.find((c) => c.type === 'PodScheduled'),
      { timeoutMs: 10_000, desc: 'PodScheduled condition on huge' },
    );
    expect(cond).toMatchObject({ status: 'False', reason: 'Unschedulable' });
    expect(cond.message).toMatch(/^0\/3 nodes are available: .*Insufficient cpu/);
    figures['Unschedulable message'] = JSON.stringify(cond.message);
    const failed = await waitFor(
      async () => {
        const list = await fx.client.events.list({ namespace: NS, fieldSelector: 'involvedObject.name=huge' });
        return list.items.find((e) => e.reason === 'FailedScheduling');
      },
      { timeoutMs: 10_000, desc: 'FailedScheduling event' },
    );
    expect(failed).toMatchObject({ type: 'Warning', message: cond.message });
    expect((await get('huge')).spec?.nodeName).toBeFalsy();

    const t0 = Date.now();
    await fx.client.nodes.create(node('node-4', '16'));
    const nodeName = await waitFor(async () => (await get('huge')).spec?.nodeName, { timeoutMs: 15_000, desc: 'huge bound after node-4 was added' });
    figures['node added → parked pod bound'] = `${Date.now() - t0} ms`;
    expect(nodeName).toBe('node-4');
  });

  it('hands over to the standby when the leader is killed with SIGKILL', async () => {
    const leaderId = await waitFor(leaseHolder, { timeoutMs: 15_000, desc: 'a lease holder' });
    const leader = fx.schedulers.find((s) => s.identity === leaderId)!;
    const standby = fx.schedulers.find((s) => s.identity !== leaderId)!;
    expect(leader.proc.running && standby.proc.running).toBe(true);

    const killedAt = Date.now();
    await leader.proc.stop({ signal: 'SIGKILL' });
    const created = await fx.client.pods.create(pod('after-failover', { cpu: '100m' }));
    expect(created.spec?.nodeName).toBeFalsy();
    // Lease 3 s (+ up to 2.2 × 0.5 s retry jitter) + margin.
    await waitFor(async () => (await get('after-failover')).spec?.nodeName, { timeoutMs: 8_000, desc: 'pod bound by the standby' });
    const handoverMs = Date.now() - killedAt;
    figures['kill -9 leader → new pod bound by standby'] = `${handoverMs} ms (lease 3 s)`;
    expect(await leaseHolder()).toBe(standby.identity);
    expect(handoverMs).toBeLessThan(3_000 + 5_000);

    const ev = await waitFor(
      async () => {
        const list = await fx.client.events.list({ namespace: NS, fieldSelector: 'involvedObject.name=after-failover' });
        return list.items.find((e) => e.reason === 'Scheduled');
      },
      { timeoutMs: 10_000, desc: 'Scheduled event from the standby' },
    );
    expect(ev.reportingInstance ?? ev.source?.host).toBeTruthy();
    if (ev.reportingInstance) expect(ev.reportingInstance).toBe(standby.identity);
  });
});
