import type { Lease, Node, Pod, Toleration } from '@k8ts/api';
import { Indexer, NODE_NAME_INDEX, nodeNameIndexFunc, RateLimitingQueue } from '@k8ts/client';
import { FakeClock } from '@k8ts/testing';
import { NodeLifecycleController } from './node-lifecycle-controller';

const GRACE_MS = 40_000;
const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

function setup() {
  const clock = new FakeClock();
  const nodes = new Indexer<Node>();
  const leases = new Indexer<Lease>();
  const pods = new Indexer<Pod>({ [NODE_NAME_INDEX]: nodeNameIndexFunc });
  const events: string[] = [];
  const writes: string[] = [];
  const deleted: string[] = [];
  let rv = 1;
  const bump = <T extends { metadata?: { resourceVersion?: string } }>(o: T): T => ({ ...o, metadata: { ...o.metadata, resourceVersion: String(++rv) } });
  const controller = new NodeLifecycleController({
    nodeLister: nodes,
    leaseLister: leases,
    podLister: pods,
    api: {
      updateNodeStatus: async (n) => {
        writes.push(`status ${n.metadata?.name}`);
        const stored = bump(n);
        nodes.update(stored);
        return stored;
      },
      updateNode: async (n) => {
        writes.push(`taints ${n.metadata?.name} ${(n.spec?.taints ?? []).map((t) => `${t.key}:${t.effect}`).join(',')}`);
        const stored = bump(n);
        nodes.update(stored);
        return stored;
      },
      updatePodStatus: async (p) => {
        const ready = p.status?.conditions?.find((c) => c.type === 'Ready')?.status;
        writes.push(`pod-status ${p.metadata?.name} ready=${ready}`);
        pods.update(bump(p));
        return p;
      },
      deletePod: async (ns, name) => {
        deleted.push(`${ns}/${name}`);
        pods.delete(`${ns}/${name}`);
      },
    },
    recorder: { event: (obj, kind, type, reason) => events.push(`${kind} ${'metadata' in obj ? obj.metadata?.name : ''} ${type} ${reason}`) },
    now: () => clock.now(),
    nodeMonitorGracePeriodMs: GRACE_MS,
    nodeMonitorPeriodMs: 5_000,
    defaultTolerationSeconds: { notReady: 300, unreachable: 30 },
    evictionQueue: new RateLimitingQueue<string>({ clock }),
  });

  const addNode = (name: string) =>
    nodes.add({
      metadata: { name, creationTimestamp: iso(clock.now() - 60_000), resourceVersion: '1' },
      spec: {},
      status: { conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady', lastHeartbeatTime: iso(clock.now()) }] },
    });
  const renewLease = (name: string) =>
    leases.set({ metadata: { name, namespace: 'kube-node-lease' }, spec: { holderIdentity: name, renewTime: new Date(clock.now()).toISOString() } });
  const addPod = (name: string, nodeName: string, tolerations?: Toleration[]) =>
    pods.add({
      metadata: { name, namespace: 'default', uid: `${name}-uid`, resourceVersion: '1' },
      spec: { nodeName, containers: [{ name: 'c', image: 'k8ts/echo' }], tolerations },
      status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] },
    });
  const syncAllPods = async () => {
    for (const key of pods.listKeys()) await controller.syncPod(key);
  };
  return { clock, nodes, leases, pods, events, writes, deleted, controller, addNode, renewLease, addPod, syncAllPods };
}

describe('NodeLifecycleController', () => {
  it('a node whose Lease keeps renewing stays healthy', async () => {
    const { clock, controller, addNode, renewLease, writes, events } = setup();
    addNode('node-50');
    renewLease('node-50');
    await controller.syncNode('node-50');
    for (let i = 0; i < 20; i++) {
      clock.advance(5_000);
      renewLease('node-50');
      await controller.syncNode('node-50');
    }
    expect(writes).toEqual([]);
    expect(events).toEqual(['Node node-50 Normal RegisteredNode']);
  });

  it('a silent node goes Unknown, is tainted unreachable, its pods go not ready and are evicted after the toleration; recovery untaints', async () => {
    const { clock, nodes, controller, addNode, renewLease, addPod, writes, events, deleted, syncAllPods } = setup();
    addNode('node-59'); // a healthy node: not every node is down, so this is no master disruption
    addNode('node-50');
    renewLease('node-50');
    addPod('short', 'node-50');
    addPod('forever', 'node-50', [{ key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute' }]);
    await controller.syncNode('node-50');

    clock.advance(GRACE_MS);
    expect(await controller.syncNode('node-50')).toEqual({ statusUpdated: false, taintsUpdated: false, podsMarkedNotReady: 0 });

    clock.advance(1_000);
    expect(await controller.syncNode('node-50')).toEqual({ statusUpdated: true, taintsUpdated: true, podsMarkedNotReady: 2 });
    const node = nodes.get('node-50') as Node;
    expect(node.status?.conditions?.find((c) => c.type === 'Ready')).toMatchObject({ status: 'Unknown', reason: 'NodeStatusUnknown' });
    expect(node.spec?.taints?.map((t) => `${t.key}:${t.effect}`)).toEqual(['node.kubernetes.io/unreachable:NoExecute', 'node.kubernetes.io/unreachable:NoSchedule']);
    expect(writes).toEqual([
      'status node-50',
      'taints node-50 node.kubernetes.io/unreachable:NoExecute,node.kubernetes.io/unreachable:NoSchedule',
      'pod-status short ready=False',
      'pod-status forever ready=False',
    ]);
    expect(events).toContain('Node node-50 Normal NodeNotReady');
    expect(events).toContain('Pod short Warning NodeNotReady');

    // The default unreachable toleration (30 s here) counts from the taint's timeAdded.
    await syncAllPods();
    expect(deleted).toEqual([]);
    clock.advance(29_000);
    await syncAllPods();
    expect(deleted).toEqual([]);
    clock.advance(1_000);
    await syncAllPods();
    expect(deleted).toEqual(['default/short']);
    expect(events).toContain('Pod short Normal TaintManagerEviction');

    // Another pass writes nothing new.
    const before = writes.length;
    clock.advance(5_000);
    await controller.syncNode('node-50');
    expect(writes.length).toBe(before);

    // The kubelet comes back: Ready=True with a fresh heartbeat.
    const back = structuredClone(nodes.get('node-50') as Node);
    back.status = { conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady', lastHeartbeatTime: iso(clock.now()) }] };
    nodes.update(back);
    renewLease('node-50');
    expect(await controller.syncNode('node-50')).toMatchObject({ statusUpdated: false, taintsUpdated: true });
    expect(nodes.get('node-50')?.spec?.taints).toEqual([]);
    expect(events).toContain('Node node-50 Normal NodeReady');
  });

  it('pods are not marked not ready once the Lease renews again, even before the kubelet reports Ready', async () => {
    const { clock, controller, addNode, renewLease, addPod, writes } = setup();
    addNode('node-54');
    renewLease('node-54');
    await controller.syncNode('node-54');
    clock.advance(GRACE_MS + 1_000);
    await controller.syncNode('node-54');
    expect(writes[0]).toBe('status node-54');
    // A pod bound meanwhile is marked while the node stays silent...
    addPod('late', 'node-54');
    clock.advance(1_000);
    expect((await controller.syncNode('node-54')).podsMarkedNotReady).toBe(1);
    // ...but not after the kubelet renewed its Lease (its status write is still on the way).
    addPod('later', 'node-54');
    renewLease('node-54');
    clock.advance(1_000);
    expect(await controller.syncNode('node-54')).toEqual({ statusUpdated: false, taintsUpdated: false, podsMarkedNotReady: 0 });
  });

  it('a pod on a tainted node waits in the eviction queue until its toleration runs out', async () => {
    const { clock, nodes, controller, addNode, addPod } = setup();
    addNode('node-59');
    addNode('node-51');
    const n = structuredClone(nodes.get('node-51') as Node);
    n.spec = { taints: [{ key: 'node.kubernetes.io/unreachable', effect: 'NoExecute', timeAdded: iso(clock.now()) }] };
    nodes.update(n);
    addPod('p', 'node-51');
    expect(await controller.syncPod('default/p')).toEqual({ action: 'wait', atMs: clock.now() + 30_000 });
    expect(controller.evictionQueue.len()).toBe(0);
    clock.advance(30_000);
    expect(controller.evictionQueue.len()).toBe(1);
  });

  it('an untolerated NoExecute taint evicts at once; a taint change enqueues the pods of the node', async () => {
    const { nodes, controller, addNode, addPod, deleted } = setup();
    addNode('node-59');
    addNode('node-52');
    addPod('p', 'node-52');
    const old = nodes.get('node-52') as Node;
    const tainted = structuredClone(old);
    tainted.spec = { taints: [{ key: 'example.com/evacuate', effect: 'NoExecute' }] };
    nodes.update(tainted);
    controller.onNodeUpdate(old, tainted);
    expect(controller.evictionQueue.len()).toBe(1);
    expect(await controller.syncPod('default/p')).toMatchObject({ action: 'evict' });
    expect(deleted).toEqual(['default/p']);
  });

  it('a node that never posted status is marked with NodeStatusNeverUpdated', async () => {
    const { clock, nodes, controller, writes } = setup();
    nodes.add({ metadata: { name: 'node-53', creationTimestamp: iso(clock.now()) }, status: {} });
    await controller.syncNode('node-53');
    clock.advance(GRACE_MS + 1);
    await controller.syncNode('node-53');
    expect(nodes.get('node-53')?.status?.conditions?.find((c) => c.type === 'Ready')?.reason).toBe('NodeStatusNeverUpdated');
    expect(writes[0]).toBe('status node-53');
  });

  it('master disruption: when every node is silent nothing gets NoExecute taints and nothing is evicted', async () => {
    const { clock, nodes, controller, addNode, addPod, deleted, writes } = setup();
    addNode('node-55');
    addNode('node-56');
    addPod('p', 'node-55');
    await controller.syncNode('node-55');
    await controller.syncNode('node-56');
    clock.advance(GRACE_MS + 1_000);
    // node-55 goes first while node-56 still looks Ready: a normal NoExecute taint.
    await controller.syncNode('node-55');
    expect(nodes.get('node-55')?.spec?.taints?.map((t) => t.effect)).toEqual(['NoExecute', 'NoSchedule']);
    expect(controller.disruptionState).toBe('Normal');
    // node-56 goes too: every node is down → the NoExecute taints are lifted, evictions stop.
    await controller.syncNode('node-56');
    expect(controller.disruptionState).toBe('FullDisruption');
    expect(nodes.get('node-56')?.spec?.taints?.map((t) => `${t.key}:${t.effect}`)).toEqual(['node.kubernetes.io/unreachable:NoSchedule']);
    await controller.syncNode('node-55');
    expect(nodes.get('node-55')?.spec?.taints?.map((t) => `${t.key}:${t.effect}`)).toEqual(['node.kubernetes.io/unreachable:NoSchedule']);
    clock.advance(60_000);
    expect(await controller.syncPod('default/p')).toEqual({ action: 'keep' });
    expect(deleted).toEqual([]);
    expect(writes.filter((w) => w.startsWith('taints')).length).toBe(3);
  });
});
