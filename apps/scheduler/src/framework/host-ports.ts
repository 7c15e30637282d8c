// Host ports used on a node, with upstream's conflict rule: the same
// protocol and port conflict when either side binds the wildcard 0.0.0.0 or
// both bind the same IP.

import type { ContainerPort, Pod } from '@k8ts/api';

export const DEFAULT_BIND_ALL_HOST_IP = '0.0.0.0';
const DEFAULT_PROTOCOL = 'TCP';

function protocolPort(protocol: string | undefined, port: number): string {
  return `${protocol || DEFAULT_PROTOCOL}/${port}`;
}

/** hostIP → set of "PROTOCOL/port". */
export class HostPortInfo {
  private readonly byIP = new Map<string, Map<string, number>>();

  /** Record a used host port. Ports <= 0 are ignored. */
  add(hostIP: string | undefined, protocol: string | undefined, port: number | undefined): void {
    if (!port || port <= 0) return;
    const ip = hostIP || DEFAULT_BIND_ALL_HOST_IP;
    let ports = this.byIP.get(ip);
    if (!ports) this.byIP.set(ip, (ports = new Map()));
    const pp = protocolPort(protocol, port);
    ports.set(pp, (ports.get(pp) ?? 0) + 1);
  }

  /** Forget one use of a host port (pods may be removed from a node). */
  remove(hostIP: string | undefined, protocol: string | undefined, port: number | undefined): void {
    if (!port || port <= 0) return;
    const ip = hostIP || DEFAULT_BIND_ALL_HOST_IP;
    const ports = this.byIP.get(ip);
    if (!ports) return;
    const pp = protocolPort(protocol, port);
    const n = (ports.get(pp) ?? 0) - 1;
    if (n > 0) ports.set(pp, n);
    else ports.delete(pp);
    if (ports.size === 0) this.byIP.delete(ip);
  }

  /** Whether binding (hostIP, protocol, port) would clash with a used port. */
  checkConflict(hostIP: string | undefined, protocol: string | undefined, port: number | undefined): boolean {
    if (!port || port <= 0) return false;
    const ip = hostIP || DEFAULT_BIND_ALL_HOST_IP;
    const pp = protocolPort(protocol, port);
    if (ip === DEFAULT_BIND_ALL_HOST_IP) {
      for (const ports of this.byIP.values()) if (ports.has(pp)) return true;
      return false;
    }
    return !!(this.byIP.get(DEFAULT_BIND_ALL_HOST_IP)?.has(pp) || this.byIP.get(ip)?.has(pp));
  }

  /** Number of distinct (ip, protocol, port) entries. */
  get size(): number {
    let n = 0;
    for (const ports of this.byIP.values()) n += ports.size;
    return n;
  }

  clone(): HostPortInfo {
    const c = new HostPortInfo();
    for (const [ip, ports] of this.byIP) c.byIP.set(ip, new Map(ports));
    return c;
  }
}

/**
 * The container ports of a pod that bind a host port: app containers and
 * sidecars (init containers with restartPolicy Always, which run for the
 * whole pod life), as upstream's GetHostPorts.
 */
export function podHostPorts(pod: Pod): ContainerPort[] {
  const out: ContainerPort[] = [];
  const spec = pod.spec ?? {};
  for (const c of spec.initContainers ?? []) {
    if (c.restartPolicy !== 'Always') continue;
    for (const p of c.ports ?? []) if ((p.hostPort ?? 0) > 0) out.push(p);
  }
  for (const c of spec.containers ?? []) {
    for (const p of c.ports ?? []) if ((p.hostPort ?? 0) > 0) out.push(p);
  }
  return out;
}
