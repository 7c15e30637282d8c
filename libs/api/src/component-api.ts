// The k8ts component API (proto/k8ts/apiserver/v1/resources.proto): the
// generic gRPC service the apiserver serves and @k8ts/client calls. Exported
// as a namespace because its WatchEvent/DeleteOptions names would clash with
// meta/v1's.
export * as apiserverv1 from '@k8ts/api-gen/k8ts/apiserver/v1/resources';

/** gRPC trailer carrying the protobuf-encoded meta/v1 Status of a failed call. */
export const STATUS_TRAILER = 'k8ts-status-bin';
