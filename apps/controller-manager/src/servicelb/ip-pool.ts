// The LoadBalancer address pool: every usable address of one IPv4 CIDR
// (network and broadcast addresses excluded for prefixes shorter than /31),
// each held by at most one Service key.
import { cidrAddress, cidrContains, ipToNumber, parseCidr, type Cidr } from '@k8ts/apimachinery';

export class IpPoolExhaustedError extends Error {
  constructor(readonly cidr: string) {
    super(`no free address left in the LoadBalancer pool ${cidr}`);
    this.name = 'IpPoolExhaustedError';
  }
}

export class IpPool {
  private readonly cidr: Cidr;
  /** ip → holder (a Service key) */
  private readonly holders = new Map<string, string>();
  /** holder → ip */
  private readonly byHolder = new Map<string, string>();
  private readonly first: number;
  private readonly last: number;
  /** Offset where the next scan starts, so freed addresses are not reused at once. */
  private cursor = 0;

  constructor(readonly range: string) {
    this.cidr = parseCidr(range);
    const edges = this.cidr.size > 2 ? 1 : 0;
    this.first = edges;
    this.last = this.cidr.size - 1 - edges;
  }

  get capacity(): number {
    return this.last - this.first + 1;
  }

  get used(): number {
    return this.holders.size;
  }

  contains(ip: string): boolean {
    try {
      if (!cidrContains(this.cidr, ip)) return false;
    } catch {
      return false;
    }
    const offset = ipToNumber(ip) - this.cidr.base;
    return offset >= this.first && offset <= this.last;
  }

  holderOf(ip: string): string | undefined {
    return this.holders.get(ip);
  }

  ipOf(holder: string): string | undefined {
    return this.byHolder.get(holder);
  }

  /** True when ip is in the pool and free, or already held by holder. */
  available(ip: string, holder: string): boolean {
    if (!this.contains(ip)) return false;
    const current = this.holders.get(ip);
    return current === undefined || current === holder;
  }

  /**
   * Gives ip to holder (releasing what holder had before). False when ip is
   * outside the pool or held by someone else.
   */
  claim(ip: string, holder: string): boolean {
    if (!this.available(ip, holder)) return false;
    const previous = this.byHolder.get(holder);
    if (previous !== undefined && previous !== ip) this.holders.delete(previous);
    this.holders.set(ip, holder);
    this.byHolder.set(holder, ip);
    return true;
  }

  /** The holder's address, or the next free one; throws IpPoolExhaustedError. */
  allocate(holder: string): string {
    const existing = this.byHolder.get(holder);
    if (existing !== undefined) return existing;
    const count = this.capacity;
    for (let i = 0; i < count; i++) {
      const offset = this.first + ((this.cursor + i) % count);
      const ip = cidrAddress(this.cidr, offset);
      if (!this.holders.has(ip)) {
        this.cursor = (offset - this.first + 1) % count;
        this.claim(ip, holder);
        return ip;
      }
    }
    throw new IpPoolExhaustedError(this.range);
  }

  /** Frees whatever holder has; returns the address it had. */
  release(holder: string): string | undefined {
    const ip = this.byHolder.get(holder);
    if (ip === undefined) return undefined;
    this.byHolder.delete(holder);
    this.holders.delete(ip);
    return ip;
  }
}
