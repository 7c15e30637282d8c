import type { Lease, Node } from '@k8ts/api';
import { newAlreadyExists, newConflict, newNotFound, OPTIMISTIC_LOCK_ERROR_MSG } from '@k8ts/apimachinery';
import type { ApiClient } from '@k8ts/client';
import { FakeClock } from '@k8ts/testing';
import { buildNode } from './node-status';
import { NODE_LEASE_NAMESPACE, NodeRegistrar } from './node-registrar';

interface Obj {
  metadata?: { name?: string; namespace?: string; resourceVersion?: string; uid?: string };
}

/** An in-memory resource: objects in a Map, resourceVersions from a shared counter. */
class FakeResource<T extends Obj> {
  readonly objects = new Map<string, T>();
  readonly calls: string[] = [];
  /** Errors to throw on the next calls of a verb. */
  readonly failNext: Record<string, Error[]> = {};
  constructor(
    private readonly resource: string,
    private readonly rv: { n: number },
  ) {}
  private key(ns: string | undefined, name: string) {
    return `${ns ?? ''}/${name}`;
  }
  private maybeFail(verb: string) {
    this.calls.push(verb);
    const e = this.failNext[verb]?.shift();
    if (e) throw e;
  }
  private stamp(obj: T, uid?: string): T {
    const copy = structuredClone(obj);
    copy.metadata = { ...copy.metadata, resourceVersion: String(++this.rv.n), uid: uid ?? copy.metadata?.uid };
    return copy;
  }
  async create(obj: T): Promise<T> {
    this.maybeFail('create');
    const k = this.key(obj.metadata?.namespace, obj.metadata!.name!);
    if (this.objects.has(k)) throw newAlreadyExists({ resource: this.resource }, obj.metadata!.name!);
    const stored = this.stamp(obj, `uid-${obj.metadata!.name}`);
    // Like the apiserver: create ignores status.
    if ('status' in stored) delete (stored as { status?: unknown }).status;
    this.objects.set(k, stored);
    return structuredClone(stored);
  }
  async get(ns: string | undefined, name: string): Promise<T> {
    this.maybeFail('get');
    const o = this.objects.get(this.key(ns, name));
    if (!o) throw newNotFound({ resource: this.resource }, name);
    return structuredClone(o);
  }
  private put(obj: T, verb: string, apply: (old: T, obj: T) => T): T {
    this.maybeFail(verb);
    const k = this.key(obj.metadata?.namespace, obj.metadata!.name!);
    const old = this.objects.get(k);
    if (!old) throw newNotFound({ resource: this.resource }, obj.metadata!.name!);
    if (old.metadata?.resourceVersion !== obj.metadata?.resourceVersion) {
      throw newConflict({ resource: this.resource }, obj.metadata!.name!, OPTIMISTIC_LOCK_ERROR_MSG);
    }
    const stored = this.stamp(apply(old, obj), old.metadata?.uid);
    this.objects.set(k, stored);
    return structuredClone(stored);
  }
  async update(obj: T): Promise<T> {
    return this.put(obj, 'update', (old, o) => ({ ...o, ...('status' in old ? { status: (old as { status?: unknown }).status } : {}) }));
  }
  async updateStatus(obj: T): Promise<T> {
    return this.put(obj, 'updateStatus', (old, o) => ({ ...old, status: (o as { status?: unknown }).status }));
  }
  /** A write by someone else (bumps the resourceVersion). */
  touch(ns: string | undefined, name: string, mutate: (o: T) => void = () => undefined) {
    const k = this.key(ns, name);
    const o = structuredClone(this.objects.get(k)!);
    mutate(o);
    this.objects.set(k, this.stamp(o, o.metadata?.uid));
  }
}

const silent = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

function setup(overrides: { podCIDR?: string } = {}) {
  const rv = { n: 100 };
  const nodes = new FakeResource<Node>('nodes', rv);
  const leases = new FakeResource<Lease>('leases', rv);
  const client = { nodes, leases } as unknown as Pick<ApiClient, 'nodes' | 'leases'>;
  const clock = new FakeClock();
  let pods = '110';
  const desired = () =>
    buildNode({
      nodeName: 'node-2',
      nodeIP: '127.10.0.2',
      podCIDR: overrides.podCIDR ?? '127.244.2.0/24',
      capacity: { cpu: '2', memory: '4Gi', pods },
      now: clock.now(),
    });
  const registrar = new NodeRegistrar({
    client,
    node: desired,
    renewIntervalMs: 500,
    statusUpdateIntervalMs: 500,
    statusReportIntervalMs: 5_000,
    clock,
    logger: silent,
  });
  return { nodes, leases, clock, registrar, setPods: (p: string) => (pods = p) };
}

describe('NodeRegistrar.register', () => {
  it('creates the node and writes its status', async () => {
    const { nodes, registrar } = setup();
    const node = await registrar.register();
    expect(nodes.calls).toEqual(['create', 'updateStatus']);
    const stored = nodes.objects.get('/node-2')!;
    expect(stored.status?.conditions?.find((c) => c.type === 'Ready')?.status).toBe('True');
    expect(stored.spec?.podCIDR).toBe('127.244.2.0/24');
    expect(node.metadata?.resourceVersion).toBe(stored.metadata?.resourceVersion);
    expect(registrar.registered).toBe(true);
  });

  it('reconciles an existing node: keeps foreign labels and taints, fills podCIDR only when empty', async () => {
    const { nodes, registrar } = setup();
    nodes.objects.set('/node-2', {
      metadata: { name: 'node-2', resourceVersion: '5', uid: 'old-uid', labels: { team: 'blue', 'kubernetes.io/os': 'windows' } },
      spec: { taints: [{ key: 'dedicated', value: 'x', effect: 'NoSchedule' }] },
    });
    await registrar.register();
    const stored = nodes.objects.get('/node-2')!;
    expect(stored.metadata?.uid).toBe('old-uid');
    expect(stored.metadata?.labels).toMatchObject({ team: 'blue', 'kubernetes.io/os': 'linux', 'kubernetes.io/hostname': 'node-2' });
    expect(stored.spec?.taints).toEqual([{ key: 'dedicated', value: 'x', effect: 'NoSchedule' }]);
    expect(stored.spec?.podCIDR).toBe('127.244.2.0/24');
    expect(stored.status?.addresses?.[0]).toEqual({ type: 'InternalIP', address: '127.10.0.2' });

    // A different podCIDR already assigned is left alone.
    const other = setup({ podCIDR: '127.244.9.0/24' });
    other.nodes.objects.set('/node-2', structuredClone(stored));
    await other.registrar.register();
    expect(other.nodes.objects.get('/node-2')!.spec?.podCIDR).toBe('127.244.2.0/24');
  });

  it('re-gets and retries on conflict', async () => {
    const { nodes, registrar } = setup();
    nodes.objects.set('/node-2', { metadata: { name: 'node-2', resourceVersion: '5', labels: {} }, spec: {} });
    nodes.failNext['update'] = [newConflict({ resource: 'nodes' }, 'node-2', OPTIMISTIC_LOCK_ERROR_MSG)];
    nodes.failNext['updateStatus'] = [newConflict({ resource: 'nodes' }, 'node-2', OPTIMISTIC_LOCK_ERROR_MSG)];
    await registrar.register();
    expect(nodes.calls).toEqual(['create', 'get', 'update', 'get', 'update', 'updateStatus', 'get', 'updateStatus']);
    expect(nodes.objects.get('/node-2')!.status?.conditions).toHaveLength(4);
  });
});

describe('NodeRegistrar loops', () => {
  it('registers, creates the Lease owned by the Node, and renews it every interval', async () => {
    const { nodes, leases, clock, registrar } = setup();
    registrar.start();
    await clock.advanceAsync(0);
    await clock.advanceAsync(1);
    expect(nodes.objects.has('/node-2')).toBe(true);
    let lease = leases.objects.get(`${NODE_LEASE_NAMESPACE}/node-2`)!;
    expect(lease.spec).toMatchObject({ holderIdentity: 'node-2', leaseDurationSeconds: 40 });
    expect(lease.spec?.renewTime).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/);

    await clock.advanceAsync(500);
    lease = leases.objects.get(`${NODE_LEASE_NAMESPACE}/node-2`)!;
    expect(lease.metadata).toMatchObject({ ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name: 'node-2', uid: 'uid-node-2' }] });
    const first = lease.spec?.renewTime;
    await clock.advanceAsync(500);
    lease = leases.objects.get(`${NODE_LEASE_NAMESPACE}/node-2`)!;
    expect(Date.parse(lease.spec!.renewTime!) - Date.parse(first!)).toBe(500);
    await registrar.stop();
  });

  it('recovers from a lease conflict (someone else wrote it)', async () => {
    const { leases, clock, registrar } = setup();
    await registrar.register();
    registrar.start();
    await clock.advanceAsync(1);
    leases.touch(NODE_LEASE_NAMESPACE, 'node-2');
    const before = leases.calls.length;
    await clock.advanceAsync(500);
    expect(leases.calls.slice(before)).toEqual(['update', 'get', 'update']);
    expect(leases.objects.get(`${NODE_LEASE_NAMESPACE}/node-2`)!.spec?.renewTime).toBe('2024-01-01T00:00:00.501000Z');
    await registrar.stop();
  });

  it('writes status only on change, plus a heartbeat every report interval', async () => {
    const { nodes, clock, registrar, setPods } = setup();
    await registrar.register();
    registrar.start();
    const statusWrites = () => nodes.calls.filter((c) => c === 'updateStatus').length;
    expect(statusWrites()).toBe(1);
    await clock.advanceAsync(2_000);
    expect(statusWrites()).toBe(1);

    setPods('20');
    await clock.advanceAsync(500);
    expect(statusWrites()).toBe(2);
    expect(nodes.objects.get('/node-2')!.status?.capacity?.['pods']).toBe('20');

    await clock.advanceAsync(4_000);
    expect(statusWrites()).toBe(2);
    await clock.advanceAsync(1_000);
    expect(statusWrites()).toBe(3);
    const ready = nodes.objects.get('/node-2')!.status!.conditions!.find((c) => c.type === 'Ready')!;
    expect(ready.lastHeartbeatTime).toBe('2024-01-01T00:00:07Z');
    expect(ready.lastTransitionTime).toBe('2024-01-01T00:00:00Z');
    await registrar.stop();
  });

  it('registers again when the Node was deleted', async () => {
    const { nodes, clock, registrar, setPods } = setup();
    await registrar.register();
    registrar.start();
    nodes.objects.delete('/node-2');
    setPods('30');
    await clock.advanceAsync(500);
    expect(nodes.objects.get('/node-2')?.status?.capacity?.['pods']).toBe('30');
    await registrar.stop();
  });

  it('stops on abort', async () => {
    const { clock, registrar, leases } = setup();
    const ac = new AbortController();
    registrar.start(ac.signal);
    await clock.advanceAsync(1);
    ac.abort();
    await clock.advanceAsync(0);
    const n = leases.calls.length;
    await clock.advanceAsync(5_000);
    expect(leases.calls.length).toBe(n);
    expect(clock.pending()).toBe(0);
  });
});
