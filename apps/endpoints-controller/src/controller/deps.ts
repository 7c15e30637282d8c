// What the controller reads (listers over informer caches) and writes (the
// apiserver client). Kept minimal so that libs/client informers, the typed
// gRPC client (ApiClient satisfies EndpointsWriters) and test fakes all fit.
import type { Endpoints, EndpointSlice, Pod, Service } from '@k8ts/api';
import type { Selector } from '@k8ts/apimachinery';

export interface ServiceLister {
  /** The cached Service, or undefined when there is none. */
  get(namespace: string, name: string): Service | undefined;
  /** The cached Services of one namespace. */
  list(namespace: string): Service[];
}

export interface PodLister {
  /** The cached pods of the namespace whose labels match the selector. */
  list(namespace: string, selector: Selector): Pod[];
}

export interface EndpointsLister {
  get(namespace: string, name: string): Endpoints | undefined;
}

export interface EndpointSliceLister {
  /** The cached slices of the namespace whose labels match the selector. */
  list(namespace: string, selector: Selector): EndpointSlice[];
}

/** The writes the controller makes on one resource (a subset of @k8ts/client's ResourceClient). */
export interface ResourceWriter<T> {
  /** Returns the object as stored (name filled in from generateName, uid, resourceVersion...). */
  create(obj: T): Promise<T>;
  /** Fails with Conflict when obj.metadata.resourceVersion is stale. */
  update(obj: T): Promise<T>;
  /** Fails with NotFound when there is no such object. */
  delete(namespace: string, name: string): Promise<unknown>;
}

/** The apiserver as the controller writes to it (an ApiClient fits). */
export interface EndpointsWriters {
  endpoints: ResourceWriter<Endpoints>;
  endpointSlices: ResourceWriter<EndpointSlice>;
}
