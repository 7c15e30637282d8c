// ServiceLBController: hands LoadBalancer Services an address from the
// pool (--load-balancer-ip-pool) and reports it in status.loadBalancer, as
// a cloud provider's service controller would. Handlers only enqueue
// namespace/name keys; sync(key) re-reads the lister, plans against the
// in-memory pool and writes the status through the status subresource.
import { deepCopy, objectKey, type Service } from '@k8ts/api';
import { type EventObject, type EventType, type Lister, RateLimitingQueue, runWorkers, deletionHandlingKey, type KubeObject, type DeletedFinalStateUnknown } from '@k8ts/client';
import { isConflict, isNotFound } from '@k8ts/apimachinery';
import { IpPool } from './ip-pool';
import { planLoadBalancer, rebuildPool, type LoadBalancerPlan } from './load-balancer-plan';

/** What the controller needs of the services client. */
export interface ServiceStatusWriter {
  updateStatus(svc: Service): Promise<Service>;
}

/** What the controller needs of an EventRecorder. */
export interface EventEmitter {
  event(obj: EventObject, type: EventType, reason: string, message: string): void;
}

export interface ServiceLBLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface ServiceLBControllerOptions {
  serviceLister: Lister<Service>;
  services: ServiceStatusWriter;
  recorder: EventEmitter;
  pool: IpPool;
  logger?: ServiceLBLogger;
  queue?: RateLimitingQueue<string>;
  /** Called after each sync with the plan (metrics, tests). */
  onSynced?(key: string, plan: LoadBalancerPlan): void;
}

export class AllocationFailedError extends Error {
  constructor(
    readonly key: string,
    message: string,
  ) {
    super(`${key}: ${message}`);
    this.name = 'AllocationFailedError';
  }
}

const silent: ServiceLBLogger = { info: () => undefined, warn: () => undefined, error: () => undefined };

export class ServiceLBController {
  readonly name = 'servicelb';
  readonly queue: RateLimitingQueue<string>;
  private readonly log: ServiceLBLogger;
  private rebuilt = false;
  /** Services waiting for an address (allocation failed): synced again whenever one is freed. */
  private readonly waiting = new Set<string>();

  constructor(private readonly opts: ServiceLBControllerOptions) {
    this.queue = opts.queue ?? new RateLimitingQueue<string>({ name: 'servicelb' });
    this.log = opts.logger ?? silent;
  }

  onServiceAdd(svc: Service): void {
    this.queue.add(objectKey(svc));
  }

  onServiceUpdate(_old: Service, svc: Service): void {
    this.queue.add(objectKey(svc));
  }

  onServiceDelete(svc: Service | DeletedFinalStateUnknown<Service>): void {
    this.queue.add(deletionHandlingKey(svc as KubeObject));
  }

  /** Claims the addresses existing Services already show (once, before the first sync). */
  rebuild(): number {
    if (this.rebuilt) return 0;
    this.rebuilt = true;
    const claimed = rebuildPool(this.opts.pool, this.opts.serviceLister.list(), objectKey);
    this.log.info({ claimed, pool: this.opts.pool.range }, 'LoadBalancer address pool rebuilt from Service statuses');
    return claimed;
  }

  async sync(key: string): Promise<LoadBalancerPlan> {
    this.rebuild();
    const svc = this.opts.serviceLister.get(key);
    const plan = planLoadBalancer(key, svc, this.opts.pool);
    if (plan.action !== 'fail') this.waiting.delete(key);
    switch (plan.action) {
      case 'none':
        break;
      case 'release':
        this.log.info({ service: key, ip: plan.ip }, 'released LoadBalancer address');
        for (const other of this.waiting) this.queue.add(other);
        if (plan.typeChanged && svc) {
          this.opts.recorder.event(svc, 'Normal', 'DeletingLoadBalancer', 'Deleting load balancer');
          this.opts.recorder.event(svc, 'Normal', 'DeletedLoadBalancer', 'Deleted load balancer');
        }
        break;
      case 'fail':
        this.waiting.add(key);
        if (svc) this.opts.recorder.event(svc, 'Warning', plan.reason, plan.message);
        throw new AllocationFailedError(key, plan.message);
      case 'ensure':
        if (plan.writeStatus && svc) await this.writeStatus(svc, plan);
        break;
    }
    this.opts.onSynced?.(key, plan);
    return plan;
  }

  async run(workers: number, signal: AbortSignal): Promise<void> {
    this.rebuild();
    const stop = runWorkers(this.queue, workers, async (key) => void (await this.sync(key)), {
      signal,
      onError: (key, err, requeues) => this.log.warn({ service: key, err: String(err), requeues }, 'LoadBalancer sync failed; retrying'),
      onDrop: (key, err) => this.log.error({ service: key, err: String(err) }, 'LoadBalancer sync dropped after retries'),
    });
    await new Promise<void>((resolve) => (signal.aborted ? resolve() : signal.addEventListener('abort', () => resolve(), { once: true })));
    await stop();
  }

  private async writeStatus(svc: Service, plan: Extract<LoadBalancerPlan, { action: 'ensure' }>): Promise<void> {
    this.opts.recorder.event(svc, 'Normal', 'EnsuringLoadBalancer', 'Ensuring load balancer');
    const next = deepCopy(svc);
    next.status = { ...next.status, loadBalancer: { ...next.status?.loadBalancer, ingress: plan.ingress } };
    try {
      await this.opts.services.updateStatus(next);
    } catch (err) {
      // Gone: the delete event releases the address. Conflict: a newer version is on its way.
      if (isNotFound(err)) return;
      if (isConflict(err)) throw err;
      this.opts.recorder.event(svc, 'Warning', 'SyncLoadBalancerFailed', `Error syncing load balancer: ${(err as Error).message}`);
      throw err;
    }
    this.opts.recorder.event(svc, 'Normal', 'EnsuredLoadBalancer', 'Ensured load balancer');
    this.log.info({ service: objectKey(svc), ip: plan.ip }, 'LoadBalancer address assigned');
  }
}
