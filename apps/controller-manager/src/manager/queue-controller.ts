// The common shape of a queue-driven controller: handlers enqueue
// "namespace/name" keys, n workers pop them and call sync(key); a failing
// sync is retried with rate-limited backoff (5 ms doubling to 1000 s, plus
// the overall 10 qps bucket) up to maxRetries, then dropped with a log line.
// Each queue reports the upstream workqueue_* metrics under its name, and
// every sync is counted and timed per controller. Handlers run inside
// during(meta, fn) so each sync continues the trace of the event behind it.
import { objectKey, type HasMetadata } from '@k8ts/api';
import { RateLimitingQueue, runWorkers, type EventMeta } from '@k8ts/client';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { Controller } from './context';
import { syncMetrics, workqueueMetrics, type SyncMetrics } from './controller-metrics';
import { SyncTraces, tracedSync } from './sync-traces';

export interface QueueControllerOptions {
  logger: Logger;
  /** Registry for the workqueue and sync metrics (none: not measured). */
  metrics?: Registry;
  /** Retries before a key is dropped (default 15). */
  maxRetries?: number;
  /** Span attribute naming the synced object (k8s.replicaset.name…); default k8s.object.name. */
  nameAttribute?: string;
}

export abstract class QueueController implements Controller {
  readonly queue: RateLimitingQueue<string>;
  readonly traces = new SyncTraces();
  protected readonly logger: Logger;
  private readonly syncs: SyncMetrics | undefined;

  constructor(
    readonly name: string,
    private readonly queueOpts: QueueControllerOptions,
  ) {
    this.logger = queueOpts.logger;
    this.queue = new RateLimitingQueue<string>({ name, metrics: queueOpts.metrics ? workqueueMetrics(queueOpts.metrics, name) : undefined });
    this.syncs = queueOpts.metrics ? syncMetrics(queueOpts.metrics, name) : undefined;
  }

  /** Reconciles one key; returns quietly when the object is gone; throws to be retried. */
  abstract sync(key: string): Promise<void>;

  /** Runs a handler with the event's trace context recorded for the keys it enqueues. */
  during(meta: EventMeta | undefined, fn: () => void): void {
    this.traces.during(meta, fn);
  }

  /** Enqueues key now (remembering the current event's trace context). */
  add(key: string): void {
    this.traces.record(key);
    this.queue.add(key);
  }

  enqueue(obj: HasMetadata): void {
    this.add(objectKey(obj));
  }

  enqueueAfter(obj: HasMetadata, ms: number): void {
    this.queue.addAfter(objectKey(obj), ms);
  }

  async run(workers: number, signal: AbortSignal): Promise<void> {
    this.logger.info({ workers }, 'starting workers');
    const stop = runWorkers(
      this.queue,
      workers,
      async (key) => {
        const started = performance.now();
        let ok = false;
        try {
          await tracedSync(this.name, this.queueOpts.nameAttribute ?? 'k8s.object.name', key, this.traces, () => this.sync(key));
          ok = true;
        } finally {
          this.syncs?.observe(ok, (performance.now() - started) / 1000);
        }
      },
      {
        maxRetries: this.queueOpts.maxRetries ?? 15,
        signal,
        onError: (key, err, requeues) => this.logger.warn({ key, requeues, err: errorText(err) }, 'sync failed; retrying'),
        onDrop: (key, err) => this.logger.error({ key, err: errorText(err) }, 'sync failed too often; dropped'),
      },
    );
    if (!signal.aborted) await new Promise<void>((r) => signal.addEventListener('abort', () => r(), { once: true }));
    await stop();
    this.logger.info('workers stopped');
  }
}

export function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
