// Prometheus metrics of the kubelet, named as upstream names them.
import { collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { ContainerState } from '../runtime/runtime';

/** Upstream kubelet_pod_start_duration_seconds buckets. */
export const POD_START_DURATION_BUCKETS = [0.5, 1, 2, 3, 4, 5, 6, 8, 10, 20, 30, 45, 60, 120, 180, 240, 300, 360, 480, 600, 900, 1200, 1800, 2700, 3600];

const CONTAINER_STATES: readonly ContainerState[] = ['created', 'running', 'exited', 'unknown'];

export class KubeletMetrics {
  readonly registry: Registry;
  readonly runningPods: Gauge;
  readonly runningContainers: Gauge<'container_state'>;
  readonly podStartDuration: Histogram;

  /**
   * Registers the kubelet metrics in `registry` (a new one when omitted;
   * then default process metrics are collected too, unless defaultMetrics is false).
   */
  constructor(registry?: Registry, opts: { defaultMetrics?: boolean } = {}) {
    this.registry = registry ?? new Registry();
    if (!registry && (opts.defaultMetrics ?? true)) collectDefaultMetrics({ register: this.registry });
    const registers = [this.registry];
    this.runningPods = new Gauge({ name: 'kubelet_running_pods', help: 'Number of pods that have a running pod sandbox', registers });
    this.runningContainers = new Gauge({
      name: 'kubelet_running_containers',
      help: 'Number of containers currently running',
      labelNames: ['container_state'],
      registers,
    });
    this.podStartDuration = new Histogram({
      name: 'kubelet_pod_start_duration_seconds',
      help: 'Duration in seconds from kubelet seeing a pod for the first time to the pod starting to run',
      buckets: POD_START_DURATION_BUCKETS,
      registers,
    });
    for (const s of CONTAINER_STATES) this.runningContainers.set({ container_state: s }, 0);
    this.runningPods.set(0);
  }

  /** Sets kubelet_running_pods and kubelet_running_containers{container_state} from one relist. */
  setRunning(pods: number, containerStates: Iterable<string>): void {
    this.runningPods.set(pods);
    const counts = new Map<string, number>(CONTAINER_STATES.map((s) => [s, 0]));
    for (const s of containerStates) counts.set(s, (counts.get(s) ?? 0) + 1);
    for (const [state, n] of counts) this.runningContainers.set({ container_state: state }, n);
  }
}
