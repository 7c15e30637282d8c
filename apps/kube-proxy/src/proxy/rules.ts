// The proxy rules: from the ServicePortMap and the EndpointsMap, the set of
// listeners this host must serve (one per protocol/IP/port), each with what
// to do with a new connection: forward to some endpoints, reject it (the
// service has no endpoints: upstream REJECT), or drop it (traffic policy
// Local and no local endpoint: upstream DROP). Pure: computeRules is
// table-tested, and diffRules gives the dataplane only what changed.
import { endpointString, type EndpointInfo } from './endpoints-change-tracker';
import { servicePortNameString, type Protocol, type ServicePortInfo, type ServicePortName } from './service-port';

export type RuleKind = 'ClusterIP' | 'NodePort' | 'LoadBalancer' | 'ExternalIP';
export type RuleAction = 'forward' | 'reject' | 'drop';

export interface Backend {
  ip: string;
  port: number;
}

export interface ProxyRule {
  /** "TCP/127.96.0.10:53" */
  key: string;
  protocol: Protocol;
  ip: string;
  port: number;
  kind: RuleKind;
  service: ServicePortName;
  /** The Service's port (spec.ports[].port), whatever port this listener is on. */
  servicePort: number;
  action: RuleAction;
  /** Where to forward to (only for action forward), sorted. */
  backends: Backend[];
  /** ClientIP affinity: how long a client stays with its endpoint (0: no affinity). */
  stickyMaxAgeSeconds: number;
  /**
   * externalTrafficPolicy Local on an external address (node port, LB or
   * external IP): clients inside the cluster (pod CIDR) are short-circuited to
   * all usable endpoints, as upstream does. Empty otherwise.
   */
  inClusterBackends: Backend[];
  /** Load balancer IPs with loadBalancerSourceRanges: only these client CIDRs get through; others are dropped. Empty: everyone. */
  sourceRanges: string[];
}

export interface RuleInputs {
  services: ReadonlyMap<string, ServicePortInfo>;
  endpoints: ReadonlyMap<string, EndpointInfo[]>;
  nodeIPs: readonly string[];
}

export interface RuleConflict {
  key: string;
  kept: string;
  dropped: string;
}

export function ruleKey(protocol: Protocol, ip: string, port: number): string {
  return `${protocol}/${ip}:${port}`;
}

/**
 * Endpoints usable for traffic (upstream CategorizeEndpoints with
 * ProxyTerminatingEndpoints): the ready ones; when none is ready, those that
 * are serving and terminating. `local` keeps only endpoints of this host.
 */
export function usableEndpoints(eps: readonly EndpointInfo[], local: boolean): EndpointInfo[] {
  const candidates = local ? eps.filter((e) => e.isLocal) : [...eps];
  const ready = candidates.filter((e) => e.ready);
  if (ready.length > 0) return ready;
  return candidates.filter((e) => e.serving && e.terminating);
}

function toBackends(eps: EndpointInfo[]): Backend[] {
  return eps.map((e) => ({ ip: e.ip, port: e.port })).sort((a, b) => (endpointString(a) < endpointString(b) ? -1 : 1));
}

/** The desired rules, keyed by rule key, and any address two services both claimed (the first, by name, wins). */
export function computeRules(input: RuleInputs): { rules: Map<string, ProxyRule>; conflicts: RuleConflict[] } {
  const rules = new Map<string, ProxyRule>();
  const conflicts: RuleConflict[] = [];
  const names = [...input.services.keys()].sort();
  for (const name of names) {
    const svc = input.services.get(name) as ServicePortInfo;
    const all = input.endpoints.get(name) ?? [];
    const hasEndpoints = usableEndpoints(all, false).length > 0;
    const internal = usableEndpoints(all, svc.internalPolicyLocal);
    const external = usableEndpoints(all, svc.externalPolicyLocal);
    const decide = (eps: EndpointInfo[]): { action: RuleAction; backends: Backend[] } => {
      if (!hasEndpoints) return { action: 'reject', backends: [] };
      if (eps.length === 0) return { action: 'drop', backends: [] };
      return { action: 'forward', backends: toBackends(eps) };
    };
    const inCluster = svc.externalPolicyLocal && hasEndpoints ? toBackends(usableEndpoints(all, false)) : [];
    const add = (kind: RuleKind, ip: string, port: number, d: { action: RuleAction; backends: Backend[] }) => {
      if (!ip || !port) return;
      const key = ruleKey(svc.protocol, ip, port);
      const existing = rules.get(key);
      if (existing) {
        conflicts.push({ key, kept: servicePortNameString(existing.service), dropped: name });
        return;
      }
      rules.set(key, { key, protocol: svc.protocol, ip, port, kind, service: svc.name, servicePort: svc.port, action: d.action, backends: d.backends, stickyMaxAgeSeconds: svc.stickyMaxAgeSeconds, inClusterBackends: kind === 'ClusterIP' ? [] : inCluster, sourceRanges: kind === 'LoadBalancer' ? svc.loadBalancerSourceRanges : [] });
    };
    const internalDecision = decide(internal);
    const externalDecision = decide(external);
    add('ClusterIP', svc.clusterIP, svc.port, internalDecision);
    if (svc.nodePort) for (const ip of input.nodeIPs) add('NodePort', ip, svc.nodePort, externalDecision);
    for (const ip of svc.loadBalancerIPs) add('LoadBalancer', ip, svc.port, externalDecision);
    for (const ip of svc.externalIPs) add('ExternalIP', ip, svc.port, externalDecision);
  }
  return { rules, conflicts };
}

export interface RuleDiff {
  added: ProxyRule[];
  updated: ProxyRule[];
  removed: ProxyRule[];
}

function sameRule(a: ProxyRule, b: ProxyRule): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** What changes from `current` to `desired`. */
export function diffRules(current: ReadonlyMap<string, ProxyRule>, desired: ReadonlyMap<string, ProxyRule>): RuleDiff {
  const diff: RuleDiff = { added: [], updated: [], removed: [] };
  for (const [key, rule] of desired) {
    const old = current.get(key);
    if (!old) diff.added.push(rule);
    else if (!sameRule(old, rule)) diff.updated.push(rule);
  }
  for (const [key, rule] of current) if (!desired.has(key)) diff.removed.push(rule);
  return diff;
}

export function isEmptyDiff(d: RuleDiff): boolean {
  return d.added.length === 0 && d.updated.length === 0 && d.removed.length === 0;
}
