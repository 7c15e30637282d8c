// The userspace Dataplane: one TcpProxyPort or UdpProxyPort per rule
// (protocol/IP/port). Binding the service addresses needs nothing special
// on Linux (all of 127.0.0.0/8 is local); ports below 1024 need root,
// CAP_NET_BIND_SERVICE, or sysctl net.ipv4.ip_unprivileged_port_start=0.
import type { ApplyResult, Dataplane } from '../dataplane/dataplane';
import type { ProxyRule, RuleDiff } from '../proxy/rules';
import { noopConnectionMetrics, type ConnectionMetrics } from '../server/metrics';
import { servicePortNameString } from '../proxy/service-port';
import type { AffinityTable } from './load-balancer';
import { SourceRanges } from './source-ranges';
import { TcpProxyPort } from './tcp-proxy-port';
import { UdpProxyPort } from './udp-proxy-port';

export interface UserspaceProxierOptions {
  metrics?: ConnectionMetrics;
  /** Idle timeout of UDP client sessions (default 250 ms, upstream's --udp-timeout). */
  udpIdleTimeoutMs?: number;
  /** Client IPs inside the cluster (upstream --cluster-cidr): short-circuited past externalTrafficPolicy Local. */
  clusterCIDR?: string;
}

type Port = TcpProxyPort | UdpProxyPort;

export class UserspaceProxier implements Dataplane {
  private readonly ports = new Map<string, Port>();
  /** ClientIP affinities per service port, shared by its listeners. */
  private readonly affinities = new Map<string, AffinityTable>();
  private readonly metrics: ConnectionMetrics;
  private readonly udpIdleTimeoutMs: number;
  private readonly cluster: SourceRanges;

  constructor(opts: UserspaceProxierOptions = {}) {
    this.metrics = opts.metrics ?? noopConnectionMetrics;
    this.udpIdleTimeoutMs = opts.udpIdleTimeoutMs ?? 250;
    this.cluster = opts.clusterCIDR ? new SourceRanges([opts.clusterCIDR]) : SourceRanges.nobody();
  }

  /** Listener keys with a port object (serving, or rejecting with no socket). */
  keys(): string[] {
    return [...this.ports.keys()];
  }

  async apply(diff: RuleDiff): Promise<ApplyResult> {
    const failed: ApplyResult['failed'] = [];
    for (const r of diff.removed) {
      this.ports.get(r.key)?.close();
      this.ports.delete(r.key);
    }
    const live = new Set([...this.ports.values()].map((p) => servicePortNameString(p.service())));
    for (const r of [...diff.added, ...diff.updated]) live.add(servicePortNameString(r.service));
    for (const k of this.affinities.keys()) if (!live.has(k)) this.affinities.delete(k);
    await Promise.all(
      [...diff.added, ...diff.updated].map(async (rule) => {
        let port = this.ports.get(rule.key);
        if (!port) {
          port = this.newPort(rule);
          this.ports.set(rule.key, port);
        }
        try {
          await port.update(rule);
        } catch (err) {
          port.close();
          this.ports.delete(rule.key);
          failed.push({ rule, error: err instanceof Error ? err : new Error(String(err)) });
        }
      }),
    );
    return { failed };
  }

  async close(): Promise<void> {
    for (const p of this.ports.values()) p.destroy();
    this.ports.clear();
  }

  private newPort(rule: ProxyRule): Port {
    const name = servicePortNameString(rule.service);
    let affinity = this.affinities.get(name);
    if (!affinity) this.affinities.set(name, (affinity = new Map()));
    return rule.protocol === 'UDP' ? new UdpProxyPort(rule, this.metrics, this.udpIdleTimeoutMs, this.cluster, affinity) : new TcpProxyPort(rule, this.metrics, this.cluster, affinity);
  }
}
