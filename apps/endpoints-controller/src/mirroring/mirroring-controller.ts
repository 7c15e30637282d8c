// EndpointSliceMirroringController: mirrors the Endpoints of Services
// without a selector into EndpointSlices (upstream
// endpointslicemirroring controller), so that EndpointSlice consumers
// (kube-proxy, DNS) see hand-written Endpoints too, e.g. kube-system/kube-dns.
//
// Event → key (the Service's namespace/name), as upstream:
//  - Service add/delete without a selector, and updates where the selector
//    appears or goes away → its key;
//  - Endpoints add/update/delete → its key, when it is or was mirrorable
//    (no skip-mirror label) and its Service is mirrored;
//  - EndpointSlice events of mirrored slices that are not echoes of the
//    controller's own writes → the slice's Service (someone edited or
//    deleted a mirrored slice: put it back).
import { makeKey, objectKey, type Endpoints, type EndpointSlice, type Service } from '@k8ts/api';
import { RateLimitingQueue, runWorkers, type StopWorkers } from '@k8ts/client';
import { LABEL_MANAGED_BY, LABEL_SERVICE_NAME } from '../common/well-known';
import { EndpointSliceTracker } from '../controller/endpoint-slice-tracker';
import { MIRRORING_CONTROLLER_NAME, serviceIsMirrored, shouldMirror } from './desired-mirrored-slices';
import { syncMirroring, type MirroringDeps, type MirroringResult } from './sync-mirroring';

export interface MirroringControllerOptions extends MirroringDeps {
  /** Default: a RateLimitingQueue named "endpoint_slice_mirroring". */
  queue?: RateLimitingQueue<string>;
  onSyncError?(key: string, err: unknown, requeues: number): void;
  onDrop?(key: string, err: unknown): void;
  onSynced?(key: string, result: MirroringResult): void;
  /** Wraps every sync, e.g. in a span continuing the trace of the events behind it (default: none). */
  traceSync?(key: string, sync: () => Promise<MirroringResult>): Promise<MirroringResult>;
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
    if (serviceIsMirrored(service)) this.queue.add(objectKey(service));
  }

  onServiceUpdate(old: Service, service: Service): void {
    if (serviceIsMirrored(old) !== serviceIsMirrored(service)) this.queue.add(objectKey(service));
  }

  onServiceDelete(service: Service): void {
    if (serviceIsMirrored(service)) this.queue.add(objectKey(service));
  }

  onEndpointsAdd(endpoints: Endpoints): void {
    if (shouldMirror(endpoints)) this.enqueueEndpoints(endpoints);
  }

  onEndpointsUpdate(old: Endpoints, endpoints: Endpoints): void {
    if (shouldMirror(old) || shouldMirror(endpoints)) this.enqueueEndpoints(endpoints);
  }

  onEndpointsDelete(endpoints: Endpoints): void {
    if (shouldMirror(endpoints)) this.enqueueEndpoints(endpoints);
  }

  /**
   * Endpoints changes matter only while their Service is mirrored (exists
   * without a selector): Service events cover it appearing, gaining or
   * losing its selector, and going away. This keeps every Endpoints write
   * of the EndpointsController from costing a no-op mirroring sync.
   */
  private enqueueEndpoints(endpoints: Endpoints): void {
    const service = this.opts.serviceLister.get(endpoints.metadata?.namespace ?? '', endpoints.metadata?.name ?? '');
    if (serviceIsMirrored(service)) this.queue.add(objectKey(endpoints));
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
    const run = () => syncMirroring(key, this.deps);
    const result = await (this.opts.traceSync ? this.opts.traceSync(key, run) : run());
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
