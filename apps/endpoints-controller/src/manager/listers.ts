// The controller's lister interfaces (controller/deps.ts) over the caches of
// shared informers.
import type { Endpoints, EndpointSlice, Pod, Service } from '@k8ts/api';
import { NAMESPACE_INDEX, type Lister } from '@k8ts/client';
import type { EndpointSliceLister, EndpointsLister, PodLister, ServiceLister } from '../controller/deps';

export function serviceLister(l: Lister<Service>): ServiceLister {
  return { get: (namespace, name) => l.getByName(namespace, name), list: (namespace) => l.byIndex(NAMESPACE_INDEX, namespace) };
}

export function podLister(l: Lister<Pod>): PodLister {
  return { list: (namespace, selector) => l.listBySelector(selector, namespace) };
}

export function endpointsLister(l: Lister<Endpoints>): EndpointsLister {
  return { get: (namespace, name) => l.getByName(namespace, name) };
}

export function endpointSliceLister(l: Lister<EndpointSlice>): EndpointSliceLister {
  return { list: (namespace, selector) => l.listBySelector(selector, namespace) };
}
