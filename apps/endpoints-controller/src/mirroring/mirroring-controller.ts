// EndpointSliceMirroringController: mirrors the Endpoints of Services
// without a selector into EndpointSlices (upstream
// endpointslicemirroring controller), so that EndpointSlice consumers
// (kube-proxy, DNS) see hand-written Endpoints too, e.g. kube-system/kube-dns.
//
// Event → key (the Service's namespace/name), as upstream:
//  - Service add/update/delete → its key (a selector appearing or going
//    away changes whether it is mirrored);
//  - Endpoints add/update/delete → its key, when it is or was mirrorable;
//  - EndpointSlice events of mirrored slices that are not echoes of the
//    controller's own writes → the slice's Service (someone edited or
//    deleted a mirrored slice: put it back).
import { makeKey, objectKey, type Endpoints, type EndpointSlice, type Service } from '@k8ts/api';
import { RateLimitingQueue, runWorkers, type StopWorkers } from '@k8ts/client';
import { LABEL_MANAGED_BY, LABEL_SERVICE_NAME } from '../common/well-known';
import { EndpointSliceTracker } from '../controller/endpoint-slice-tracker';
import { MIRRORING_CONTROLLER_NAME } from './desired-mirrored-slices';
import { syncMirroring, type MirroringDeps, type MirroringResult } from './sync-mirroring';

export interface MirroringControllerOptions extends MirroringDeps {
  /** Default: a RateLimitingQueue named "endpoint_slice_mirroring". */
  queue?: RateLimitingQueue<string>;
  onSyncError?(key: string, err: unknown, requeues: number): void;
  onDrop?(key: string, err: unknown): void;
  onSynced?(key: string, result: MirroringResult): void;
}

export class EndpointSliceMirroringController {
  readonly queue: RateLimitingQueue<string>;
  private readonly deps: MirroringDeps;
  private readonly tracker: EndpointSliceTracker;

  constructor(private readonly opts: MirroringControllerOptions) {
    this.queue = opts.queue ?? new RateLimitingQueue<string>({ name: 'endpoint_slice_mirroring' });
    this.tracker = opts.sliceTracker ?? new EndpointSliceTracker();
    this.deps = { ...opts, sliceTracker: this.tracker };
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

  onEndpointsAdd(endpoints: Endpoints): void {
    this.queue.add(objectKey(endpoints));
  }

  onEndpointsUpdate(_old: Endpoints, endpoints: Endpoints): void {
    this.queue.add(objectKey(endpoints));
  }

  onEndpointsDelete(endpoints: Endpoints): void {
    this.queue.add(objectKey(endpoints));
  }

  onEndpointSliceAdd(slice: EndpointSlice): void {
    if (this.mirrored(slice) && this.tracker.shouldSync(slice)) this.enqueueSliceService(slice);
  }

  onEndpointSliceUpdate(old: EndpointSlice, slice: EndpointSlice): void {
    if (this.mirrored(old) && !this.mirrored(slice)) {
      // Someone took the slice away from us (relabelled): resync the Service it belonged to.
      this.enqueueSliceService(old);
      return;
    }
    if (this.mirrored(slice) && this.tracker.shouldSync(slice)) this.enqueueSliceService(slice);
  }

  onEndpointSliceDelete(slice: EndpointSlice): void {
    if (!this.mirrored(slice)) return;
    // Unknown to the tracker (e.g. written before a restart) or not deleted by us: put it back.
    const known = this.tracker.has(slice);
    if (!this.tracker.handleDeletion(slice) || !known) this.enqueueSliceService(slice);
  }

  enqueueAll(keys: Iterable<string>): void {
    for (const key of keys) this.queue.add(key);
  }

  async sync(key: string): Promise<MirroringResult> {
    const result = await syncMirroring(key, this.deps);
    this.opts.onSynced?.(key, result);
    return result;
  }

  run(workers: number, signal?: AbortSignal): StopWorkers {
    return runWorkers(this.queue, workers, async (key) => void (await this.sync(key)), {
      maxRetries: 15,
      signal,
      onError: this.opts.onSyncError,
      onDrop: this.opts.onDrop,
    });
  }

  private mirrored(slice: EndpointSlice): boolean {
    return slice.metadata?.labels?.[LABEL_MANAGED_BY] === MIRRORING_CONTROLLER_NAME;
  }

  private enqueueSliceService(slice: EndpointSlice): void {
    const service = slice.metadata?.labels?.[LABEL_SERVICE_NAME];
    if (service) this.queue.add(makeKey(slice.metadata?.namespace, service));
  }
}
