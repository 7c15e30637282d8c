// The desired side of EndpointSlice mirroring (upstream
// pkg/controller/endpointslicemirroring utils.go): which Endpoints are
// mirrored, and the discovery endpoints, ports and labels their slices get.
import { isIPv4, isIPv6 } from 'node:net';
import type { DiscoveryEndpointPort, Endpoint, EndpointAddress, EndpointSlice, Endpoints, Service } from '@k8ts/api';
import { type AddressType, LABEL_MANAGED_BY, LABEL_SERVICE_NAME } from '../common/well-known';
import { portMapKey, serviceOwnerReference } from '../endpointslices/desired-slices';

/** managed-by value of mirrored slices. */
export const MIRRORING_CONTROLLER_NAME = 'endpointslicemirroring-controller.k8s.io';

/** Endpoints labelled with this set to "true" are not mirrored (e.g. default/kubernetes, whose slice the apiserver owns). */
export const LABEL_SKIP_MIRROR = 'endpointslice.kubernetes.io/skip-mirror';

/** Leader-election annotation of old-style Endpoints locks: never mirrored. */
export const ANNOTATION_LEADER = 'control-plane.alpha.kubernetes.io/leader';

/** Upstream --mirroring-max-endpoints-per-subset default. */
export const DEFAULT_MAX_ENDPOINTS_PER_SUBSET = 1000;

/** Endpoints annotations not copied onto slices. */
const SKIPPED_ANNOTATIONS = new Set(['endpoints.kubernetes.io/last-change-trigger-time', 'kubectl.kubernetes.io/last-applied-configuration']);

/** Whether the Endpoints should be mirrored at all (upstream shouldMirror). */
export function shouldMirror(endpoints: Endpoints | undefined): endpoints is Endpoints {
  if (!endpoints) return false;
  if (endpoints.metadata?.labels?.[LABEL_SKIP_MIRROR] === 'true') return false;
  if (endpoints.metadata?.annotations?.[ANNOTATION_LEADER] !== undefined) return false;
  return true;
}

/** Whether the Service's Endpoints are someone else's to mirror: it exists without a selector. */
export function serviceIsMirrored(service: Service | undefined): service is Service {
  return !!service && Object.keys(service.spec?.selector ?? {}).length === 0;
}

/** Endpoints of one address type that share one set of ports. */
export interface MirroredGroup {
  addressType: AddressType;
  ports: DiscoveryEndpointPort[];
  endpoints: Endpoint[];
}

export function groupKey(addressType: string | undefined, ports: readonly DiscoveryEndpointPort[] | undefined): string {
  return `${addressType ?? ''}|${portMapKey(ports)}`;
}

function addressType(ip: string): AddressType | undefined {
  if (isIPv4(ip)) return 'IPv4';
  if (isIPv6(ip)) return 'IPv6';
  return undefined;
}

function toEndpoint(address: EndpointAddress, ready: boolean): Endpoint {
  return {
    addresses: [address.ip ?? ''],
    conditions: { ready },
    ...(address.hostname ? { hostname: address.hostname } : {}),
    ...(address.nodeName ? { nodeName: address.nodeName } : {}),
    ...(address.targetRef ? { targetRef: { ...address.targetRef } } : {}),
  };
}

/**
 * The mirrored endpoints, grouped by address type and port set, subset by
 * subset: ready addresses first, then not-ready ones, at most
 * maxEndpointsPerSubset per subset (upstream drops the rest and warns).
 * Addresses that are not IPs are skipped. Subsets with the same ports merge;
 * an address listed twice in a group is kept once.
 */
export function desiredMirroredGroups(endpoints: Endpoints, maxEndpointsPerSubset = DEFAULT_MAX_ENDPOINTS_PER_SUBSET): { groups: Map<string, MirroredGroup>; skipped: number } {
  const groups = new Map<string, MirroredGroup>();
  const seen = new Set<string>();
  let skipped = 0;
  for (const subset of endpoints.subsets ?? []) {
    const ports: DiscoveryEndpointPort[] = (subset.ports ?? []).map((p) => ({
      name: p.name ?? '',
      port: p.port,
      protocol: p.protocol || 'TCP',
      ...(p.appProtocol ? { appProtocol: p.appProtocol } : {}),
    }));
    const addresses: [EndpointAddress, boolean][] = [...(subset.addresses ?? []).map((a): [EndpointAddress, boolean] => [a, true]), ...(subset.notReadyAddresses ?? []).map((a): [EndpointAddress, boolean] => [a, false])];
    let taken = 0;
    for (const [address, ready] of addresses) {
      const type = addressType(address.ip ?? '');
      if (!type) {
        skipped++;
        continue;
      }
      if (taken >= maxEndpointsPerSubset) {
        skipped++;
        continue;
      }
      const key = groupKey(type, ports);
      const dedupe = `${key}|${address.ip}`;
      if (seen.has(dedupe)) continue;
      seen.add(dedupe);
      taken++;
      let group = groups.get(key);
      if (!group) {
        group = { addressType: type, ports, endpoints: [] };
        groups.set(key, group);
      }
      group.endpoints.push(toEndpoint(address, ready));
    }
  }
  return { groups, skipped };
}

/** Labels of mirrored slices: the Endpoints' labels plus service-name and managed-by. */
export function mirroredSliceLabels(endpoints: Endpoints): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const [k, v] of Object.entries(endpoints.metadata?.labels ?? {})) if (k !== LABEL_MANAGED_BY && k !== LABEL_SERVICE_NAME) labels[k] = v;
  labels[LABEL_SERVICE_NAME] = endpoints.metadata?.name ?? '';
  labels[LABEL_MANAGED_BY] = MIRRORING_CONTROLLER_NAME;
  return labels;
}

/** Annotations of mirrored slices: the Endpoints' annotations minus trigger time and last-applied. */
export function mirroredSliceAnnotations(endpoints: Endpoints): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(endpoints.metadata?.annotations ?? {})) if (!SKIPPED_ANNOTATIONS.has(k)) out[k] = v;
  return out;
}

/** A new mirrored slice (generateName "<endpoints>-"), owned by the Service. */
export function newMirroredSlice(service: Service, endpoints: Endpoints, group: MirroredGroup, members: Endpoint[]): EndpointSlice {
  const annotations = mirroredSliceAnnotations(endpoints);
  return {
    metadata: {
      generateName: `${endpoints.metadata?.name ?? ''}-`,
      namespace: endpoints.metadata?.namespace,
      labels: mirroredSliceLabels(endpoints),
      ...(Object.keys(annotations).length ? { annotations } : {}),
      ownerReferences: [serviceOwnerReference(service)],
    },
    addressType: group.addressType,
    endpoints: members,
    ports: group.ports.map((p) => ({ ...p })),
  };
}
