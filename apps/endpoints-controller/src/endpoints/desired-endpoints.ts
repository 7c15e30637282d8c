// The core/v1 Endpoints object a Service should have, computed from the
// Service and its pods (upstream pkg/controller/endpoint syncService, the
// part before the write).
//
//  - A pod counts when it is selected, not terminal, has an IP of the
//    Service's family and is not terminating; with publishNotReadyAddresses
//    terminating pods count too and every address is ready.
//  - Each Service port is resolved per pod (findPort); a pod lacking a named
//    port is left out of that port only, a pod lacking all of them is left
//    out. A headless Service without ports lists its pods without ports.
//  - Addresses are packed into subsets: one subset per distinct set of
//    resolved ports, addresses sorted by IP then pod UID, ports sorted,
//    subsets sorted. The result is canonical, so it can be compared with
//    what is stored.
//  - More than MAX_ENDPOINTS_CAPACITY addresses are truncated (ready ones
//    first) and the object is annotated over-capacity, as upstream.
import { isIPv6 } from 'node:net';
import type { EndpointAddress, EndpointPort, EndpointSubset, Endpoints, Pod, Service, ServicePort } from '@k8ts/api';
import { findPort, isPodReady, podIPOfFamily, shouldPodBeInEndpoints, shouldSetHostname } from '../common/pod-helpers';
import { isHeadless, isServiceIPSet, managesEndpoints, serviceSelector } from '../common/service-helpers';
import { ANNOTATION_OVER_CAPACITY, LABEL_HEADLESS_SERVICE, MAX_ENDPOINTS_CAPACITY, OVER_CAPACITY_TRUNCATED } from '../common/well-known';

export interface DesiredEndpointsOptions {
  /** Most addresses kept before truncating (default MAX_ENDPOINTS_CAPACITY = 1000). */
  maxCapacity?: number;
}

/** One pod's address with the ports it serves (empty: a headless Service without ports). */
interface AddressEntry {
  address: EndpointAddress;
  ready: boolean;
  ports: EndpointPort[];
}

/**
 * The Endpoints object the Service should have, or undefined when this
 * controller leaves the Service alone (no selector, or type ExternalName).
 * Pods outside the Service's namespace or not matching its selector are
 * ignored, so callers may pass a superset.
 */
export function desiredEndpoints(service: Service, pods: readonly Pod[], opts: DesiredEndpointsOptions = {}): Endpoints | undefined {
  if (!managesEndpoints(service)) return undefined;
  const namespace = service.metadata?.namespace ?? '';
  const selector = serviceSelector(service);
  const publishNotReady = service.spec?.publishNotReadyAddresses === true;
  const servicePorts = service.spec?.ports ?? [];

  const entries: AddressEntry[] = [];
  for (const pod of pods) {
    if ((pod.metadata?.namespace ?? '') !== namespace || !selector.matches(pod.metadata?.labels ?? {})) continue;
    if (!shouldPodBeInEndpoints(pod, publishNotReady)) continue;
    const address = podToEndpointAddress(service, pod);
    if (!address) continue;
    const ready = publishNotReady || isPodReady(pod);
    if (servicePorts.length === 0) {
      // Only a headless Service may lack ports; it publishes bare addresses.
      if (isHeadless(service)) entries.push({ address, ready, ports: [] });
      continue;
    }
    const ports: EndpointPort[] = [];
    for (const sp of servicePorts) {
      const port = findPort(pod, sp);
      if (port !== undefined) ports.push(endpointPort(sp, port));
    }
    if (ports.length > 0) entries.push({ address, ready, ports });
  }

  let subsets = packSubsets(entries);
  const truncated = truncateSubsets(subsets, opts.maxCapacity ?? MAX_ENDPOINTS_CAPACITY);
  // A subset left without addresses would fail validation; upstream can
  // write one here, k8ts drops it.
  if (truncated) subsets = subsets.filter((s) => (s.addresses?.length ?? 0) + (s.notReadyAddresses?.length ?? 0) > 0);
  return {
    metadata: {
      name: service.metadata?.name,
      namespace,
      labels: endpointsLabels(service),
      ...(truncated ? { annotations: { [ANNOTATION_OVER_CAPACITY]: OVER_CAPACITY_TRUNCATED } } : {}),
    },
    subsets,
  };
}

/**
 * Labels of a Service's Endpoints: the Service's labels, plus
 * service.kubernetes.io/headless="" when it has no cluster IP.
 */
export function endpointsLabels(service: Service): Record<string, string> {
  const labels: Record<string, string> = { ...service.metadata?.labels };
  if (isServiceIPSet(service)) delete labels[LABEL_HEADLESS_SERVICE];
  else labels[LABEL_HEADLESS_SERVICE] = '';
  return labels;
}

/**
 * Which IP family the Service's Endpoints use: spec.ipFamilies[0]; without
 * it, the cluster IP's family; for a headless Service, the pod IP's family.
 */
function usesIPv6(service: Service, pod: Pod): boolean {
  const family = service.spec?.ipFamilies?.[0];
  if (family) return family === 'IPv6';
  if (isServiceIPSet(service)) return isIPv6(service.spec?.clusterIP ?? '');
  return isIPv6(pod.status?.podIP ?? '');
}

/** The address of the pod for this Service, or undefined when the pod has no IP of the Service's family. */
export function podToEndpointAddress(service: Service, pod: Pod): EndpointAddress | undefined {
  const ip = podIPOfFamily(pod, usesIPv6(service, pod));
  if (!ip) return undefined;
  const nodeName = pod.spec?.nodeName;
  return {
    ip,
    ...(nodeName ? { nodeName } : {}),
    targetRef: { kind: 'Pod', namespace: pod.metadata?.namespace, name: pod.metadata?.name, uid: pod.metadata?.uid },
    ...(shouldSetHostname(pod, service) ? { hostname: pod.spec?.hostname } : {}),
  };
}

function endpointPort(sp: ServicePort, port: number): EndpointPort {
  return {
    name: sp.name ?? '',
    port,
    protocol: sp.protocol || 'TCP',
    ...(sp.appProtocol ? { appProtocol: sp.appProtocol } : {}),
  };
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function comparePorts(a: EndpointPort, b: EndpointPort): number {
  return compareStrings(a.name ?? '', b.name ?? '') || (a.port ?? 0) - (b.port ?? 0) || compareStrings(a.protocol ?? '', b.protocol ?? '');
}

/** Orders addresses by IP, then by pod UID (upstream LessEndpointAddress). */
export function compareAddresses(a: EndpointAddress, b: EndpointAddress): number {
  return compareStrings(a.ip ?? '', b.ip ?? '') || compareStrings(a.targetRef?.uid ?? '', b.targetRef?.uid ?? '');
}

function portsKey(ports: readonly EndpointPort[]): string {
  return JSON.stringify(ports.map((p) => [p.name ?? '', p.port ?? 0, p.protocol ?? '', p.appProtocol ?? '']));
}

/**
 * The canonical subsets of the entries (upstream RepackSubsets): addresses
 * serving the same set of ports share a subset; within it, ready ones go to
 * addresses and the others to notReadyAddresses. Deterministic order.
 */
function packSubsets(entries: readonly AddressEntry[]): EndpointSubset[] {
  const groups = new Map<string, { ports: EndpointPort[]; ready: EndpointAddress[]; notReady: EndpointAddress[] }>();
  for (const e of entries) {
    const ports = [...e.ports].sort(comparePorts);
    const key = portsKey(ports);
    let group = groups.get(key);
    if (!group) {
      group = { ports, ready: [], notReady: [] };
      groups.set(key, group);
    }
    (e.ready ? group.ready : group.notReady).push(e.address);
  }
  return [...groups.entries()]
    .sort(([a], [b]) => compareStrings(a, b))
    .map(([, g]) => ({
      ...(g.ready.length > 0 ? { addresses: g.ready.sort(compareAddresses) } : {}),
      ...(g.notReady.length > 0 ? { notReadyAddresses: g.notReady.sort(compareAddresses) } : {}),
      ...(g.ports.length > 0 ? { ports: g.ports } : {}),
    }));
}

/**
 * Cuts the subsets down to max addresses in place (upstream
 * truncateEndpoints): ready addresses are kept first; whichever kind is cut
 * is cut in each subset in proportion to its share, rounding up. True when
 * anything was cut.
 */
function truncateSubsets(subsets: EndpointSubset[], max: number): boolean {
  let totalReady = 0;
  let totalNotReady = 0;
  for (const s of subsets) {
    totalReady += s.addresses?.length ?? 0;
    totalNotReady += s.notReadyAddresses?.length ?? 0;
  }
  if (totalReady + totalNotReady <= max) return false;

  const cutReady = totalReady > max;
  const budget = cutReady ? max : max - totalReady;
  const total = cutReady ? totalReady : totalNotReady;
  let left = budget;
  for (const s of subsets) {
    const list = (cutReady ? s.addresses : s.notReadyAddresses) ?? [];
    const share = Math.min(Math.ceil((list.length / total) * budget), left);
    const kept = list.slice(0, share);
    left -= kept.length;
    if (cutReady) {
      s.addresses = kept.length > 0 ? kept : undefined;
      s.notReadyAddresses = undefined;
    } else {
      s.notReadyAddresses = kept.length > 0 ? kept : undefined;
    }
  }
  return true;
}
