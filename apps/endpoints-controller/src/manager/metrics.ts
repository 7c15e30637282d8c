// Prometheus metrics of the endpoints-controller process, named as upstream
// names them where upstream has the metric.
import type { WorkQueueMetrics } from '@k8ts/client';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export class ControllerMetrics {
  readonly registry = new Registry();
  readonly syncs: Counter<'result'>;
  readonly syncDuration: Histogram;
  readonly queueDepth: Gauge<'name'>;
  readonly queueAdds: Counter<'name'>;
  readonly queueRetries: Counter<'name'>;
  readonly leaderStatus: Gauge<'name'>;

  constructor(opts: { defaultMetrics?: boolean } = {}) {
    if (opts.defaultMetrics ?? true) collectDefaultMetrics({ register: this.registry });
    const registers = [this.registry];
    this.syncs = new Counter({ name: 'endpoints_controller_syncs_total', help: 'Service syncs by result (success, error).', labelNames: ['result'], registers });
    this.syncDuration = new Histogram({
      name: 'endpoints_controller_sync_duration_seconds',
      help: 'Duration of one Service sync (Endpoints and EndpointSlices) in seconds.',
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
    this.queueDepth = new Gauge({ name: 'workqueue_depth', help: 'Current depth of the workqueue.', labelNames: ['name'], registers });
    this.queueAdds = new Counter({ name: 'workqueue_adds_total', help: 'Total number of adds handled by the workqueue.', labelNames: ['name'], registers });
    this.queueRetries = new Counter({ name: 'workqueue_retries_total', help: 'Total number of retries handled by the workqueue.', labelNames: ['name'], registers });
    this.leaderStatus = new Gauge({
      name: 'leader_election_master_status',
      help: 'Gauge of whether this process is the leader (1) or not (0) of the named lease.',
      labelNames: ['name'],
      registers,
    });
  }

  /** WorkQueue hooks feeding the workqueue_* metrics of the queue `name`. */
  queueMetrics(name: string): WorkQueueMetrics {
    this.queueDepth.set({ name }, 0);
    return {
      depth: (d) => this.queueDepth.set({ name }, d),
      add: () => this.queueAdds.inc({ name }),
      retry: () => this.queueRetries.inc({ name }),
    };
  }

  observeSync(ok: boolean, seconds: number): void {
    this.syncs.inc({ result: ok ? 'success' : 'error' });
    this.syncDuration.observe(seconds);
  }
}
