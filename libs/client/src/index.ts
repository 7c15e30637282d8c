// @k8ts/client: the typed gRPC client of the apiserver's component API.
export { createApiClient, DEFAULT_API_ADDRESS, TYPED_RESOURCES, type ApiClient, type ApiClientOptions, type ObjectKindName } from './api-client';
export {
  GenericPodClient,
  GenericResourceClient,
  type CreateOptions,
  type DeleteCallOptions,
  type KubeObject,
  type ListOptions,
  type ListResult,
  type PodClient,
  type ResourceClient,
  type ResourceWatch,
  type UpdateOptions,
  type WatchEvent,
  type WatchEventType,
  type WatchOptions,
} from './resource-client';
export { grpcCodeOf, STATUS_TRAILER, statusFromTrailer, toApiError } from './errors';
export { outgoingMetadata, type CallOptions } from './transport';

// Controller plumbing (owned by their authors; re-exported here as the public entry).
export * from './workqueue';
export * from './leaderelection';
export * from './informers';
export * from './record';
