// EndpointsController: the event handlers and worker loop around
// syncService. Informers (libs/client, next step) call the on* handlers;
// the handlers only enqueue Service keys; workers run syncService per key,
// one worker per key at a time, with rate-limited retries.
//
// Event → keys, as upstream:
//  - Service add/update/delete → its key, at once;
//  - pod add/delete → the Services selecting it; pod update → see
//    servicesForPodChange; after batchPeriodMs (bursts collapse);
//  - Endpoints delete → its key (recreates Endpoints deleted by hand);
//  - EndpointSlice events that are not echoes of the controller's own
//    writes → the Service of the slice, after sliceChangeDelayMs.
import { makeKey, objectKey, type Endpoints, type EndpointSlice, type Pod, type Service } from '@k8ts/api';
import { RateLimitingQueue, runWorkers, type StopWorkers } from '@k8ts/client';
import { ENDPOINTSLICE_CONTROLLER_NAME, LABEL_MANAGED_BY, LABEL_SERVICE_NAME } from '../common/well-known';
import { EndpointSliceTracker } from './endpoint-slice-tracker';
import { servicesForPodChange } from './pod-to-services';
import { StaleEndpointsTracker } from './stale-endpoints-tracker';
import { syncService, type SyncResult, type SyncServiceDeps } from './sync-service';

export interface EndpointsControllerOptions extends SyncServiceDeps {
  /** Default: a RateLimitingQueue named "endpoints" with the default controller rate limiter. */
  queue?: RateLimitingQueue<string>;
  /** Delay of syncs caused by pod changes (upstream --endpoint-updates-batch-period; default 0). */
  batchPeriodMs?: number;
  /** Delay of syncs caused by foreign EndpointSlice changes (upstream endpointSliceChangeMinSyncDelay; default 1000). */
  sliceChangeDelayMs?: number;
  /** A sync failed and will be retried (for logging). */
  onSyncError?(key: string, err: unknown, requeues: number): void;
  /** A key failed too often and was dropped (for logging). */
  onDrop?(key: string, err: unknown): void;
  /** A sync finished (for logging and tests). */
  onSynced?(key: string, result: SyncResult): void;
}

export class EndpointsController {
  readonly queue: RateLimitingQueue<string>;
  private readonly deps: SyncServiceDeps;
  private readonly controllerName: string;

  constructor(private readonly opts: EndpointsControllerOptions) {
    this.queue = opts.queue ?? new RateLimitingQueue<string>({ name: 'endpoints' });
    this.controllerName = opts.controllerName ?? ENDPOINTSLICE_CONTROLLER_NAME;
    this.deps = {
      ...opts,
      controllerName: this.controllerName,
      sliceTracker: opts.sliceTracker ?? new EndpointSliceTracker(),
      endpointsTracker: opts.endpointsTracker ?? new StaleEndpointsTracker(),
    };
  }

  onServiceAdd(service: Service): void {
    this.queue.add(objectKey(service));
  }

  onServiceUpdate(_old: Service, service: Service): void {
    this.queue.add(objectKey(service));
  }

  onServiceDelete(service: Service): void {
    this.queue.add(objectKey(service));
  }

  onPodAdd(pod: Pod): void {
    this.enqueuePodChange(undefined, pod);
  }

  onPodUpdate(oldPod: Pod, pod: Pod): void {
    this.enqueuePodChange(oldPod, pod);
  }

  onPodDelete(pod: Pod): void {
    this.enqueuePodChange(pod, undefined);
  }

  onEndpointsDelete(endpoints: Endpoints): void {
    this.queue.add(objectKey(endpoints));
  }

  onEndpointSliceAdd(slice: EndpointSlice): void {
    if (this.managed(slice) && this.tracker.shouldSync(slice)) this.enqueueSliceService(slice);
  }

  onEndpointSliceUpdate(old: EndpointSlice, slice: EndpointSlice): void {
    const service = slice.metadata?.labels?.[LABEL_SERVICE_NAME];
    const oldService = old.metadata?.labels?.[LABEL_SERVICE_NAME];
    if (service !== oldService) {
      this.enqueueSliceService(slice);
      this.enqueueSliceService(old);
      return;
    }
    if (this.managed(old) !== this.managed(slice) || (this.managed(slice) && this.tracker.shouldSync(slice))) this.enqueueSliceService(slice);
  }

  onEndpointSliceDelete(slice: EndpointSlice): void {
    if (this.managed(slice) && this.tracker.has(slice) && !this.tracker.handleDeletion(slice)) this.enqueueSliceService(slice);
  }

  /** Queues keys, e.g. of every cached Endpoints at start-up, so leftovers of deleted Services go away. */
  enqueueAll(keys: Iterable<string>): void {
    for (const key of keys) this.queue.add(key);
  }

  /** One reconcile of one key (what each worker runs). */
  async sync(key: string): Promise<SyncResult> {
    const result = await syncService(key, this.deps);
    this.opts.onSynced?.(key, result);
    return result;
  }

  /** Starts n workers; stop them (and the queue) with the returned function or the signal. */
  run(workers: number, signal?: AbortSignal): StopWorkers {
    return runWorkers(this.queue, workers, async (key) => void (await this.sync(key)), {
      maxRetries: 15,
      signal,
      onError: this.opts.onSyncError,
      onDrop: this.opts.onDrop,
    });
  }

  private get tracker(): EndpointSliceTracker {
    return this.deps.sliceTracker as EndpointSliceTracker;
  }

  private managed(slice: EndpointSlice): boolean {
    return slice.metadata?.labels?.[LABEL_MANAGED_BY] === this.controllerName;
  }

  private enqueueSliceService(slice: EndpointSlice): void {
    const service = slice.metadata?.labels?.[LABEL_SERVICE_NAME];
    if (!service) return;
    this.queue.addAfter(makeKey(slice.metadata?.namespace, service), this.opts.sliceChangeDelayMs ?? 1000);
  }

  private enqueuePodChange(oldPod: Pod | undefined, pod: Pod | undefined): void {
    const namespace = (pod ?? oldPod)?.metadata?.namespace ?? '';
    const keys = servicesForPodChange(oldPod, pod, this.opts.serviceLister.list(namespace));
    for (const key of keys) this.queue.addAfter(key, this.opts.batchPeriodMs ?? 0);
  }
}
