// Small predicates and constants shared by Service defaulting, preparation
// and validation. A Service is a union discriminated by spec.type; these
// helpers answer "does this type use field X?" the way upstream does.
import type { Service } from '@k8ts/api';

/** spec.clusterIP value that marks a headless service. */
export const CLUSTER_IP_NONE = 'None';

// Enumerations, sorted as upstream lists them in "supported values" messages.
export const SERVICE_TYPES = ['ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort'];
export const PORT_PROTOCOLS = ['SCTP', 'TCP', 'UDP'];
export const SESSION_AFFINITIES = ['ClientIP', 'None'];
export const TRAFFIC_POLICIES = ['Cluster', 'Local'];
export const IP_FAMILIES = ['IPv4', 'IPv6'];
export const IP_FAMILY_POLICIES = ['PreferDualStack', 'RequireDualStack', 'SingleStack'];
export const TRAFFIC_DISTRIBUTIONS = ['PreferClose', 'PreferSameNode', 'PreferSameZone'];
export const LOAD_BALANCER_IP_MODES = ['Proxy', 'VIP'];

/** ClientIP affinity timeout when none is given: 3 hours. */
export const DEFAULT_CLIENT_IP_TIMEOUT_SECONDS = 10800;
/** Longest ClientIP affinity timeout: one day. */
export const MAX_CLIENT_IP_TIMEOUT_SECONDS = 86400;

/** Every type but ExternalName gets a cluster IP (or "None"). */
export function needsClusterIP(svc: Service): boolean {
  return svc.spec?.type !== 'ExternalName';
}

/** NodePort and LoadBalancer services own node ports. */
export function needsNodePort(svc: Service): boolean {
  const t = svc.spec?.type;
  return t === 'NodePort' || t === 'LoadBalancer';
}

/** Reachable from outside the cluster: NodePort, LoadBalancer, or ClusterIP with externalIPs. */
export function externallyAccessible(svc: Service): boolean {
  const t = svc.spec?.type;
  return t === 'NodePort' || t === 'LoadBalancer' || (t === 'ClusterIP' && (svc.spec?.externalIPs ?? []).length > 0);
}

/** A LoadBalancer with externalTrafficPolicy Local needs a health-check node port. */
export function needsHealthCheck(svc: Service): boolean {
  return svc.spec?.type === 'LoadBalancer' && svc.spec?.externalTrafficPolicy === 'Local';
}

/**
 * Headless: clusterIPs is exactly ["None"]. Before clusterIPs is filled in
 * (a direct call without prepareForCreate) clusterIP alone decides.
 */
export function isHeadless(svc: Service): boolean {
  const ips = svc.spec?.clusterIPs ?? [];
  if (ips.length > 0) return ips.length === 1 && ips[0] === CLUSTER_IP_NONE;
  return svc.spec?.clusterIP === CLUSTER_IP_NONE;
}

export function sameStrings(a: readonly string[] | undefined, b: readonly string[] | undefined): boolean {
  const x = a ?? [];
  const y = b ?? [];
  return x.length === y.length && x.every((v, i) => v === y[i]);
}

/** The non-zero node ports of a service. */
export function nodePortsOf(svc: Service): Set<number> {
  return new Set((svc.spec?.ports ?? []).map((p) => p.nodePort ?? 0).filter((p) => p !== 0));
}
