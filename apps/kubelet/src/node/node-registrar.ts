// Node registration and heartbeats, like the kubelet's kubelet_node_status.go
// and nodelease controller:
//   - register(): create the Node, or (AlreadyExists) reconcile the existing
//     one: our labels merged over its labels, spec.podCIDR filled only when
//     empty, and the status replaced;
//   - the Lease kube-node-lease/<node> is renewed every renewInterval
//     (holderIdentity = node name, owned by the Node);
//   - the node status is written every statusUpdateInterval when it changed,
//     and at least every statusReportInterval (5 min) as a heartbeat.
// Conflicts re-get the object and retry.
import { microTimeFromDate, type Lease, type Node } from '@k8ts/api';
import { isAlreadyExists, isConflict, isNotFound } from '@k8ts/apimachinery';
import type { ApiClient } from '@k8ts/client';
import { carryTransitionTimes, nodeStatusChanged } from './node-status';

export const NODE_LEASE_NAMESPACE = 'kube-node-lease';

/** The timers the registrar needs (FakeClock from @k8ts/testing fits). */
export interface RegistrarClock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** A pino-compatible logger subset. */
export interface RegistrarLogger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface NodeRegistrarOptions {
  client: Pick<ApiClient, 'nodes' | 'leases'>;
  /** Builds the desired Node (current capacity, conditions, heartbeat time). */
  node: () => Node;
  leaseDurationSeconds?: number;
  renewIntervalMs?: number;
  statusUpdateIntervalMs?: number;
  /** Unchanged status is still written this often (upstream nodeStatusReportFrequency, 5 min). */
  statusReportIntervalMs?: number;
  /** Delay before retrying a failed renew/registration (default min(1 s, renewIntervalMs)). */
  retryDelayMs?: number;
  clock?: RegistrarClock;
  logger: RegistrarLogger;
}

const realClock: RegistrarClock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => {
    const t = setTimeout(fn, ms);
    t.unref();
    return t;
  },
  clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
};

const MAX_CONFLICT_RETRIES = 5;

export class NodeRegistrar {
  private readonly client: Pick<ApiClient, 'nodes' | 'leases'>;
  private readonly desired: () => Node;
  private readonly leaseDurationSeconds: number;
  private readonly renewIntervalMs: number;
  private readonly statusUpdateIntervalMs: number;
  private readonly statusReportIntervalMs: number;
  private readonly retryDelayMs: number;
  private readonly clock: RegistrarClock;
  private readonly logger: RegistrarLogger;

  /** The Node as last written to / read from the apiserver. */
  private current: Node | undefined;
  private lastReportedAt = 0;
  private lease: Lease | undefined;
  private leaseTimer: unknown;
  private statusTimer: unknown;
  private running = false;
  private readonly inFlight = new Set<Promise<unknown>>();

  constructor(opts: NodeRegistrarOptions) {
    this.client = opts.client;
    this.desired = opts.node;
    this.leaseDurationSeconds = opts.leaseDurationSeconds ?? 40;
    this.renewIntervalMs = opts.renewIntervalMs ?? 10_000;
    this.statusUpdateIntervalMs = opts.statusUpdateIntervalMs ?? 10_000;
    this.statusReportIntervalMs = opts.statusReportIntervalMs ?? 5 * 60_000;
    this.retryDelayMs = opts.retryDelayMs ?? Math.min(1_000, this.renewIntervalMs);
    this.clock = opts.clock ?? realClock;
    this.logger = opts.logger;
  }

  /** The Node as the apiserver last returned it (undefined before registration). */
  get node(): Node | undefined {
    return this.current;
  }

  get registered(): boolean {
    return this.current !== undefined;
  }

  /** Creates the Node, or reconciles an existing one; resolves with the stored Node. */
  async register(): Promise<Node> {
    const desired = this.desired();
    const name = nodeName(desired);
    try {
      const created = await this.client.nodes.create(desired);
      // create ignores status on a status-subresource resource: write it too.
      const withStatus = await this.writeStatus(created, desired);
      this.logger.info({ node: name }, 'node registered');
      return withStatus;
    } catch (err) {
      if (!isAlreadyExists(err)) throw err;
    }
    for (let attempt = 0; ; attempt++) {
      const existing = await this.client.nodes.get(undefined, name);
      try {
        let base = existing;
        const reconciled = reconcileExisting(existing, desired);
        if (reconciled) base = await this.client.nodes.update(reconciled);
        const stored = await this.writeStatus(base, desired);
        this.logger.info({ node: name, updatedSpec: reconciled !== undefined }, 'node already registered, reconciled');
        return stored;
      } catch (err) {
        if (!isConflict(err) || attempt >= MAX_CONFLICT_RETRIES) throw err;
        this.logger.debug({ node: name, attempt }, 'conflict reconciling node, retrying');
      }
    }
  }

  /**
   * Starts the lease and status loops (registering first if needed); they
   * run until stop() or `signal` aborts. The first renewal and status check
   * happen right away.
   */
  start(signal?: AbortSignal): void {
    if (this.running) return;
    this.running = true;
    signal?.addEventListener('abort', () => void this.stop(), { once: true });
    this.leaseTimer = this.clock.setTimeout(() => this.leaseTick(), 0);
    this.statusTimer = this.clock.setTimeout(() => this.statusTick(), this.current ? this.statusUpdateIntervalMs : 0);
  }

  /** Stops the loops and waits for a running write to finish. */
  async stop(): Promise<void> {
    this.running = false;
    this.clock.clearTimeout(this.leaseTimer);
    this.clock.clearTimeout(this.statusTimer);
    await Promise.allSettled([...this.inFlight]);
  }

  /** Renews (or creates) the node Lease once. */
  async renewLease(): Promise<Lease> {
    const node = this.current ?? this.desired();
    const name = nodeName(node);
    for (let attempt = 0; ; attempt++) {
      const now = microTimeFromDate(this.clock.now());
      try {
        if (!this.lease) {
          try {
            this.lease = await this.client.leases.get(NODE_LEASE_NAMESPACE, name);
          } catch (err) {
            if (!isNotFound(err)) throw err;
            this.lease = await this.client.leases.create(this.newLease(name, now));
            return this.lease;
          }
        }
        const lease = this.lease;
        const next: Lease = {
          ...lease,
          metadata: { ...lease.metadata, ownerReferences: this.ownerReferences(name) ?? lease.metadata?.ownerReferences },
          spec: { ...lease.spec, holderIdentity: name, leaseDurationSeconds: this.leaseDurationSeconds, renewTime: now },
        };
        this.lease = await this.client.leases.update(next);
        return this.lease;
      } catch (err) {
        this.lease = undefined;
        if (!(isConflict(err) || isAlreadyExists(err) || isNotFound(err)) || attempt >= MAX_CONFLICT_RETRIES) throw err;
      }
    }
  }

  /**
   * Writes the node status if it changed, or if the last report is older
   * than statusReportInterval. Registers the node when it is not (or no
   * longer) there. Resolves true when something was written.
   */
  async syncNodeStatus(): Promise<boolean> {
    if (!this.current) {
      await this.register();
      return true;
    }
    const desired = carryTransitionTimes(this.current, this.desired());
    const due = this.clock.now() - this.lastReportedAt >= this.statusReportIntervalMs;
    if (!due && !nodeStatusChanged(this.current, { ...this.current, status: desired.status })) return false;
    try {
      await this.writeStatus(this.current, desired);
    } catch (err) {
      if (!isNotFound(err)) throw err;
      this.logger.warn({ node: nodeName(desired) }, 'node object is gone, registering again');
      this.current = undefined;
      this.lease = undefined;
      await this.register();
    }
    return true;
  }

  private async writeStatus(base: Node, desired: Node): Promise<Node> {
    let node = base;
    for (let attempt = 0; ; attempt++) {
      const status = carryTransitionTimes(node, desired).status;
      try {
        const stored = await this.client.nodes.updateStatus({ ...node, status });
        this.current = stored;
        this.lastReportedAt = this.clock.now();
        return stored;
      } catch (err) {
        if (!isConflict(err) || attempt >= MAX_CONFLICT_RETRIES) throw err;
        node = await this.client.nodes.get(undefined, nodeName(node));
      }
    }
  }

  private newLease(name: string, now: string): Lease {
    return {
      metadata: { name, namespace: NODE_LEASE_NAMESPACE, ownerReferences: this.ownerReferences(name) },
      spec: { holderIdentity: name, leaseDurationSeconds: this.leaseDurationSeconds, renewTime: now },
    };
  }

  private ownerReferences(name: string) {
    const uid = this.current?.metadata?.uid;
    if (!uid) return undefined;
    return [{ apiVersion: 'v1', kind: 'Node', name, uid }];
  }

  private track<T>(p: Promise<T>): Promise<T> {
    this.inFlight.add(p);
    void p.finally(() => this.inFlight.delete(p)).catch(() => undefined);
    return p;
  }

  private leaseTick(): void {
    if (!this.running) return;
    void this.track(this.renewLease()).then(
      () => {
        if (this.running) this.leaseTimer = this.clock.setTimeout(() => this.leaseTick(), this.renewIntervalMs);
      },
      (err: unknown) => {
        this.logger.warn({ err }, 'failed to renew node lease, will retry');
        if (this.running) this.leaseTimer = this.clock.setTimeout(() => this.leaseTick(), this.retryDelayMs);
      },
    );
  }

  private statusTick(): void {
    if (!this.running) return;
    void this.track(this.syncNodeStatus()).then(
      () => {
        if (this.running) this.statusTimer = this.clock.setTimeout(() => this.statusTick(), this.statusUpdateIntervalMs);
      },
      (err: unknown) => {
        this.logger.warn({ err }, 'failed to update node status, will retry');
        const delay = this.current ? this.statusUpdateIntervalMs : this.retryDelayMs;
        if (this.running) this.statusTimer = this.clock.setTimeout(() => this.statusTick(), delay);
      },
    );
  }
}

function nodeName(node: Node): string {
  const name = node.metadata?.name;
  if (!name) throw new Error('node has no metadata.name');
  return name;
}

/**
 * The update an existing Node needs (our labels over its labels, podCIDR only
 * when it has none), or undefined when it already matches.
 */
export function reconcileExisting(existing: Node, desired: Node): Node | undefined {
  let changed = false;
  const labels = { ...existing.metadata?.labels };
  for (const [k, v] of Object.entries(desired.metadata?.labels ?? {})) {
    if (labels[k] !== v) {
      labels[k] = v;
      changed = true;
    }
  }
  const spec = { ...existing.spec };
  if (!spec.podCIDR && desired.spec?.podCIDR) {
    spec.podCIDR = desired.spec.podCIDR;
    spec.podCIDRs = desired.spec.podCIDRs ?? [desired.spec.podCIDR];
    changed = true;
  }
  if (!changed) return undefined;
  return { ...existing, metadata: { ...existing.metadata, labels }, spec };
}
