// Prometheus metrics of the scheduler, named and bucketed as upstream
// kube-scheduler's (pkg/scheduler/metrics), in their own registry with the
// default process metrics.

import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics, exponentialBuckets } from 'prom-client';
import type { PendingPods, QueueName, SchedulingQueueMetrics } from '../queue/scheduling-queue';

export type AttemptResult = 'scheduled' | 'unschedulable' | 'error';

export interface SchedulerMetricsOptions {
  /** Default: a new registry. */
  registry?: Registry;
  /** Add prom-client's default process/Node.js metrics (default true). */
  defaultMetrics?: boolean;
  /** Where scheduler_pending_pods is read from at each scrape (usually `() => queue.pendingPods()`). */
  pendingPods?: () => PendingPods;
}

/** Upstream's queue label values for scheduler_queue_incoming_pods_total (gated pods wait in unschedulablePods). */
const INCOMING_QUEUE_LABEL: Readonly<Record<QueueName, string>> = {
  active: 'Active',
  backoff: 'Backoff',
  unschedulable: 'Unschedulable',
  gated: 'Unschedulable',
};

export class SchedulerMetrics {
  readonly registry: Registry;
  /** Attempts to schedule pods, by result and profile. */
  readonly scheduleAttempts: Counter<'result' | 'profile'>;
  /** Scheduling attempt latency (algorithm + binding), by result and profile. */
  readonly attemptDuration: Histogram<'result' | 'profile'>;
  /** Pending pods by queue: active, backoff, unschedulable, gated. */
  readonly pendingPods: Gauge<'queue'>;
  /** Attempts it took to schedule a pod. */
  readonly podSchedulingAttempts: Histogram;
  /** Pods added to the scheduling queues, by queue and event. */
  readonly queueIncomingPods: Counter<'queue' | 'event'>;

  private pendingSource: (() => PendingPods) | undefined;

  constructor(opts: SchedulerMetricsOptions = {}) {
    this.registry = opts.registry ?? new Registry();
    if (opts.defaultMetrics ?? true) collectDefaultMetrics({ register: this.registry });
    this.pendingSource = opts.pendingPods;
    const registers = [this.registry];
    this.scheduleAttempts = new Counter({
      name: 'scheduler_schedule_attempts_total',
      help: "Number of attempts to schedule pods, by the result. 'unschedulable' means a pod could not be scheduled, while 'error' means an internal scheduler problem.",
      labelNames: ['result', 'profile'],
      registers,
    });
    this.attemptDuration = new Histogram({
      name: 'scheduler_scheduling_attempt_duration_seconds',
      help: 'Scheduling attempt latency in seconds (scheduling algorithm + binding)',
      labelNames: ['result', 'profile'],
      buckets: exponentialBuckets(0.001, 2, 15),
      registers,
    });
    this.pendingPods = new Gauge({
      name: 'scheduler_pending_pods',
      help: "Number of pending pods, by the queue type. 'active' means number of pods in activeQ; 'backoff' means number of pods in backoffQ; 'unschedulable' means number of pods in unschedulablePods that the scheduler attempted to schedule and failed; 'gated' is the number of unschedulable pods that the scheduler never attempted to schedule because they are gated.",
      labelNames: ['queue'],
      registers,
      collect: () => this.collectPending(),
    });
    this.podSchedulingAttempts = new Histogram({
      name: 'scheduler_pod_scheduling_attempts',
      help: 'Number of attempts to successfully schedule a pod.',
      buckets: exponentialBuckets(1, 2, 5),
      registers,
    });
    this.queueIncomingPods = new Counter({
      name: 'scheduler_queue_incoming_pods_total',
      help: 'Number of pods added to scheduling queues by event and queue type.',
      labelNames: ['queue', 'event'],
      registers,
    });
  }

  private collectPending(): void {
    const p = this.pendingSource?.();
    if (!p) return;
    this.pendingPods.set({ queue: 'active' }, p.active);
    this.pendingPods.set({ queue: 'backoff' }, p.backoff);
    this.pendingPods.set({ queue: 'unschedulable' }, p.unschedulable);
    this.pendingPods.set({ queue: 'gated' }, p.gated);
  }

  /** Where scheduler_pending_pods reads from (e.g. once the queue exists). */
  setPendingPodsSource(source: () => PendingPods): void {
    this.pendingSource = source;
  }

  /** One finished scheduling attempt. */
  observeAttempt(result: AttemptResult, profile: string, durationSeconds: number): void {
    this.scheduleAttempts.inc({ result, profile });
    this.attemptDuration.observe({ result, profile }, durationSeconds);
  }

  /** A pod was scheduled after `attempts` attempts. */
  observePodScheduled(attempts: number): void {
    this.podSchedulingAttempts.observe(attempts);
  }

  /** The hook to pass as SchedulingQueueOptions.metrics. */
  queueMetrics(): SchedulingQueueMetrics {
    return { podIncoming: (queue, event) => this.queueIncomingPods.inc({ queue: INCOMING_QUEUE_LABEL[queue], event }) };
  }
}
