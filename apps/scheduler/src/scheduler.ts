// The scheduler proper (upstream pkg/scheduler's Scheduler + eventhandlers.go
// + schedule_one.go, minus preemption): informer handlers feed the cache and
// the scheduling queue; a scheduling loop (run only by the leader) pops a
// pod, runs the profile over a cache snapshot, assumes the pod on the chosen
// node and binds it asynchronously.
//
//   nodes informer ──► cache (+ move parked pods on add / relevant update)
//   pods informer ──┬► assigned pods ─► cache (+ move parked pods when one goes away)
//                   └► our pending pods ─► queue
//   services / replicasets informers ─► SelectorSpread's selectorsFor(pod)
//
//   loop: pop → snapshot → schedulePod (span "scheduler schedule")
//     ├ fits:          cache.assumePod → bind (span "scheduler bind")
//     │                  ok:   cache.finishBinding, Event Scheduled
//     │                  fail: cache.forgetPod, re-queue with backoff
//     ├ unschedulable: park in the queue, PodScheduled=False/Unschedulable, Event FailedScheduling
//     └ error:         re-queue with backoff
//
// Each pod keeps the trace context of the last write to its spec or metadata
// (the informer's meta.trace), so the schedule and bind spans continue the
// trace of the pod's creation.
import { performance } from 'node:perf_hooks';
import type { Node, Pod, PodCondition, ReplicaSet, Service } from '@k8ts/api';
import { isConflict, isNotFound, type Selector, selectorFromLabelSelector, selectorFromSet } from '@k8ts/apimachinery';
import {
  type ApiClient,
  type EventMeta,
  EventRecorder,
  type Informer,
  isDeletedFinalStateUnknown,
  objectReference,
  type DeletedFinalStateUnknown,
} from '@k8ts/client';
import { context, type Context, propagation, ROOT_CONTEXT, type Span, SpanStatusCode, trace } from '@opentelemetry/api';
import { SchedulerCache } from './cache/scheduler-cache';
import { defaultProfile, type Profile } from './framework/profile';
import { isScheduled, isUnschedulable, schedulePod, type ScheduleFailure } from './framework/schedule-one';
import type { SchedulerMetrics } from './metrics/scheduler-metrics';
import { ASSIGNED_POD_DELETE, NODE_ADD, nodeUpdateEvent, rejectorPlugins } from './queue/cluster-events';
import { isPodUpdated, podKey, type QueuedPodInfo, SchedulingQueue } from './queue/scheduling-queue';

export const TRACER_NAME = 'k8ts-scheduler';

/** The logger shape the scheduler writes to; a pino logger fits. */
export interface SchedulerLogger {
  debug(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface SchedulerInformers {
  nodes: Informer<Node>;
  pods: Informer<Pod>;
  services: Informer<Service>;
  replicaSets: Informer<ReplicaSet>;
}

export interface SchedulerOptions {
  /** The API calls the scheduler makes: pods.bind, pods.updateStatus, pods.get. */
  client: Pick<ApiClient, 'pods'>;
  informers: SchedulerInformers;
  recorder: EventRecorder;
  metrics: SchedulerMetrics;
  logger: SchedulerLogger;
  schedulerName: string;
  podInitialBackoffMs?: number;
  podMaxBackoffMs?: number;
  /** Tie-breaking randomness (tests). */
  random?: () => number;
}

/** Upstream's PodScheduled condition reason for pods that do not fit. */
export const REASON_UNSCHEDULABLE = 'Unschedulable';
/** Upstream's reason when scheduling failed with an internal error. */
export const REASON_SCHEDULER_ERROR = 'SchedulerError';

function isAssigned(pod: Pod): boolean {
  return !!pod.spec?.nodeName;
}

function isTerminal(pod: Pod): boolean {
  const phase = pod.status?.phase;
  return phase === 'Succeeded' || phase === 'Failed';
}

function unwrap<T>(obj: T | DeletedFinalStateUnknown<T>): T {
  return isDeletedFinalStateUnknown(obj) ? obj.obj : obj;
}

function errMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

export class Scheduler {
  readonly cache: SchedulerCache;
  readonly queue: SchedulingQueue;
  readonly profile: Profile;
  private readonly tracer = trace.getTracer(TRACER_NAME);
  private readonly log: SchedulerLogger;
  /** Trace context of the last spec/metadata write per pending pod (namespace/name). */
  private readonly traces = new Map<string, Context>();
  private readonly binds = new Set<Promise<void>>();
  private readonly random: () => number;

  constructor(private readonly opts: SchedulerOptions) {
    this.log = opts.logger;
    this.random = opts.random ?? Math.random;
    this.cache = new SchedulerCache({ logger: opts.logger });
    this.queue = new SchedulingQueue({
      podInitialBackoffMs: opts.podInitialBackoffMs,
      podMaxBackoffMs: opts.podMaxBackoffMs,
      metrics: opts.metrics.queueMetrics(),
    });
    opts.metrics.setPendingPodsSource(() => this.queue.pendingPods());
    this.profile = defaultProfile({ schedulerName: opts.schedulerName, selectorsFor: (pod) => this.selectorsFor(pod) });
    this.addEventHandlers();
  }

  /** Pending pods this scheduler is responsible for (upstream responsibleForPod + not being deleted). */
  responsibleFor(pod: Pod): boolean {
    return !isAssigned(pod) && (pod.spec?.schedulerName || 'default-scheduler') === this.opts.schedulerName && !pod.metadata?.deletionTimestamp && !isTerminal(pod);
  }

  /** Selectors of the Services (in the pod's namespace) that select the pod and of the ReplicaSet controlling it. */
  selectorsFor(pod: Pod): Selector[] {
    const ns = pod.metadata?.namespace ?? '';
    const labels = pod.metadata?.labels ?? {};
    const out: Selector[] = [];
    for (const svc of this.opts.informers.services.lister.byIndex('namespace', ns)) {
      const sel = svc.spec?.selector;
      if (!sel || Object.keys(sel).length === 0) continue;
      const s = selectorFromSet(sel);
      if (s.matches(labels)) out.push(s);
    }
    for (const ref of pod.metadata?.ownerReferences ?? []) {
      if (ref.kind !== 'ReplicaSet' || !ref.controller || !ref.name) continue;
      const rs = this.opts.informers.replicaSets.lister.getByName(ns, ref.name);
      if (!rs?.spec?.selector) continue;
      try {
        const s = selectorFromLabelSelector(rs.spec.selector);
        if (!s.empty()) out.push(s);
      } catch (err) {
        this.log.debug({ err, replicaSet: `${ns}/${ref.name}` }, 'ignoring invalid ReplicaSet selector');
      }
    }
    return out;
  }

  private rememberTrace(pod: Pod, meta: EventMeta): void {
    if (meta.trace?.traceparent) this.traces.set(podKey(pod), propagation.extract(ROOT_CONTEXT, meta.trace));
  }

  private addEventHandlers(): void {
    const { nodes, pods } = this.opts.informers;
    nodes.addEventHandler({
      onAdd: (node) => {
        this.cache.addNode(node);
        this.queue.moveAllToActiveOrBackoffQueue(NODE_ADD);
      },
      onUpdate: (oldNode, newNode) => {
        this.cache.updateNode(oldNode, newNode);
        const ev = nodeUpdateEvent(oldNode, newNode);
        if (ev) this.queue.moveAllToActiveOrBackoffQueue(ev);
      },
      onDelete: (obj) => this.cache.removeNode(unwrap(obj)),
    });
    pods.addEventHandler({
      onAdd: (pod, _initial, meta) => {
        if (isAssigned(pod)) {
          this.cache.addPod(pod);
        } else if (this.responsibleFor(pod)) {
          this.rememberTrace(pod, meta);
          this.queue.add(pod);
        }
      },
      onUpdate: (oldPod, newPod, meta) => this.onPodUpdate(oldPod, newPod, meta),
      onDelete: (obj) => {
        const pod = unwrap(obj);
        this.traces.delete(podKey(pod));
        if (isAssigned(pod)) {
          this.cache.removePod(pod);
          this.queue.moveAllToActiveOrBackoffQueue(ASSIGNED_POD_DELETE);
        } else {
          this.queue.delete(pod);
        }
      },
    });
  }

  private onPodUpdate(oldPod: Pod, newPod: Pod, meta: EventMeta): void {
    if (isAssigned(newPod)) {
      if (!isAssigned(oldPod)) {
        // Bound (by us or someone else): it leaves the queue and enters the cache.
        this.queue.delete(newPod);
        this.traces.delete(podKey(newPod));
        this.cache.addPod(newPod);
        return;
      }
      const wasRunning = !isTerminal(oldPod);
      this.cache.updatePod(oldPod, newPod);
      // A pod that finished frees its resources like a deleted one.
      if (wasRunning && isTerminal(newPod)) this.queue.moveAllToActiveOrBackoffQueue(ASSIGNED_POD_DELETE);
      return;
    }
    if (this.responsibleFor(newPod)) {
      if (isPodUpdated(oldPod, newPod)) this.rememberTrace(newPod, meta);
      this.queue.update(oldPod, newPod);
    } else {
      // Being deleted, handed to another scheduler, or finished.
      this.queue.delete(newPod);
      this.traces.delete(podKey(newPod));
    }
  }

  /**
   * Schedules pods until `signal` aborts (leadership lost or shutdown), then
   * waits for the binds in flight. Only one loop may run at a time.
   */
  async run(signal: AbortSignal): Promise<void> {
    this.log.info({ schedulerName: this.opts.schedulerName }, 'scheduling loop started');
    try {
      while (!signal.aborted) {
        const info = await this.queue.pop(signal);
        if (!info) break;
        try {
          this.scheduleOne(info);
        } catch (err) {
          this.log.error({ err, pod: info.key }, 'scheduling attempt failed unexpectedly');
          this.requeueAfterError(info);
        }
        // Let informer events in between attempts.
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
    } finally {
      await Promise.allSettled([...this.binds]);
      this.log.info({}, 'scheduling loop stopped');
    }
  }

  /** Stops the queue and the cache timers (the informers are stopped by their owner). */
  close(): void {
    this.queue.close();
    this.cache.close();
  }

  /** One scheduling cycle (synchronous); the binding cycle continues asynchronously. */
  scheduleOne(info: QueuedPodInfo): void {
    const key = info.key;
    const current = this.opts.informers.pods.lister.get(key);
    // Skip pods deleted, bound or handed over since they were queued (upstream skipPodSchedule).
    if (!current || !this.responsibleFor(current) || this.cache.getPod(current)) {
      this.queue.done(key);
      return;
    }
    const pod = current;
    const ns = pod.metadata?.namespace ?? '';
    const name = pod.metadata?.name ?? '';
    const start = performance.now();
    const parent = this.traces.get(key) ?? ROOT_CONTEXT;
    const span = this.tracer.startSpan(
      'scheduler schedule',
      { attributes: { 'k8s.pod.name': name, 'k8s.namespace.name': ns, 'k8s.pod.uid': pod.metadata?.uid ?? '', 'k8ts.scheduler.attempt': info.attempts } },
      parent,
    );
    const spanCtx = trace.setSpan(parent, span);
    try {
      const result = schedulePod(this.profile, pod, this.cache.snapshot(), { random: this.random });
      if (isScheduled(result)) {
        span.setAttributes({
          'k8s.node.name': result.nodeName,
          'k8ts.scheduler.result': 'scheduled',
          'k8ts.scheduler.evaluated_nodes': result.evaluatedNodes,
          'k8ts.scheduler.feasible_nodes': result.feasibleNodes,
        });
        const assumed = this.cache.assumePod(pod, result.nodeName);
        const p = this.bind(info, assumed, result.nodeName, spanCtx, start).finally(() => this.binds.delete(p));
        this.binds.add(p);
        return;
      }
      if (isUnschedulable(result)) {
        span.setAttribute('k8ts.scheduler.result', 'unschedulable');
        span.addEvent('unschedulable', { message: result.message });
        this.handleUnschedulable(info, pod, result, spanCtx, start);
        return;
      }
      span.setAttribute('k8ts.scheduler.result', 'error');
      span.setStatus({ code: SpanStatusCode.ERROR, message: result.message });
      this.log.error({ pod: key, err: result.message }, 'error scheduling pod');
      this.opts.metrics.observeAttempt('error', this.profile.schedulerName, (performance.now() - start) / 1000);
      this.requeueAfterError(info);
      this.recordFailure(pod, REASON_SCHEDULER_ERROR, result.message, spanCtx);
    } finally {
      span.end();
    }
  }

  private handleUnschedulable(info: QueuedPodInfo, pod: Pod, failure: ScheduleFailure, ctx: Context, start: number): void {
    this.log.info({ pod: info.key, reason: failure.message }, 'unable to schedule pod; waiting');
    this.opts.metrics.observeAttempt('unschedulable', this.profile.schedulerName, (performance.now() - start) / 1000);
    info.unschedulablePlugins = rejectorPlugins(failure);
    // Queue first, then write: the status update's watch event then finds the pod parked.
    this.queue.addUnschedulableIfNotPresent(info);
    this.queue.done(info.key);
    this.recordFailure(pod, REASON_UNSCHEDULABLE, failure.message, ctx);
  }

  private requeueAfterError(info: QueuedPodInfo): void {
    info.unschedulablePlugins = new Set();
    this.queue.addUnschedulableIfNotPresent(info);
    this.queue.done(info.key);
  }

  /** FailedScheduling Event + PodScheduled=False condition (written in the background). */
  private recordFailure(pod: Pod, reason: string, message: string, ctx: Context): void {
    this.opts.recorder.event(objectReference(pod, 'Pod'), 'Warning', 'FailedScheduling', message);
    void context.with(ctx, () => this.updatePodScheduledCondition(pod, reason, message)).catch((err: unknown) => {
      this.log.warn({ err: errMessage(err), pod: podKey(pod) }, 'could not write the PodScheduled condition');
    });
  }

  /** Writes PodScheduled=False with reason/message unless the pod already says so (retries once on Conflict). */
  private async updatePodScheduledCondition(pod: Pod, reason: string, message: string): Promise<void> {
    let latest: Pod = this.opts.informers.pods.lister.get(podKey(pod)) ?? pod;
    for (let attempt = 0; attempt < 3; attempt++) {
      if (isAssigned(latest) || latest.metadata?.deletionTimestamp) return;
      if (latest.metadata?.uid && pod.metadata?.uid && latest.metadata.uid !== pod.metadata.uid) return;
      const conditions = latest.status?.conditions ?? [];
      const existing = conditions.find((c) => c.type === 'PodScheduled');
      if (existing && existing.status === 'False' && existing.reason === reason && existing.message === message) return;
      const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
      const cond: PodCondition = {
        type: 'PodScheduled',
        status: 'False',
        reason,
        message,
        lastProbeTime: undefined,
        lastTransitionTime: existing && existing.status === 'False' ? existing.lastTransitionTime : now,
      };
      const updated: Pod = {
        ...latest,
        status: { ...latest.status, conditions: [...conditions.filter((c) => c.type !== 'PodScheduled'), cond] },
      };
      try {
        await this.opts.client.pods.updateStatus(updated);
        return;
      } catch (err) {
        if (isNotFound(err)) return;
        if (!isConflict(err) || attempt === 2) throw err;
        latest = await this.opts.client.pods.get(pod.metadata?.namespace ?? '', pod.metadata?.name ?? '');
      }
    }
  }

  /** The binding cycle: pods/binding, then confirm or undo the assumption. */
  private async bind(info: QueuedPodInfo, assumed: Pod, nodeName: string, parent: Context, start: number): Promise<void> {
    const ns = assumed.metadata?.namespace ?? '';
    const name = assumed.metadata?.name ?? '';
    const span: Span = this.tracer.startSpan(
      'scheduler bind',
      { attributes: { 'k8s.pod.name': name, 'k8s.namespace.name': ns, 'k8s.node.name': nodeName } },
      parent,
    );
    try {
      await context.with(trace.setSpan(parent, span), () =>
        this.opts.client.pods.bind(ns, {
          metadata: { name, namespace: ns, uid: assumed.metadata?.uid },
          target: { kind: 'Node', name: nodeName },
        }),
      );
    } catch (err) {
      span.recordException(err instanceof Error ? err : new Error(String(err)));
      span.setStatus({ code: SpanStatusCode.ERROR, message: errMessage(err) });
      span.end();
      this.log.warn({ pod: info.key, node: nodeName, err: errMessage(err) }, 'binding failed; the pod goes back to the queue');
      if (this.cache.isAssumedPod(assumed)) {
        try {
          this.cache.forgetPod(assumed);
        } catch (forgetErr) {
          this.log.error({ err: forgetErr, pod: info.key }, 'could not forget the assumed pod');
        }
      }
      this.opts.metrics.observeAttempt('error', this.profile.schedulerName, (performance.now() - start) / 1000);
      this.requeueAfterError(info);
      return;
    }
    span.end();
    this.cache.finishBinding(assumed);
    this.queue.done(info.key);
    this.opts.metrics.observeAttempt('scheduled', this.profile.schedulerName, (performance.now() - start) / 1000);
    this.opts.metrics.observePodScheduled(info.attempts);
    this.log.info({ pod: info.key, node: nodeName, attempts: info.attempts }, 'pod scheduled');
    this.opts.recorder.event(objectReference(assumed, 'Pod'), 'Normal', 'Scheduled', `Successfully assigned ${ns}/${name} to ${nodeName}`);
  }
}
