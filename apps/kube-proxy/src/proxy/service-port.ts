// ServicePortInfo: what the proxier needs of one port of one Service (after
// upstream's servicePortInfo / BaseServicePortInfo), and the conversion from
// a Service object. Headless and ExternalName Services have no ports here:
// kube-proxy does not proxy them.
import type { Service } from '@k8ts/api';

export type Protocol = 'TCP' | 'UDP';

/** Default ClientIP affinity timeout (upstream DefaultClientIPServiceAffinitySeconds: 3 hours). */
export const DEFAULT_AFFINITY_TIMEOUT_SECONDS = 10_800;

/** Identifies one port of one Service: "ns/name:portName/TCP" (upstream ServicePortName). */
export interface ServicePortName {
  namespace: string;
  name: string;
  /** ServicePort.name ("" for an unnamed single port). */
  port: string;
  protocol: Protocol;
}

export function servicePortNameString(n: ServicePortName): string {
  return `${n.namespace}/${n.name}${n.port ? `:${n.port}` : ''}/${n.protocol}`;
}

export interface ServicePortInfo {
  name: ServicePortName;
  clusterIP: string;
  port: number;
  protocol: Protocol;
  /** 0 when the port has none. */
  nodePort: number;
  /** status.loadBalancer.ingress[].ip (VIP mode only). */
  loadBalancerIPs: string[];
  externalIPs: string[];
  /** spec.loadBalancerSourceRanges (LoadBalancer only): clients allowed to reach the load balancer IPs. */
  loadBalancerSourceRanges: string[];
  /** 0 when sessionAffinity is None. */
  stickyMaxAgeSeconds: number;
  /** internalTrafficPolicy Local: cluster traffic only to endpoints on this host. */
  internalPolicyLocal: boolean;
  /** externalTrafficPolicy Local: NodePort/LB/external IP traffic only to local endpoints. */
  externalPolicyLocal: boolean;
  type: string;
}

/** kube-proxy does not proxy these (upstream ShouldSkipService). */
export function shouldSkipService(svc: Service): boolean {
  const spec = svc.spec;
  if (!spec) return true;
  if (spec.type === 'ExternalName') return true;
  if (!spec.clusterIP || spec.clusterIP === 'None') return true;
  return false;
}

/** The proxied ports of a Service, keyed by servicePortNameString. Unsupported protocols (SCTP) are left out. */
export function servicePortsOf(svc: Service | undefined): Map<string, ServicePortInfo> {
  const out = new Map<string, ServicePortInfo>();
  if (!svc || shouldSkipService(svc)) return out;
  const spec = svc.spec ?? {};
  const meta = svc.metadata ?? {};
  const externallyAccessible = spec.type === 'NodePort' || spec.type === 'LoadBalancer';
  const lbIPs =
    spec.type === 'LoadBalancer'
      ? (svc.status?.loadBalancer?.ingress ?? []).filter((i) => i.ip && (i.ipMode ?? 'VIP') === 'VIP').map((i) => i.ip as string)
      : [];
  const sticky = spec.sessionAffinity === 'ClientIP' ? (spec.sessionAffinityConfig?.clientIP?.timeoutSeconds ?? DEFAULT_AFFINITY_TIMEOUT_SECONDS) : 0;
  for (const p of spec.ports ?? []) {
    const protocol = (p.protocol ?? 'TCP') as string;
    if (protocol !== 'TCP' && protocol !== 'UDP') continue;
    const name: ServicePortName = { namespace: meta.namespace ?? 'default', name: meta.name ?? '', port: p.name ?? '', protocol };
    out.set(servicePortNameString(name), {
      name,
      clusterIP: spec.clusterIP as string,
      port: p.port ?? 0,
      protocol,
      nodePort: externallyAccessible ? (p.nodePort ?? 0) : 0,
      loadBalancerIPs: lbIPs,
      externalIPs: [...(spec.externalIPs ?? [])],
      loadBalancerSourceRanges: spec.type === 'LoadBalancer' ? [...(spec.loadBalancerSourceRanges ?? [])] : [],
      stickyMaxAgeSeconds: sticky,
      internalPolicyLocal: spec.internalTrafficPolicy === 'Local',
      externalPolicyLocal: (externallyAccessible || (spec.externalIPs?.length ?? 0) > 0) && spec.externalTrafficPolicy === 'Local',
      type: spec.type ?? 'ClusterIP',
    });
  }
  return out;
}
