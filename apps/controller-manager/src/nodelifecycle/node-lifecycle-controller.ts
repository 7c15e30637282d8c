// NodeLifecycleController (upstream pkg/controller/nodelifecycle): watches
// node heartbeats (Ready condition + kube-node-lease Leases), sets the
// conditions of silent nodes to Unknown, keeps the condition taints in step
// (not-ready / unreachable NoExecute and the NoSchedule family), marks pods
// on unreachable nodes not ready, and evicts pods from NoExecute-tainted
// nodes once their tolerations run out (the taint-eviction controller).
//
// Two queues: node names (every nodeMonitorPeriod, and on node events) and
// pod keys for taint eviction (on pod events, on NoExecute taint changes of
// their node, and again when a toleration is due to run out).
import { deepCopy, makeKey, objectKey, type Lease, type Node, type Pod, timeFromDate } from '@k8ts/api';
import { isNotFound } from '@k8ts/apimachinery';
import { DeletedFinalStateUnknown, type EventObject, type EventType, type Lister, NODE_NAME_INDEX, RateLimitingQueue, runWorkers } from '@k8ts/client';
import { computeDisruptionState, type DisruptionState } from './disruption';
import { type NodeHealth, updateNodeHealth } from './node-health';
import { markPodNotReady } from './pod-readiness';
import { type NoExecuteMode, noExecuteTaints, reconcileTaints } from './taints';
import { type DefaultTolerationSeconds, type EvictionDecision, evictionDecision } from './tolerations';
import {
  CONDITION_DISRUPTION_TARGET,
  EVENT_NODE_NOT_READY,
  EVENT_NODE_READY,
  EVENT_REGISTERED_NODE,
  EVENT_TAINT_MANAGER_EVICTION,
  NODE_LEASE_NAMESPACE,
  REASON_DELETION_BY_TAINT_MANAGER,
} from './well-known';

/** The writes the controller makes (the typed client fits, see index.ts). */
export interface NodeLifecycleApi {
  updateNodeStatus(node: Node): Promise<Node>;
  updateNode(node: Node): Promise<Node>;
  updatePodStatus(pod: Pod): Promise<Pod>;
  deletePod(namespace: string, name: string, uid: string): Promise<void>;
}

export interface EventEmitter {
  event(obj: EventObject, kind: 'Node' | 'Pod', type: EventType, reason: string, message: string): void;
}

export interface NodeLifecycleLogger {
  debug(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface NodeLifecycleMetrics {
  evicted?(): void;
  unhealthy?(count: number): void;
}

export interface NodeLifecycleOptions {
  nodeLister: Lister<Node>;
  leaseLister: Lister<Lease>;
  /** Must have the NODE_NAME_INDEX index. */
  podLister: Lister<Pod>;
  api: NodeLifecycleApi;
  recorder: EventEmitter;
  /** Controller time, ms since the epoch. */
  now(): number;
  nodeMonitorGracePeriodMs: number;
  nodeMonitorPeriodMs: number;
  defaultTolerationSeconds: DefaultTolerationSeconds;
  logger?: NodeLifecycleLogger;
  metrics?: NodeLifecycleMetrics;
  nodeQueue?: RateLimitingQueue<string>;
  evictionQueue?: RateLimitingQueue<string>;
}

export interface NodeSyncResult {
  statusUpdated: boolean;
  taintsUpdated: boolean;
  podsMarkedNotReady: number;
}

const silent: NodeLifecycleLogger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

function sameNoExecute(a: Node | undefined, b: Node | undefined): boolean {
  const key = (n: Node | undefined) =>
    noExecuteTaints(n)
      .map((t) => `${t.key}=${t.value ?? ''}@${t.timeAdded ?? ''}`)
      .sort()
      .join(',');
  return key(a) === key(b);
}

export class NodeLifecycleController {
  readonly name = 'nodelifecycle';
  readonly nodeQueue: RateLimitingQueue<string>;
  readonly evictionQueue: RateLimitingQueue<string>;
  private readonly health = new Map<string, NodeHealth>();
  private readonly log: NodeLifecycleLogger;
  private disruption: DisruptionState = 'Normal';

  constructor(private readonly opts: NodeLifecycleOptions) {
    this.nodeQueue = opts.nodeQueue ?? new RateLimitingQueue<string>({ name: 'node_lifecycle' });
    this.evictionQueue = opts.evictionQueue ?? new RateLimitingQueue<string>({ name: 'taint_eviction' });
    this.log = opts.logger ?? silent;
  }

  // ---- handlers ----

  onNodeAdd(node: Node): void {
    this.nodeQueue.add(objectKey(node));
  }

  onNodeUpdate(old: Node, node: Node): void {
    this.nodeQueue.add(objectKey(node));
    if (!sameNoExecute(old, node)) this.enqueuePodsOn(node.metadata?.name ?? '');
  }

  onNodeDelete(node: Node | DeletedFinalStateUnknown<Node>): void {
    this.nodeQueue.add(node instanceof DeletedFinalStateUnknown ? node.key : objectKey(node));
  }

  onPodAdd(pod: Pod): void {
    this.enqueuePodIfTainted(pod);
  }

  onPodUpdate(_old: Pod, pod: Pod): void {
    this.enqueuePodIfTainted(pod);
  }

  /** The cluster's disruption state as last computed. */
  get disruptionState(): DisruptionState {
    return this.disruption;
  }

  /** The periodic pass (upstream monitorNodeHealth): every known node is checked. */
  monitorNodes(): void {
    this.noteDisruption(computeDisruptionState(this.opts.nodeLister.list()).state);
    for (const key of this.opts.nodeLister.listKeys()) this.nodeQueue.add(key);
    let unhealthy = 0;
    for (const h of this.health.values()) if (h.readyCondition?.status !== 'True') unhealthy++;
    this.opts.metrics?.unhealthy?.(unhealthy);
  }

  // ---- node sync ----

  async syncNode(name: string): Promise<NodeSyncResult> {
    const result: NodeSyncResult = { statusUpdated: false, taintsUpdated: false, podsMarkedNotReady: 0 };
    const node = this.opts.nodeLister.get(name);
    if (!node) {
      if (this.health.delete(name)) this.log.info({ node: name }, 'node removed from the controller');
      return result;
    }
    const prev = this.health.get(name);
    if (!prev) this.opts.recorder.event(node, 'Node', 'Normal', EVENT_REGISTERED_NODE, `Node ${name} event: Registered Node ${name} in Controller`);
    const now = this.opts.now();
    const lease = this.opts.leaseLister.get(makeKey(NODE_LEASE_NAMESPACE, name));
    const h = updateNodeHealth(prev, node, lease, now, this.opts.nodeMonitorGracePeriodMs);
    let current = node;
    if (h.conditions) {
      const copy = deepCopy(node);
      copy.status = { ...copy.status, conditions: h.conditions };
      try {
        current = await this.opts.api.updateNodeStatus(copy);
      } catch (err) {
        if (isNotFound(err)) return result;
        throw err;
      }
      result.statusUpdated = true;
      this.log.warn({ node: name, ready: h.currentReady?.status }, 'node stopped posting status; conditions set to Unknown');
    }
    this.health.set(name, h.health);

    const wasReady = (prev ? prev.readyCondition?.status : h.observedReady?.status) === 'True';
    const isReady = h.currentReady?.status === 'True';
    if (h.currentReady && wasReady && !isReady) {
      this.opts.recorder.event(node, 'Node', 'Normal', EVENT_NODE_NOT_READY, `Node ${name} status is now: NodeNotReady`);
    } else if (prev && !wasReady && isReady) {
      this.opts.recorder.event(node, 'Node', 'Normal', EVENT_NODE_READY, `Node ${name} status is now: NodeReady`);
    }

    // The disruption state with this node's fresh view, before any NoExecute taint goes on.
    const nodes = this.opts.nodeLister.list().map((n) => (n.metadata?.name === name ? current : n));
    this.noteDisruption(computeDisruptionState(nodes).state);
    const mode: NoExecuteMode = this.disruption === 'FullDisruption' ? 'lift' : this.disruption === 'PartialDisruption' ? 'hold' : 'apply';
    const taints = reconcileTaints(current, now, mode);
    if (taints) {
      const copy = deepCopy(current);
      copy.spec = { ...copy.spec, taints };
      try {
        await this.opts.api.updateNode(copy);
      } catch (err) {
        if (isNotFound(err)) return result;
        throw err;
      }
      result.taintsUpdated = true;
      this.log.info({ node: name, taints: taints.map((t) => `${t.key}:${t.effect}`) }, 'node taints updated');
    }

    // Only while the node is silent right now: once its Lease renews again the
    // kubelet is back and about to report its pods itself (writing Ready=False
    // then would race with its Ready=True).
    const silent = now > h.health.probeTimestamp + this.opts.nodeMonitorGracePeriodMs;
    if (h.currentReady?.status === 'Unknown' && silent) result.podsMarkedNotReady = await this.markPodsNotReady(name, now);
    return result;
  }

  /** Pods on a node nobody hears from cannot be trusted to serve: Ready=False (upstream MarkPodsNotReady). */
  private async markPodsNotReady(nodeName: string, now: number): Promise<number> {
    let marked = 0;
    let failure: unknown;
    for (const pod of this.opts.podLister.byIndex(NODE_NAME_INDEX, nodeName)) {
      const next = markPodNotReady(pod, now);
      if (!next) continue;
      try {
        await this.opts.api.updatePodStatus(next);
        marked++;
        this.opts.recorder.event(pod, 'Pod', 'Warning', EVENT_NODE_NOT_READY, 'Node is not ready');
      } catch (err) {
        if (!isNotFound(err)) failure ??= err;
      }
    }
    if (failure) throw failure;
    return marked;
  }

  // ---- taint eviction ----

  async syncPod(key: string): Promise<EvictionDecision | undefined> {
    const pod = this.opts.podLister.get(key);
    const nodeName = pod?.spec?.nodeName;
    if (!pod || !nodeName || pod.metadata?.deletionTimestamp) return undefined;
    // Master disruption mode: no evictions (the NoExecute taints are being lifted).
    if (this.disruption === 'FullDisruption') return { action: 'keep' };
    const taints = noExecuteTaints(this.opts.nodeLister.get(nodeName));
    const now = this.opts.now();
    const decision = evictionDecision(pod, taints, now, this.opts.defaultTolerationSeconds);
    if (decision.action === 'wait') this.evictionQueue.addAfter(key, Math.max(1, decision.atMs - now));
    if (decision.action === 'evict') await this.evict(pod, now, decision.taint.key ?? '');
    return decision;
  }

  private async evict(pod: Pod, now: number, taintKey: string): Promise<void> {
    const ns = pod.metadata?.namespace ?? '';
    const name = pod.metadata?.name ?? '';
    // Say why before deleting (upstream adds the DisruptionTarget condition first).
    const marked = deepCopy(pod);
    const conditions = (marked.status?.conditions ?? []).filter((c) => c.type !== CONDITION_DISRUPTION_TARGET);
    conditions.push({
      type: CONDITION_DISRUPTION_TARGET,
      status: 'True',
      reason: REASON_DELETION_BY_TAINT_MANAGER,
      message: `Taint manager: deleting due to NoExecute taint ${taintKey}`,
      lastTransitionTime: timeFromDate(now),
    });
    marked.status = { ...marked.status, conditions };
    try {
      await this.opts.api.updatePodStatus(marked);
    } catch (err) {
      if (isNotFound(err)) return;
      this.log.warn({ pod: `${ns}/${name}`, err: String(err) }, 'could not add the DisruptionTarget condition; deleting anyway');
    }
    this.opts.recorder.event(pod, 'Pod', 'Normal', EVENT_TAINT_MANAGER_EVICTION, `Marking for deletion Pod ${ns}/${name}`);
    try {
      await this.opts.api.deletePod(ns, name, pod.metadata?.uid ?? '');
    } catch (err) {
      if (isNotFound(err)) return;
      throw err;
    }
    this.opts.metrics?.evicted?.();
    this.log.info({ pod: `${ns}/${name}`, taint: taintKey }, 'evicted pod from a NoExecute-tainted node');
  }

  // ---- running ----

  async run(workers: number, signal: AbortSignal): Promise<void> {
    const common = {
      signal,
      onError: (key: string, err: unknown, requeues: number) => this.log.warn({ key, err: String(err), requeues }, 'node lifecycle sync failed; retrying'),
      onDrop: (key: string, err: unknown) => this.log.error({ key, err: String(err) }, 'node lifecycle sync dropped after retries'),
    };
    const stopNodes = runWorkers(this.nodeQueue, Math.max(1, workers), async (name) => void (await this.syncNode(name)), common);
    const stopPods = runWorkers(this.evictionQueue, Math.max(1, workers), async (key) => void (await this.syncPod(key)), common);
    this.monitorNodes();
    const timer = setInterval(() => this.monitorNodes(), this.opts.nodeMonitorPeriodMs);
    await new Promise<void>((resolve) => (signal.aborted ? resolve() : signal.addEventListener('abort', () => resolve(), { once: true })));
    clearInterval(timer);
    await Promise.all([stopNodes(), stopPods()]);
  }

  private noteDisruption(state: DisruptionState): void {
    if (state === this.disruption) return;
    const was = this.disruption;
    this.disruption = state;
    if (state === 'FullDisruption') this.log.warn({}, 'Controller detected that all Nodes are not-Ready. Entering master disruption mode');
    else if (was === 'FullDisruption') this.log.warn({ state }, 'Controller detected that some Nodes are Ready. Exiting master disruption mode');
    else this.log.info({ from: was, to: state }, 'disruption state changed');
    // Every node's NoExecute taints follow the new mode on its next sync.
    for (const key of this.opts.nodeLister.listKeys()) this.nodeQueue.add(key);
  }

  private enqueuePodsOn(nodeName: string): void {
    if (!nodeName) return;
    for (const pod of this.opts.podLister.byIndex(NODE_NAME_INDEX, nodeName)) this.evictionQueue.add(objectKey(pod));
  }

  private enqueuePodIfTainted(pod: Pod): void {
    const nodeName = pod.spec?.nodeName;
    if (!nodeName || pod.metadata?.deletionTimestamp) return;
    if (noExecuteTaints(this.opts.nodeLister.get(nodeName)).length > 0) this.evictionQueue.add(objectKey(pod));
  }
}
