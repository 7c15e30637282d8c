// Endpoint choice for one listener (after upstream's userspace
// LoadBalancerRR): round robin over the rule's backends, and with ClientIP
// session affinity a client IP stays on the endpoint it got for
// stickyMaxAgeSeconds after its last connection, as long as that endpoint
// is still a backend. `exclude` skips endpoints that just failed to dial.
import type { Backend } from '../proxy/rules';

export interface LbClock {
  now(): number;
}

interface Affinity {
  backend: string;
  lastUsed: number;
}

/**
 * ClientIP affinities of one service port. Shared by all of its listeners
 * (cluster IP, node ports, LB IPs), as upstream keeps one affinity list per
 * service port.
 */
export type AffinityTable = Map<string, Affinity>;

export function backendKey(b: Backend): string {
  return `${b.ip}:${b.port}`;
}

export class LoadBalancer {
  private backends: Backend[] = [];
  private index = 0;
  private stickyMs = 0;

  constructor(
    private readonly clock: LbClock = Date,
    private readonly affinity: AffinityTable = new Map(),
  ) {}

  /** New backends (a rule update). A client pinned to an endpoint that is gone is re-pinned on its next connection. */
  update(backends: Backend[], stickyMaxAgeSeconds: number): void {
    this.backends = backends;
    this.stickyMs = stickyMaxAgeSeconds * 1000;
    if (this.index >= backends.length) this.index = 0;
    if (this.stickyMs === 0) this.affinity.clear();
  }

  size(): number {
    return this.backends.length;
  }

  /** The endpoint for a new connection from clientIP, or undefined when every backend is excluded. */
  next(clientIP: string, exclude: ReadonlySet<string> = new Set()): Backend | undefined {
    const now = this.clock.now();
    if (this.stickyMs > 0) {
      const a = this.affinity.get(clientIP);
      if (a && now - a.lastUsed <= this.stickyMs && !exclude.has(a.backend)) {
        const b = this.backends.find((x) => backendKey(x) === a.backend);
        if (b) {
          a.lastUsed = now;
          return b;
        }
      }
    }
    for (let i = 0; i < this.backends.length; i++) {
      const b = this.backends[this.index] as Backend;
      this.index = (this.index + 1) % this.backends.length;
      if (exclude.has(backendKey(b))) continue;
      if (this.stickyMs > 0) {
        this.affinity.set(clientIP, { backend: backendKey(b), lastUsed: now });
        if (this.affinity.size > 4096) this.expire(now);
      }
      return b;
    }
    return undefined;
  }

  private expire(now: number): void {
    for (const [ip, a] of this.affinity) if (now - a.lastUsed > this.stickyMs) this.affinity.delete(ip);
  }
}
