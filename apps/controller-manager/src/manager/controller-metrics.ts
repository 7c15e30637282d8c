// Metrics shared by every controller of the process, on the one registry
// served at /metrics. prom-client refuses a second metric of the same name,
// so each helper takes the metric from the registry when another controller
// already made it (get-or-create), and controllers tell themselves apart by
// label: workqueue_* by queue name (upstream names), the sync counters and
// durations by controller.
import type { WorkQueueMetrics } from '@k8ts/client';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

type AnyMetric = Counter<string> | Gauge<string> | Histogram<string>;

function getOrCreate<M extends AnyMetric>(registry: Registry, name: string, make: () => M): M {
  return (registry.getSingleMetric(name) as M | undefined) ?? make();
}

/** WorkQueue hooks feeding workqueue_depth / _adds_total / _retries_total / _queue_duration_seconds / _work_duration_seconds{name}. */
export function workqueueMetrics(registry: Registry, name: string): WorkQueueMetrics {
  const registers = [registry];
  const depth = getOrCreate(registry, 'workqueue_depth', () => new Gauge({ name: 'workqueue_depth', help: 'Current depth of the workqueue.', labelNames: ['name'], registers }));
  const adds = getOrCreate(registry, 'workqueue_adds_total', () => new Counter({ name: 'workqueue_adds_total', help: 'Total number of adds handled by the workqueue.', labelNames: ['name'], registers }));
  const retries = getOrCreate(registry, 'workqueue_retries_total', () => new Counter({ name: 'workqueue_retries_total', help: 'Total number of retries handled by the workqueue.', labelNames: ['name'], registers }));
  const buckets = [0.0001, 0.001, 0.01, 0.1, 1, 10, 100];
  const queueDuration = getOrCreate(
    registry,
    'workqueue_queue_duration_seconds',
    () => new Histogram({ name: 'workqueue_queue_duration_seconds', help: 'How long in seconds an item stays in the workqueue before being requested.', labelNames: ['name'], buckets, registers }),
  );
  const workDuration = getOrCreate(
    registry,
    'workqueue_work_duration_seconds',
    () => new Histogram({ name: 'workqueue_work_duration_seconds', help: 'How long in seconds processing an item from the workqueue takes.', labelNames: ['name'], buckets, registers }),
  );
  (depth as Gauge<'name'>).set({ name }, 0);
  return {
    depth: (d) => (depth as Gauge<'name'>).set({ name }, d),
    add: () => (adds as Counter<'name'>).inc({ name }),
    retry: () => (retries as Counter<'name'>).inc({ name }),
    queueLatency: (ms) => (queueDuration as Histogram<'name'>).observe({ name }, ms / 1000),
    workDuration: (ms) => (workDuration as Histogram<'name'>).observe({ name }, ms / 1000),
  };
}

export interface SyncMetrics {
  /** One sync of the controller ended: ok or error, how long it took. */
  observe(ok: boolean, seconds: number): void;
}

/** controller_manager_syncs_total{controller,result} and controller_manager_sync_duration_seconds{controller}. */
export function syncMetrics(registry: Registry, controller: string): SyncMetrics {
  const registers = [registry];
  const syncs = getOrCreate(
    registry,
    'controller_manager_syncs_total',
    () => new Counter({ name: 'controller_manager_syncs_total', help: 'Syncs of a controller by result (success, error).', labelNames: ['controller', 'result'], registers }),
  ) as Counter<'controller' | 'result'>;
  const duration = getOrCreate(
    registry,
    'controller_manager_sync_duration_seconds',
    () =>
      new Histogram({
        name: 'controller_manager_sync_duration_seconds',
        help: 'Duration of one sync of a controller in seconds.',
        labelNames: ['controller'],
        buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
        registers,
      }),
  ) as Histogram<'controller'>;
  syncs.inc({ controller, result: 'success' }, 0);
  syncs.inc({ controller, result: 'error' }, 0);
  return {
    observe(ok, seconds) {
      syncs.inc({ controller, result: ok ? 'success' : 'error' });
      duration.observe({ controller }, seconds);
    },
  };
}
