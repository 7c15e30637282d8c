// WorkQueueMetrics backed by OpenTelemetry instruments, named after
// client-go's workqueue metrics and told apart by a `name` attribute.
import { type Meter, metrics } from '@opentelemetry/api';
import type { WorkQueueMetrics } from './metrics';

/**
 * Metrics of the queue called `name`, recorded on `meter` (default: the
 * global meter provider's "@k8ts/client" meter; a no-op until an app
 * installs an SDK).
 */
export function otelWorkQueueMetrics(name: string, meter: Meter = metrics.getMeter('@k8ts/client')): WorkQueueMetrics {
  const attrs = { name };
  const depth = meter.createGauge('workqueue.depth', { description: 'Current depth of the workqueue' });
  const adds = meter.createCounter('workqueue.adds', { description: 'Adds handled by the workqueue' });
  const retries = meter.createCounter('workqueue.retries', { description: 'Retries handled by the workqueue' });
  const latency = meter.createHistogram('workqueue.queue_duration', { unit: 's', description: 'How long an item stays in the workqueue before being requested' });
  const work = meter.createHistogram('workqueue.work_duration', { unit: 's', description: 'How long processing an item from the workqueue takes' });
  return {
    depth: (n) => depth.record(n, attrs),
    add: () => adds.add(1, attrs),
    retry: () => retries.add(1, attrs),
    queueLatency: (ms) => latency.record(ms / 1000, attrs),
    workDuration: (ms) => work.record(ms / 1000, attrs),
  };
}
