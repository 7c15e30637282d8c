// What the Service strategy does to an object before defaulting and
// validation (upstream svcStrategy.PrepareForCreate / PrepareForUpdate):
// keep clusterIP and clusterIPs in step, carry over values the allocator
// handed out when a client resubmits without them, and wipe fields the new
// type no longer uses. Nothing here allocates; the ServiceAllocation
// admission plugin does that after validation.
import type { Service } from '@k8ts/api';
import {
  externallyAccessible,
  needsClusterIP,
  needsHealthCheck,
  needsNodePort,
  nodePortsOf,
  sameStrings,
} from './service-helpers';

export function prepareServiceForCreate(svc: Service): void {
  svc.status = { loadBalancer: {} };
  normalizeClusterIPs(svc, undefined);
}

export function prepareServiceForUpdate(svc: Service, old: Service, subresource: '' | 'status'): void {
  if (subresource === 'status') {
    svc.spec = structuredClone(old.spec);
    return;
  }
  svc.status = structuredClone(old.status);
  // Type decides everything below; upstream has defaulted it by now.
  (svc.spec ??= {}).type ||= 'ClusterIP';
  patchAllocatedValues(svc, old);
  normalizeClusterIPs(svc, old);
  dropTypeDependentFields(svc, old);
}

/**
 * Lets a client resubmit a manifest without the cluster IP and node ports
 * that were allocated for it: missing values are copied from the stored
 * object while the type still uses them.
 */
export function patchAllocatedValues(svc: Service, old: Service): void {
  const spec = (svc.spec ??= {});
  if (needsClusterIP(old) && needsClusterIP(svc)) {
    if (!spec.clusterIP) spec.clusterIP = old.spec?.clusterIP;
    if ((spec.clusterIPs ?? []).length === 0 && (old.spec?.clusterIPs ?? []).length > 0) {
      spec.clusterIPs = [...(old.spec?.clusterIPs ?? [])];
    }
    // Upstream's allocator re-derives the families of unchanged IPs; the
    // k8ts allocator only sets them on allocation, so carry them over here.
    if ((spec.ipFamilies ?? []).length === 0 && (old.spec?.ipFamilies ?? []).length > 0 && sameStrings(spec.clusterIPs, old.spec?.clusterIPs)) {
      spec.ipFamilies = [...(old.spec?.ipFamilies ?? [])];
    }
  }
  if (needsNodePort(old) && needsNodePort(svc)) {
    // Ports present in both versions already have their value; an old
    // value is only reused for a port (matched by name) that has none and
    // when no other port of the new object claims it.
    const newPorts = nodePortsOf(svc);
    const taken = new Set([...nodePortsOf(old)].filter((p) => newPorts.has(p)));
    const byName = new Map((old.spec?.ports ?? []).map((p) => [p.name ?? '', p.nodePort ?? 0] as const));
    for (const port of spec.ports ?? []) {
      if (port.nodePort) continue;
      const previous = byName.get(port.name ?? '') ?? 0;
      if (previous && !taken.has(previous)) port.nodePort = previous;
    }
  }
  if (needsHealthCheck(old) && needsHealthCheck(svc) && !spec.healthCheckNodePort) {
    spec.healthCheckNodePort = old.spec?.healthCheckNodePort;
  }
}

/**
 * clusterIP (singular, old clients) and clusterIPs (plural) describe the
 * same thing; work out what the client meant when it set only one of them.
 */
export function normalizeClusterIPs(svc: Service, old: Service | undefined): void {
  const spec = (svc.spec ??= {});
  const ip = spec.clusterIP ?? '';
  if (!old) {
    // Create: a singular value initialises the plural one. A plural value
    // alone is left for validation to reject, as upstream does.
    if (ip && (spec.clusterIPs ?? []).length === 0) spec.clusterIPs = [ip];
    return;
  }
  const oldIp = old.spec?.clusterIP ?? '';
  const oldIps = old.spec?.clusterIPs ?? [];
  // An old client that only knows clusterIP sent the object back without clusterIPs.
  if (oldIps.length > 0 && (spec.clusterIPs ?? []).length === 0 && oldIp === ip) {
    spec.clusterIPs = [...oldIps];
  }
  if (oldIp !== ip) {
    if (oldIp && !ip) {
      // Clearing clusterIP clears clusterIPs too, unless those were changed as well.
      if (sameStrings(oldIps, spec.clusterIPs)) spec.clusterIPs = undefined;
    } else if (sameStrings(oldIps, spec.clusterIPs)) {
      spec.clusterIPs = [ip];
    }
  }
}

/**
 * When the type changes, fields the new type does not use are wiped, but
 * only when the client left them as they were (a changed value is the
 * client's intent and goes to validation).
 */
export function dropTypeDependentFields(svc: Service, old: Service): void {
  const spec = (svc.spec ??= {});
  const oldSpec = old.spec ?? {};

  if (needsClusterIP(old) && !needsClusterIP(svc)) {
    if (oldSpec.clusterIP === spec.clusterIP && sameStrings(oldSpec.clusterIPs, spec.clusterIPs)) {
      spec.clusterIP = undefined;
      spec.clusterIPs = undefined;
    }
    if (sameStrings(oldSpec.ipFamilies, spec.ipFamilies)) spec.ipFamilies = undefined;
    if ((oldSpec.ipFamilyPolicy ?? '') === (spec.ipFamilyPolicy ?? '')) spec.ipFamilyPolicy = undefined;
  }

  if (needsNodePort(old) && !needsNodePort(svc)) {
    // Only when no node port was added that the old object did not have.
    const oldPorts = nodePortsOf(old);
    if ([...nodePortsOf(svc)].every((p) => oldPorts.has(p))) {
      for (const port of spec.ports ?? []) port.nodePort = undefined;
    }
  }

  if (needsHealthCheck(old) && !needsHealthCheck(svc) && (oldSpec.healthCheckNodePort ?? 0) === (spec.healthCheckNodePort ?? 0)) {
    spec.healthCheckNodePort = undefined;
  }

  if (oldSpec.type === 'LoadBalancer' && spec.type !== 'LoadBalancer') {
    if (
      spec.allocateLoadBalancerNodePorts !== undefined &&
      oldSpec.allocateLoadBalancerNodePorts !== undefined &&
      spec.allocateLoadBalancerNodePorts === oldSpec.allocateLoadBalancerNodePorts
    ) {
      spec.allocateLoadBalancerNodePorts = undefined;
    }
    if ((spec.loadBalancerClass ?? '') === (oldSpec.loadBalancerClass ?? '')) spec.loadBalancerClass = undefined;
  }

  if (externallyAccessible(old) && !externallyAccessible(svc) && (spec.externalTrafficPolicy ?? '') === (oldSpec.externalTrafficPolicy ?? '')) {
    spec.externalTrafficPolicy = undefined;
  }

  // Load-balancer status means nothing for other types.
  if (spec.type !== 'LoadBalancer') svc.status = { ...svc.status, loadBalancer: {} };
}
