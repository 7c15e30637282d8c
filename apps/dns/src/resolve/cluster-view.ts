// The read-only view of the cluster that resolve() answers from. The
// process builds it over informer listers (manager/informer-view.ts); unit
// tests use an in-memory one (testing/fake-view.ts). Objects handed out are
// shared caches: never mutate them.
import type { EndpointSlice, Service } from '@k8ts/api';

export interface ClusterView {
  /** The Service namespace/name, or undefined. */
  service(namespace: string, name: string): Service | undefined;
  /** Whether the namespace holds any Service (then <ns>.svc.<zone> exists). */
  hasServicesIn(namespace: string): boolean;
  /** The EndpointSlices labelled kubernetes.io/service-name=<name> in the namespace. */
  slicesOf(namespace: string, name: string): EndpointSlice[];
  /** Services with this IP in spec.clusterIPs (reverse lookups). */
  servicesByClusterIP(ip: string): Service[];
  /** EndpointSlices with an endpoint address equal to ip (reverse lookups). */
  slicesByAddress(ip: string): EndpointSlice[];
}

/** The label that ties an EndpointSlice to its Service. */
export const LABEL_SERVICE_NAME = 'kubernetes.io/service-name';
