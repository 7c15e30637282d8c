// The scheduling queue (upstream kube-scheduler's PriorityQueue): pods waiting
// to be scheduled, in three parts:
//   - activeQ: pods to try now, highest spec.priority first, then oldest first;
//   - backoffQ: pods that failed and wait out a per-pod exponential backoff
//     (initial 1 s, doubling per attempt, at most 10 s) before going back to
//     activeQ;
//   - unschedulablePods: pods that were found unschedulable, parked until a
//     cluster event that could help them (a node added, a node's allocatable,
//     labels, taints, schedulability or conditions changed, an assigned pod
//     deleted), or until they have been parked podMaxInUnschedulablePods
//     (5 min). Pods held back by scheduling gates wait here too ("gated"),
//     until an update removes the gates.
// Pods are deduplicated by namespace/name. Time comes from an injectable
// Clock; timers are armed only while something waits for them.
//
// Like upstream with queueing hints, the queue remembers the pods being
// scheduled (popped, not yet done()): an update or a move request that
// arrives during the attempt sends the pod to backoff/active instead of
// unschedulablePods when the attempt fails, and a pod deleted during the
// attempt is not re-queued.

import type { Pod } from '@k8ts/api';
import { type Clock, realClock, type TimerHandle } from '@k8ts/client';
import { type ClusterEvent, DEFAULT_PLUGIN_EVENTS, eventLabel, eventMayHelp, type PluginEventMap, UNSCHEDULABLE_TIMEOUT } from './cluster-events';
import { KeyedHeap } from './keyed-heap';

export const DEFAULT_POD_INITIAL_BACKOFF_MS = 1_000;
export const DEFAULT_POD_MAX_BACKOFF_MS = 10_000;
export const DEFAULT_POD_MAX_IN_UNSCHEDULABLE_PODS_MS = 5 * 60_000;

/** The part of the queue a pod is in. */
export type QueueName = 'active' | 'backoff' | 'unschedulable' | 'gated';

/** A pod in (or popped from) the scheduling queue. */
export interface QueuedPodInfo {
  /** The newest version of the pod the queue has seen. */
  pod: Pod;
  /** namespace/name */
  readonly key: string;
  /** When the pod was last added to the queue, or last failed (epoch ms). */
  timestamp: number;
  /** When the pod was first popped (epoch ms); undefined before that. */
  initialAttemptTimestamp: number | undefined;
  /** Scheduling attempts so far (incremented by pop). */
  attempts: number;
  /**
   * The plugins that rejected the pod in its last attempt. Set it before
   * addUnschedulableIfNotPresent (see rejectorPlugins()); empty means the
   * attempt failed with an error, and the pod is retried after its backoff.
   */
  unschedulablePlugins: Set<string>;
  /** Held back by a pre-enqueue check (scheduling gates); the name of the check. */
  gatedBy: string | undefined;
  /** When the current backoff ends (epoch ms); set when the pod fails an attempt. */
  backoffExpiration: number;
  /** Tie-breaker in activeQ and backoffQ: order of arrival. */
  seq: number;
}

/** Counts per part of the queue (the scheduler_pending_pods gauge). */
export interface PendingPods {
  active: number;
  backoff: number;
  unschedulable: number;
  gated: number;
}

/** Optional instrumentation (scheduler_queue_incoming_pods_total). */
export interface SchedulingQueueMetrics {
  podIncoming?(queue: QueueName, event: string): void;
}

/** Returns the name of the check keeping the pod out of activeQ, or undefined when the pod may be scheduled. */
export type PreEnqueueCheck = (pod: Pod) => string | undefined;

/** Upstream's SchedulingGates PreEnqueue plugin. */
export const schedulingGatesCheck: PreEnqueueCheck = (pod) => (pod.spec?.schedulingGates?.length ? 'SchedulingGates' : undefined);

export interface SchedulingQueueOptions {
  clock?: Clock;
  /** Backoff after the first failed attempt (default 1 s). */
  podInitialBackoffMs?: number;
  /** Backoff cap (default 10 s). */
  podMaxBackoffMs?: number;
  /** Parked pods are retried after this long even without an event (default 5 min). */
  podMaxInUnschedulablePodsMs?: number;
  /** Which cluster events may help pods rejected by which plugin (default: the default filters'). */
  pluginEvents?: PluginEventMap;
  /** Runs before a pod enters activeQ (default: scheduling gates). */
  preEnqueue?: PreEnqueueCheck;
  /** Order activeQ by spec.priority first (default true); false: plain FIFO. */
  usePriority?: boolean;
  metrics?: SchedulingQueueMetrics;
}

/** The queue key of a pod: namespace/name. */
export function podKey(pod: Pod): string {
  return `${pod.metadata?.namespace ?? ''}/${pod.metadata?.name ?? ''}`;
}

/** A pod being scheduled: popped, done() not yet called. */
interface InFlight {
  readonly cycle: number;
  /** The pod as last updated while in flight. */
  updatedPod?: Pod;
  deleted: boolean;
}

interface Waiter {
  resolve(info: QueuedPodInfo | undefined): void;
  cleanup(): void;
}

/** Pod spec or metadata changed (not only status, resourceVersion, generation or managedFields). */
export function isPodUpdated(oldPod: Pod | undefined, newPod: Pod): boolean {
  if (!oldPod) return true;
  const strip = (p: Pod): string => {
    const { status: _status, metadata, ...rest } = p;
    const { resourceVersion: _rv, generation: _gen, managedFields: _mf, ...meta } = metadata ?? {};
    return JSON.stringify({ ...rest, metadata: meta });
  };
  return strip(oldPod) !== strip(newPod);
}

export class SchedulingQueue {
  private readonly clock: Clock;
  private readonly initialBackoffMs: number;
  private readonly maxBackoffMs: number;
  private readonly maxInUnschedulableMs: number;
  private readonly pluginEvents: PluginEventMap;
  private readonly preEnqueue: PreEnqueueCheck;
  private readonly metrics: SchedulingQueueMetrics;

  private readonly activeQ: KeyedHeap<QueuedPodInfo>;
  private readonly backoffQ = new KeyedHeap<QueuedPodInfo>(
    (i) => i.key,
    (a, b) => a.backoffExpiration < b.backoffExpiration || (a.backoffExpiration === b.backoffExpiration && a.seq < b.seq),
  );
  /** Unschedulable and gated pods. */
  private readonly unschedulable = new Map<string, QueuedPodInfo>();
  private readonly inFlight = new Map<string, InFlight>();
  private readonly waiters: Waiter[] = [];

  private cycle = 0;
  /**
   * The scheduling cycle when the last move request arrived (-1: none yet).
   * Pods popped in or before it that fail are not parked: the event might
   * have helped them (upstream moveRequestCycle).
   */
  private moveRequestCycle = -1;
  private nextSeq = 0;
  private closed = false;
  private backoffTimer: TimerHandle | undefined;
  private backoffTimerAt: number | undefined;
  private leftoverTimer: TimerHandle | undefined;

  constructor(opts: SchedulingQueueOptions = {}) {
    this.clock = opts.clock ?? realClock;
    this.initialBackoffMs = opts.podInitialBackoffMs ?? DEFAULT_POD_INITIAL_BACKOFF_MS;
    this.maxBackoffMs = opts.podMaxBackoffMs ?? DEFAULT_POD_MAX_BACKOFF_MS;
    this.maxInUnschedulableMs = opts.podMaxInUnschedulablePodsMs ?? DEFAULT_POD_MAX_IN_UNSCHEDULABLE_PODS_MS;
    for (const [name, v] of [
      ['podInitialBackoffMs', this.initialBackoffMs],
      ['podMaxBackoffMs', this.maxBackoffMs],
      ['podMaxInUnschedulablePodsMs', this.maxInUnschedulableMs],
    ] as const) {
      if (!(v >= 0) || !Number.isFinite(v)) throw new RangeError(`SchedulingQueue: ${name} must be a finite number >= 0, got ${v}`);
    }
    this.pluginEvents = opts.pluginEvents ?? DEFAULT_PLUGIN_EVENTS;
    this.preEnqueue = opts.preEnqueue ?? schedulingGatesCheck;
    this.metrics = opts.metrics ?? {};
    const usePriority = opts.usePriority ?? true;
    this.activeQ = new KeyedHeap<QueuedPodInfo>(
      (i) => i.key,
      (a, b) => {
        if (usePriority) {
          const pa = a.pod.spec?.priority ?? 0;
          const pb = b.pod.spec?.priority ?? 0;
          if (pa !== pb) return pa > pb;
        }
        return a.timestamp < b.timestamp || (a.timestamp === b.timestamp && a.seq < b.seq);
      },
    );
  }

  /** A new pending pod (informer add). A pod already queued is updated and made active. */
  add(pod: Pod): void {
    if (this.closed) return;
    const key = podKey(pod);
    const flight = this.inFlight.get(key);
    if (flight && !this.has(key)) {
      flight.updatedPod = pod;
      return;
    }
    const existing = this.activeQ.get(key) ?? this.backoffQ.get(key) ?? this.unschedulable.get(key);
    if (existing) {
      existing.pod = pod;
      this.backoffQ.delete(key);
      this.unschedulable.delete(key);
      this.moveToActiveQ(existing, 'PodAdd');
      return;
    }
    const info: QueuedPodInfo = {
      pod,
      key,
      timestamp: this.clock.now(),
      initialAttemptTimestamp: undefined,
      attempts: 0,
      unschedulablePlugins: new Set(),
      gatedBy: undefined,
      backoffExpiration: 0,
      seq: 0,
    };
    this.moveToActiveQ(info, 'PodAdd');
  }

  /**
   * A pending pod changed (informer update). In activeQ or backoffQ it is
   * updated in place; parked in unschedulablePods it goes back to
   * backoffQ/activeQ when its spec or metadata changed (or its gates were
   * removed); a pod the queue does not hold is added.
   */
  update(oldPod: Pod | undefined, newPod: Pod): void {
    if (this.closed) return;
    const key = podKey(newPod);
    const active = this.activeQ.get(key);
    if (active) {
      active.pod = newPod;
      this.activeQ.addOrUpdate(active); // the priority may have changed
      return;
    }
    const backingOff = this.backoffQ.get(key);
    if (backingOff) {
      backingOff.pod = newPod;
      return;
    }
    const parked = this.unschedulable.get(key);
    if (parked) {
      parked.pod = newPod;
      if (parked.gatedBy !== undefined) {
        this.moveToActiveQ(parked, 'PodUpdate'); // stays parked if still gated
      } else if (isPodUpdated(oldPod, newPod)) {
        this.unschedulable.delete(key);
        this.requeue(parked, 'PodUpdate');
      }
      return;
    }
    const flight = this.inFlight.get(key);
    if (flight) {
      flight.updatedPod = newPod;
      return;
    }
    this.add(newPod);
  }

  /** The pod was deleted (or bound elsewhere): forget it everywhere. */
  delete(pod: Pod): void {
    const key = podKey(pod);
    this.activeQ.delete(key);
    if (this.backoffQ.delete(key)) this.armBackoffTimer();
    this.unschedulable.delete(key);
    const flight = this.inFlight.get(key);
    if (flight) flight.deleted = true;
  }

  /**
   * The next pod to schedule, waiting until one is active. Resolves
   * undefined once the queue is closed or `signal` aborts. Each pop starts a
   * scheduling cycle: attempts is incremented, and the pod is in flight
   * until done(key).
   */
  pop(signal?: AbortSignal): Promise<QueuedPodInfo | undefined> {
    if (this.closed || signal?.aborted) return Promise.resolve(undefined);
    if (this.activeQ.size > 0) return Promise.resolve(this.popActive());
    return new Promise((resolve) => {
      const onAbort = (): void => {
        const i = this.waiters.indexOf(waiter);
        if (i >= 0) this.waiters.splice(i, 1);
        resolve(undefined);
      };
      const waiter: Waiter = {
        resolve: (info) => {
          signal?.removeEventListener('abort', onAbort);
          resolve(info);
        },
        cleanup: () => signal?.removeEventListener('abort', onAbort),
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiters.push(waiter);
    });
  }

  /** The number of the latest scheduling cycle (one per pop). */
  schedulingCycle(): number {
    return this.cycle;
  }

  /**
   * Puts back a pod whose attempt failed. With rejecting plugins it is
   * parked in unschedulablePods, unless a move request or an update arrived
   * during the attempt (cycle >= podSchedulingCycle), in which case, like a
   * pod that failed with an error (no rejecting plugins), it goes to
   * backoffQ, or straight to activeQ when its backoff is already over.
   * Returns false when the pod is already queued, was deleted meanwhile, or
   * the queue is closed.
   */
  addUnschedulableIfNotPresent(info: QueuedPodInfo, podSchedulingCycle?: number): boolean {
    if (this.closed) return false;
    const key = info.key;
    if (this.has(key)) return false;
    const flight = this.inFlight.get(key);
    if (flight?.deleted) return false;
    const cycle = podSchedulingCycle ?? flight?.cycle ?? this.cycle;
    if (flight?.updatedPod) info.pod = flight.updatedPod;
    const now = this.clock.now();
    info.timestamp = now;
    info.gatedBy = undefined;
    info.backoffExpiration = now + this.backoffDuration(info.attempts);
    const moveRequested = flight?.updatedPod !== undefined || this.moveRequestCycle >= cycle;
    if (moveRequested || info.unschedulablePlugins.size === 0) {
      this.requeue(info, 'ScheduleAttemptFailure');
    } else {
      this.park(info, 'ScheduleAttemptFailure');
    }
    return true;
  }

  /** The attempt of a popped pod is over (scheduled, re-queued or dropped). */
  done(keyOrInfo: string | QueuedPodInfo): void {
    this.inFlight.delete(typeof keyOrInfo === 'string' ? keyOrInfo : keyOrInfo.key);
  }

  /**
   * A cluster event happened: parked pods that it may help move to backoffQ
   * (still backing off) or activeQ; pods being scheduled right now will not
   * be parked when their attempt fails. `preCheck` may veto single pods.
   * Returns how many pods moved.
   */
  moveAllToActiveOrBackoffQueue(event: ClusterEvent, preCheck?: (pod: Pod) => boolean): number {
    if (this.closed) return 0;
    this.moveRequestCycle = this.cycle;
    let moved = 0;
    const label = eventLabel(event);
    for (const info of [...this.unschedulable.values()]) {
      if (info.gatedBy !== undefined) continue;
      if (!eventMayHelp(event, info.unschedulablePlugins, this.pluginEvents)) continue;
      if (preCheck && !preCheck(info.pod)) continue;
      this.unschedulable.delete(info.key);
      this.requeue(info, label);
      moved++;
    }
    return moved;
  }

  /** Moves the given pods (keys) from unschedulablePods or backoffQ to activeQ at once (upstream Activate). */
  activate(keys: Iterable<string>): void {
    if (this.closed) return;
    for (const key of keys) {
      const info = this.backoffQ.get(key) ?? this.unschedulable.get(key);
      if (!info || (info.gatedBy !== undefined && this.unschedulable.has(key))) continue;
      if (this.backoffQ.delete(key)) this.armBackoffTimer();
      this.unschedulable.delete(key);
      this.moveToActiveQ(info, 'ForceActivate');
    }
  }

  pendingPods(): PendingPods {
    let gated = 0;
    for (const info of this.unschedulable.values()) if (info.gatedBy !== undefined) gated++;
    return { active: this.activeQ.size, backoff: this.backoffQ.size, unschedulable: this.unschedulable.size - gated, gated };
  }

  /** Where the pod is queued, if it is (popped pods are in no queue). */
  queueOf(key: string): QueueName | undefined {
    if (this.activeQ.has(key)) return 'active';
    if (this.backoffQ.has(key)) return 'backoff';
    const parked = this.unschedulable.get(key);
    if (parked) return parked.gatedBy !== undefined ? 'gated' : 'unschedulable';
    return undefined;
  }

  /** The queued pod with this key (not popped ones). */
  get(key: string): QueuedPodInfo | undefined {
    return this.activeQ.get(key) ?? this.backoffQ.get(key) ?? this.unschedulable.get(key);
  }

  /** Whether the pod is popped and its attempt not done() yet. */
  isInFlight(key: string): boolean {
    return this.inFlight.has(key);
  }

  /** Stops the timers and wakes every pop() with undefined. Idempotent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.clearBackoffTimer();
    if (this.leftoverTimer !== undefined) this.clock.clearTimeout(this.leftoverTimer);
    this.leftoverTimer = undefined;
    for (const w of this.waiters.splice(0)) {
      w.cleanup();
      w.resolve(undefined);
    }
  }

  isClosed(): boolean {
    return this.closed;
  }

  /** initial * 2^(attempts-1), at most max; 0 before the first attempt. */
  backoffDuration(attempts: number): number {
    if (attempts <= 0) return 0;
    let d = this.initialBackoffMs;
    for (let i = 1; i < attempts; i++) {
      if (d >= this.maxBackoffMs) break;
      d *= 2;
    }
    return Math.min(d, this.maxBackoffMs);
  }

  // --- internals ---

  private has(key: string): boolean {
    return this.activeQ.has(key) || this.backoffQ.has(key) || this.unschedulable.has(key);
  }

  private isBackingOff(info: QueuedPodInfo): boolean {
    return info.backoffExpiration > this.clock.now();
  }

  /** To backoffQ while the backoff lasts, else to activeQ. */
  private requeue(info: QueuedPodInfo, event: string): void {
    if (this.isBackingOff(info)) {
      info.seq = this.nextSeq++;
      this.backoffQ.addOrUpdate(info);
      this.metrics.podIncoming?.('backoff', event);
      this.armBackoffTimer();
    } else {
      this.moveToActiveQ(info, event);
    }
  }

  private park(info: QueuedPodInfo, event: string): void {
    this.unschedulable.set(info.key, info);
    this.metrics.podIncoming?.('unschedulable', event);
    this.armLeftoverTimer();
  }

  /** Runs the pre-enqueue check: active, or parked as gated. Returns whether the pod became active. */
  private moveToActiveQ(info: QueuedPodInfo, event: string): boolean {
    const gate = this.preEnqueue(info.pod);
    if (gate !== undefined) {
      const wasGated = info.gatedBy !== undefined && this.unschedulable.has(info.key);
      info.gatedBy = gate;
      this.activeQ.delete(info.key);
      this.unschedulable.set(info.key, info);
      if (!wasGated) this.metrics.podIncoming?.('gated', event);
      return false;
    }
    info.gatedBy = undefined;
    this.unschedulable.delete(info.key);
    if (!this.activeQ.has(info.key)) info.seq = this.nextSeq++;
    this.activeQ.addOrUpdate(info);
    this.metrics.podIncoming?.('active', event);
    this.wakeWaiters();
    return true;
  }

  private wakeWaiters(): void {
    while (this.waiters.length > 0 && this.activeQ.size > 0) {
      const w = this.waiters.shift() as Waiter;
      w.resolve(this.popActive());
    }
  }

  private popActive(): QueuedPodInfo {
    const info = this.activeQ.pop() as QueuedPodInfo;
    this.cycle++;
    info.attempts++;
    info.initialAttemptTimestamp ??= this.clock.now();
    info.unschedulablePlugins = new Set();
    this.inFlight.set(info.key, { cycle: this.cycle, deleted: false });
    return info;
  }

  private clearBackoffTimer(): void {
    if (this.backoffTimer !== undefined) this.clock.clearTimeout(this.backoffTimer);
    this.backoffTimer = undefined;
    this.backoffTimerAt = undefined;
  }

  /** One timer for the earliest backoff expiry. */
  private armBackoffTimer(): void {
    if (this.closed) return;
    const next = this.backoffQ.peek();
    if (!next) return this.clearBackoffTimer();
    if (this.backoffTimerAt === next.backoffExpiration) return;
    this.clearBackoffTimer();
    this.backoffTimerAt = next.backoffExpiration;
    this.backoffTimer = this.clock.setTimeout(() => this.flushBackoffCompleted(), Math.max(0, next.backoffExpiration - this.clock.now()));
  }

  /** Moves pods whose backoff is over to activeQ (upstream flushBackoffQCompleted). */
  private flushBackoffCompleted(): void {
    this.backoffTimer = undefined;
    this.backoffTimerAt = undefined;
    for (let top = this.backoffQ.peek(); top && !this.isBackingOff(top); top = this.backoffQ.peek()) {
      this.backoffQ.pop();
      this.moveToActiveQ(top, 'BackoffComplete');
    }
    this.armBackoffTimer();
  }

  /**
   * One timer for the oldest parked pod's deadline. Pods are parked in time
   * order, so a timer already armed is never late for a newer pod.
   */
  private armLeftoverTimer(): void {
    if (this.closed || this.leftoverTimer !== undefined) return;
    let oldest = Infinity;
    for (const info of this.unschedulable.values()) if (info.gatedBy === undefined && info.timestamp < oldest) oldest = info.timestamp;
    if (oldest === Infinity) return;
    this.leftoverTimer = this.clock.setTimeout(
      () => this.flushUnschedulableLeftover(),
      Math.max(0, oldest + this.maxInUnschedulableMs - this.clock.now()),
    );
  }

  /** Moves pods parked for podMaxInUnschedulablePods or longer (upstream flushUnschedulablePodsLeftover). */
  private flushUnschedulableLeftover(): void {
    this.leftoverTimer = undefined;
    const now = this.clock.now();
    const expired = [...this.unschedulable.values()].filter(
      (info) => info.gatedBy === undefined && now - info.timestamp >= this.maxInUnschedulableMs,
    );
    if (expired.length > 0) {
      const label = eventLabel(UNSCHEDULABLE_TIMEOUT);
      for (const info of expired) {
        this.unschedulable.delete(info.key);
        this.requeue(info, label);
      }
    }
    this.armLeftoverTimer();
  }
}
