// The desired side of EndpointSlice reconciliation (upstream
// k8s.io/endpointslice utils.go): one discovery Endpoint per pod, grouped by
// the set of ports the pod resolves, plus the shape of a new slice.
import { isIPv6 } from 'node:net';
import type { DiscoveryEndpointPort, Endpoint, EndpointSlice, OwnerReference, Pod, Service } from '@k8ts/api';
import { findPort, isPodReady, isPodTerminating, podIPs, shouldPodBeInEndpoints, shouldSetHostname } from '../common/pod-helpers';
import { IGNORE_RESOURCE_VERSION, semanticallyEqual } from '../common/semantic-equal';
import { isServiceIPSet, serviceSelector } from '../common/service-helpers';
import { type AddressType, ENDPOINTSLICE_CONTROLLER_NAME, LABEL_HEADLESS_SERVICE, LABEL_MANAGED_BY, LABEL_SERVICE_NAME } from '../common/well-known';

/** Endpoints that resolve the same ports, keyed by endpointKey(). */
export interface PortGroup {
  ports: DiscoveryEndpointPort[];
  endpoints: Map<string, Endpoint>;
}

/**
 * The discovery Endpoint of a pod for one address type (upstream
 * podToEndpoint). Conditions:
 *  - serving: the pod's Ready condition is True, terminating or not;
 *  - terminating: deletionTimestamp is set;
 *  - ready: serving and not terminating, or always with publishNotReadyAddresses.
 * Zone and hints are not set (k8ts has no topology yet).
 */
export function podToEndpoint(service: Service, pod: Pod, addressType: AddressType): Endpoint {
  const serving = isPodReady(pod);
  const terminating = isPodTerminating(pod);
  const ready = service.spec?.publishNotReadyAddresses === true || (serving && !terminating);
  const nodeName = pod.spec?.nodeName;
  return {
    addresses: podIPs(pod).filter((ip) => isIPv6(ip) === (addressType === 'IPv6')),
    conditions: { ready, serving, terminating },
    targetRef: { kind: 'Pod', namespace: pod.metadata?.namespace, name: pod.metadata?.name, uid: pod.metadata?.uid },
    ...(nodeName ? { nodeName } : {}),
    ...(shouldSetHostname(pod, service) ? { hostname: pod.spec?.hostname } : {}),
  };
}

/**
 * The ports of the Service this pod serves, in Service order (upstream
 * getEndpointPorts): Service ports whose targetPort the pod cannot resolve
 * are left out. A headless Service without ports has none.
 */
export function endpointPortsForPod(service: Service, pod: Pod): DiscoveryEndpointPort[] {
  const ports: DiscoveryEndpointPort[] = [];
  for (const sp of service.spec?.ports ?? []) {
    const port = findPort(pod, sp);
    if (port === undefined) continue;
    ports.push({ name: sp.name ?? '', port, protocol: sp.protocol || 'TCP', ...(sp.appProtocol ? { appProtocol: sp.appProtocol } : {}) });
  }
  return ports;
}

/** Identifies a set of ports regardless of order (upstream NewPortMapKey). */
export function portMapKey(ports: readonly DiscoveryEndpointPort[] | undefined): string {
  return JSON.stringify((ports ?? []).map((p) => [p.name ?? '', p.port ?? 0, p.protocol ?? 'TCP', p.appProtocol ?? '']).sort());
}

/**
 * Identifies an endpoint across syncs (upstream hashEndpoint): its
 * addresses, hostname and pod namespace/name. Everything else (conditions,
 * node, uid) may change in place.
 */
export function endpointKey(ep: Endpoint): string {
  return JSON.stringify([[...(ep.addresses ?? [])].sort(), ep.hostname ?? '', ep.targetRef?.namespace ?? '', ep.targetRef?.name ?? '']);
}

/**
 * Whether two endpoints with the same key are equal in what the key does
 * not cover (upstream EndpointsEqualBeyondHash): node, zone, conditions and
 * targetRef (ignoring the pod's resourceVersion).
 */
export function endpointsEqualBeyondKey(a: Endpoint, b: Endpoint): boolean {
  return (
    (a.nodeName ?? '') === (b.nodeName ?? '') &&
    (a.zone ?? '') === (b.zone ?? '') &&
    a.conditions?.ready === b.conditions?.ready &&
    a.conditions?.serving === b.conditions?.serving &&
    a.conditions?.terminating === b.conditions?.terminating &&
    semanticallyEqual(a.targetRef, b.targetRef, IGNORE_RESOURCE_VERSION)
  );
}

function podOrder(a: Pod, b: Pod): number {
  const ka = `${a.metadata?.namespace ?? ''}/${a.metadata?.name ?? ''}`;
  const kb = `${b.metadata?.namespace ?? ''}/${b.metadata?.name ?? ''}`;
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}

/**
 * The desired endpoints of the Service for one address type, grouped by
 * port set. Terminating pods are kept (their conditions say so); terminal
 * pods, pods without an IP of the address type, and pods outside the
 * Service's namespace or selector are not. Pods are taken in name order so
 * that slices fill deterministically.
 */
export function desiredPortGroups(service: Service, pods: readonly Pod[], addressType: AddressType): Map<string, PortGroup> {
  const namespace = service.metadata?.namespace ?? '';
  const selector = serviceSelector(service);
  const groups = new Map<string, PortGroup>();
  for (const pod of [...pods].sort(podOrder)) {
    if ((pod.metadata?.namespace ?? '') !== namespace || !selector.matches(pod.metadata?.labels ?? {})) continue;
    if (!shouldPodBeInEndpoints(pod, true)) continue;
    const endpoint = podToEndpoint(service, pod, addressType);
    if ((endpoint.addresses ?? []).length === 0) continue;
    // A pod that resolves none of the Service's ports is still listed, in a
    // slice without ports, as upstream (core Endpoints leave it out).
    const ports = endpointPortsForPod(service, pod);
    const key = portMapKey(ports);
    let group = groups.get(key);
    if (!group) {
      group = { ports, endpoints: new Map() };
      groups.set(key, group);
    }
    group.endpoints.set(endpointKey(endpoint), endpoint);
  }
  return groups;
}

/**
 * Labels of the Service's slices (upstream setEndpointSliceLabels): the
 * Service's labels minus the reserved keys, plus service-name, managed-by
 * and, for a Service without a cluster IP, headless.
 */
export function endpointSliceLabels(service: Service, controllerName = ENDPOINTSLICE_CONTROLLER_NAME): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const [k, v] of Object.entries(service.metadata?.labels ?? {})) {
    if (k !== LABEL_SERVICE_NAME && k !== LABEL_MANAGED_BY && k !== LABEL_HEADLESS_SERVICE) labels[k] = v;
  }
  if (!isServiceIPSet(service)) labels[LABEL_HEADLESS_SERVICE] = '';
  labels[LABEL_SERVICE_NAME] = service.metadata?.name ?? '';
  labels[LABEL_MANAGED_BY] = controllerName;
  return labels;
}

/** The controller owner reference of a slice to its Service. */
export function serviceOwnerReference(service: Service): OwnerReference {
  return { apiVersion: 'v1', kind: 'Service', name: service.metadata?.name, uid: service.metadata?.uid, controller: true, blockOwnerDeletion: true };
}

/** Whether the Service (by uid) owns the slice (upstream ownedBy). */
export function ownedBy(slice: EndpointSlice, service: Service): boolean {
  return (slice.metadata?.ownerReferences ?? []).some((o) => o.uid === service.metadata?.uid && o.kind === 'Service' && o.apiVersion === 'v1');
}

/** A new, unnamed slice of the Service (generateName "<service>-"), with the given ports and no endpoints. */
export function newEndpointSlice(
  service: Service,
  ports: readonly DiscoveryEndpointPort[],
  addressType: AddressType,
  controllerName = ENDPOINTSLICE_CONTROLLER_NAME,
): EndpointSlice {
  return {
    metadata: {
      generateName: `${service.metadata?.name ?? ''}-`,
      namespace: service.metadata?.namespace,
      labels: endpointSliceLabels(service, controllerName),
      ownerReferences: [serviceOwnerReference(service)],
    },
    addressType,
    endpoints: [],
    ports: ports.map((p) => ({ ...p })),
  };
}
