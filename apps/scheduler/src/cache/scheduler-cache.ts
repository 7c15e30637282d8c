// The scheduler cache (upstream kube-scheduler's cache): nodes and the pods
// assigned to them, as NodeInfos kept up to date incrementally, plus
// *assumed* pods: a pod the scheduler has just placed is counted on its node
// at once (assumePod), before the bind is observed through the watch, so the
// next scheduling cycle already sees the resources it takes.
//
// Pod life cycle, as upstream:
//   assumePod → finishBinding → addPod (the watch confirms: "added")
//                             ↘ TTL passes without confirmation: expired, removed
//   assumePod → forgetPod (the bind failed)
//   addPod (pods bound by others, or seen after a restart) → updatePod* → removePod
// Informer-facing methods (add/update/remove) never throw: inconsistencies
// are logged and repaired. assumePod/forgetPod throw on misuse, which is a
// scheduler bug.
//
// snapshot() hands out what one scheduling cycle reads. NodeInfos changed
// since the last snapshot are cloned (upstream UpdateSnapshot with node
// generations); unchanged ones are shared between snapshots, so a snapshot
// costs O(nodes) pointer copies plus one clone per changed node. schedulePod
// only reads NodeInfos (see scheduler-cache.spec.ts), and the cache never
// mutates a NodeInfo it has handed out, so a snapshot stays consistent across
// awaits.

import type { Node, Pod } from '@k8ts/api';
import { type Clock, realClock, type TimerHandle } from '@k8ts/client';
import { NodeInfo, type Snapshot, snapshotFromNodeInfos } from '../framework/node-info';

export const DEFAULT_ASSUMED_POD_TTL_MS = 30_000;

/** The logger shape the cache writes to; a pino logger fits. */
export interface SchedulerCacheLogger {
  warn(obj: object, msg: string): void;
  info?(obj: object, msg: string): void;
}

export interface SchedulerCacheOptions {
  clock?: Clock;
  /**
   * How long an assumed pod whose binding finished waits for the watch to
   * confirm it before it is dropped (default 30 s; 0: never expire).
   */
  assumedPodTtlMs?: number;
  logger?: SchedulerCacheLogger;
}

export class SchedulerCacheError extends Error {
  override readonly name = 'SchedulerCacheError';
}

interface NodeEntry {
  /** undefined: a "ghost" that only holds pods of a node not (or no longer) known. */
  node: Node | undefined;
  /** Live: mutated in place; never handed out (snapshots get clones). */
  info: NodeInfo;
  /** Cache generation of the last change. */
  generation: number;
}

interface PodState {
  pod: Pod;
  assumed: boolean;
  bindingFinished: boolean;
  /** Expiry of an assumed pod whose binding finished (epoch ms). */
  deadline: number | undefined;
}

interface SnapshotEntry {
  generation: number;
  info: NodeInfo;
}

/** The cache key of a pod: its uid, else namespace/name. */
export function cachePodKey(pod: Pod): string {
  return pod.metadata?.uid || `${pod.metadata?.namespace ?? ''}/${pod.metadata?.name ?? ''}`;
}

function isTerminal(pod: Pod): boolean {
  const phase = pod.status?.phase;
  return phase === 'Succeeded' || phase === 'Failed';
}

function podRef(pod: Pod): { pod: string; node?: string } {
  return { pod: `${pod.metadata?.namespace ?? ''}/${pod.metadata?.name ?? ''}`, node: pod.spec?.nodeName };
}

const silentLogger: SchedulerCacheLogger = { warn: () => undefined };

export class SchedulerCache {
  private readonly clock: Clock;
  private readonly ttlMs: number;
  private readonly log: SchedulerCacheLogger;

  private readonly nodes = new Map<string, NodeEntry>();
  private readonly pods = new Map<string, PodState>();
  /** Keys of assumed pods. */
  private readonly assumed = new Set<string>();

  private generation = 0;
  /** Generation the last snapshot was taken at. */
  private snapshotGeneration = -1;
  private lastSnapshot: Snapshot | undefined;
  private readonly snapshotInfos = new Map<string, SnapshotEntry>();

  private expiryTimer: TimerHandle | undefined;
  private expiryTimerAt: number | undefined;
  private closed = false;

  constructor(opts: SchedulerCacheOptions = {}) {
    this.clock = opts.clock ?? realClock;
    this.ttlMs = opts.assumedPodTtlMs ?? DEFAULT_ASSUMED_POD_TTL_MS;
    if (!(this.ttlMs >= 0) || !Number.isFinite(this.ttlMs)) throw new RangeError(`SchedulerCache: assumedPodTtlMs must be a finite number >= 0, got ${this.ttlMs}`);
    this.log = opts.logger ?? silentLogger;
  }

  // --- nodes ---

  addNode(node: Node): void {
    this.setNode(node);
  }

  /**
   * The node changed; an unknown node is added. Takes the new node, or the
   * informer's (old, new) pair.
   */
  updateNode(nodeOrOld: Node, newNode?: Node): void {
    this.setNode(newNode ?? nodeOrOld);
  }

  /** The node is gone. Its pods stay accounted until they are removed (and count again if it returns). */
  removeNode(nodeOrName: Node | string): void {
    const name = typeof nodeOrName === 'string' ? nodeOrName : (nodeOrName.metadata?.name ?? '');
    const e = this.nodes.get(name);
    if (!e || !e.node) return;
    if (e.info.pods.length === 0) {
      this.nodes.delete(name);
    } else {
      e.node = undefined;
    }
    this.touch(e);
  }

  private setNode(node: Node): void {
    const name = node.metadata?.name;
    if (!name) {
      this.log.warn({}, 'scheduler cache: node without a name ignored');
      return;
    }
    const e = this.nodes.get(name);
    const info = new NodeInfo(node);
    if (e) {
      for (const pi of e.info.pods) info.addPodInfo(pi);
      e.node = node;
      e.info = info;
      this.touch(e);
    } else {
      this.nodes.set(name, { node, info, generation: ++this.generation });
    }
  }

  // --- pods ---

  /**
   * A pod assigned to a node appeared (informer add, or an update that set
   * spec.nodeName). Confirms an assumed pod; if it landed elsewhere than
   * assumed, it is moved. Unassigned and terminal pods are not cached.
   */
  addPod(pod: Pod): void {
    const nodeName = pod.spec?.nodeName;
    if (!nodeName) return;
    if (isTerminal(pod)) {
      this.removePod(pod);
      return;
    }
    const key = cachePodKey(pod);
    const state = this.pods.get(key);
    if (state?.assumed) {
      if (state.pod.spec?.nodeName !== nodeName) {
        this.log.warn({ ...podRef(pod), assumedNode: state.pod.spec?.nodeName }, 'scheduler cache: pod was added to a different node than it was assumed');
      }
      this.replacePod(state, pod);
      state.assumed = false;
      state.bindingFinished = false;
      state.deadline = undefined;
      this.assumed.delete(key);
      return;
    }
    if (state) {
      // Already added: treat as an update (upstream reports an error).
      this.replacePod(state, pod);
      return;
    }
    this.pods.set(key, { pod, assumed: false, bindingFinished: false, deadline: undefined });
    this.nodeEntry(nodeName).info.addPod(pod);
    this.touchNode(nodeName);
  }

  /**
   * An assigned pod changed. An unknown or assumed pod is added (an assumed
   * one is thereby confirmed); a pod that turned terminal is removed; an
   * unassigned version is ignored (the queue deals with pending pods).
   */
  updatePod(_oldPod: Pod | undefined, newPod: Pod): void {
    if (!newPod.spec?.nodeName) return;
    if (isTerminal(newPod)) {
      this.removePod(newPod);
      return;
    }
    const state = this.pods.get(cachePodKey(newPod));
    if (!state || state.assumed) this.addPod(newPod);
    else this.replacePod(state, newPod);
  }

  /** An assigned pod was deleted (assumed ones too). Unknown pods are ignored. */
  removePod(pod: Pod): void {
    const key = cachePodKey(pod);
    const state = this.pods.get(key);
    if (!state) return;
    const cachedNode = state.pod.spec?.nodeName ?? '';
    if (pod.spec?.nodeName && pod.spec.nodeName !== cachedNode) {
      this.log.warn({ ...podRef(pod), cachedNode }, 'scheduler cache: removed pod was cached on another node');
    }
    this.dropPod(key, state);
  }

  /**
   * Counts `pod` on `nodeName` now, before the bind is observed. Returns the
   * assumed pod (a copy with spec.nodeName set). Throws if the pod is
   * already cached (assumed or added).
   */
  assumePod(pod: Pod, nodeName: string): Pod {
    if (!nodeName) throw new SchedulerCacheError('assumePod: nodeName is empty');
    const key = cachePodKey(pod);
    if (this.pods.has(key)) throw new SchedulerCacheError(`assumePod: pod ${podRef(pod).pod} (${key}) is in the cache already, so it cannot be assumed`);
    const assumed: Pod = { ...pod, spec: { ...pod.spec, nodeName } };
    this.pods.set(key, { pod: assumed, assumed: true, bindingFinished: false, deadline: undefined });
    this.assumed.add(key);
    this.nodeEntry(nodeName).info.addPod(assumed);
    this.touchNode(nodeName);
    return assumed;
  }

  /** The bind call returned: from now the assumed pod expires after the TTL unless the watch confirms it. */
  finishBinding(pod: Pod): void {
    const key = cachePodKey(pod);
    const state = this.pods.get(key);
    if (!state?.assumed || this.closed) return;
    state.bindingFinished = true;
    if (this.ttlMs === 0) return;
    state.deadline = this.clock.now() + this.ttlMs;
    // Deadlines grow with time: a timer already armed fires first.
    if (this.expiryTimerAt === undefined || this.expiryTimerAt > state.deadline) this.armExpiryTimer();
  }

  /** The bind failed: un-count the assumed pod. Throws if the pod is not assumed. */
  forgetPod(pod: Pod): void {
    const key = cachePodKey(pod);
    const state = this.pods.get(key);
    if (!state?.assumed) throw new SchedulerCacheError(`forgetPod: pod ${podRef(pod).pod} (${key}) was not assumed, so it cannot be forgotten`);
    if (pod.spec?.nodeName && pod.spec.nodeName !== state.pod.spec?.nodeName) {
      throw new SchedulerCacheError(`forgetPod: pod ${podRef(pod).pod} was assumed on ${state.pod.spec?.nodeName}, not ${pod.spec.nodeName}`);
    }
    this.dropPod(key, state);
  }

  isAssumedPod(pod: Pod): boolean {
    return this.pods.get(cachePodKey(pod))?.assumed ?? false;
  }

  /** The cached version of the pod (assumed or added). */
  getPod(pod: Pod): Pod | undefined {
    return this.pods.get(cachePodKey(pod))?.pod;
  }

  /** Drops assumed pods whose binding finished more than the TTL ago; returns how many. */
  cleanupExpiredAssumedPods(): number {
    const now = this.clock.now();
    let expired = 0;
    for (const key of [...this.assumed]) {
      const state = this.pods.get(key);
      if (!state || !state.bindingFinished || state.deadline === undefined || state.deadline > now) continue;
      this.log.warn(podRef(state.pod), 'scheduler cache: assumed pod expired (its binding was never observed)');
      this.dropPod(key, state);
      expired++;
    }
    return expired;
  }

  /** Nodes with a Node object (ghosts holding pods of unknown nodes are not counted). */
  nodeCount(): number {
    let n = 0;
    for (const e of this.nodes.values()) if (e.node) n++;
    return n;
  }

  podCount(): number {
    return this.pods.size;
  }

  assumedPodCount(): number {
    return this.assumed.size;
  }

  /**
   * What a scheduling cycle reads: every known node with its pods (assumed
   * ones included). Unchanged since the last call: the same object.
   */
  snapshot(): Snapshot {
    if (this.lastSnapshot && this.snapshotGeneration === this.generation) return this.lastSnapshot;
    const infos: NodeInfo[] = [];
    const live = new Set<string>();
    for (const [name, e] of this.nodes) {
      if (!e.node) continue;
      live.add(name);
      let s = this.snapshotInfos.get(name);
      if (!s || s.generation !== e.generation) {
        s = { generation: e.generation, info: e.info.clone() };
        this.snapshotInfos.set(name, s);
      }
      infos.push(s.info);
    }
    if (this.snapshotInfos.size > live.size) {
      for (const name of this.snapshotInfos.keys()) if (!live.has(name)) this.snapshotInfos.delete(name);
    }
    this.lastSnapshot = snapshotFromNodeInfos(infos);
    this.snapshotGeneration = this.generation;
    return this.lastSnapshot;
  }

  /** Stops the expiry timer. */
  close(): void {
    this.closed = true;
    this.clearExpiryTimer();
  }

  // --- internals ---

  private nodeEntry(name: string): NodeEntry {
    let e = this.nodes.get(name);
    if (!e) {
      // A pod on a node we have not seen (yet): keep its pods in a ghost entry.
      e = { node: undefined, info: new NodeInfo({ metadata: { name } }), generation: ++this.generation };
      this.nodes.set(name, e);
    }
    return e;
  }

  private touch(e: NodeEntry): void {
    e.generation = ++this.generation;
  }

  private touchNode(name: string): void {
    const e = this.nodes.get(name);
    if (e) this.touch(e);
  }

  /** Replaces the cached version of a pod (moving it if its node changed). */
  private replacePod(state: PodState, pod: Pod): void {
    const oldNode = state.pod.spec?.nodeName ?? '';
    const newNode = pod.spec?.nodeName ?? '';
    this.removeFromNode(state.pod);
    state.pod = pod;
    this.nodeEntry(newNode).info.addPod(pod);
    this.touchNode(newNode);
    if (oldNode !== newNode) this.touchNode(oldNode);
  }

  private dropPod(key: string, state: PodState): void {
    this.removeFromNode(state.pod);
    this.pods.delete(key);
    this.assumed.delete(key);
  }

  private removeFromNode(pod: Pod): void {
    const name = pod.spec?.nodeName ?? '';
    const e = this.nodes.get(name);
    if (!e) return;
    e.info.removePod(pod);
    if (!e.node && e.info.pods.length === 0) {
      this.nodes.delete(name);
      this.generation++;
    } else {
      this.touch(e);
    }
  }

  private clearExpiryTimer(): void {
    if (this.expiryTimer !== undefined) this.clock.clearTimeout(this.expiryTimer);
    this.expiryTimer = undefined;
    this.expiryTimerAt = undefined;
  }

  /** One timer, for the earliest deadline of a bound-but-unconfirmed assumed pod. */
  private armExpiryTimer(): void {
    if (this.closed) return;
    let next = Infinity;
    for (const key of this.assumed) {
      const d = this.pods.get(key)?.deadline;
      if (d !== undefined && d < next) next = d;
    }
    if (next === Infinity) return this.clearExpiryTimer();
    if (this.expiryTimerAt !== undefined && this.expiryTimerAt <= next) return;
    this.clearExpiryTimer();
    this.expiryTimerAt = next;
    this.expiryTimer = this.clock.setTimeout(() => {
      this.expiryTimer = undefined;
      this.expiryTimerAt = undefined;
      this.cleanupExpiredAssumedPods();
      this.armExpiryTimer();
    }, Math.max(0, next - this.clock.now()));
  }
}
