// loadBalancerSourceRanges as the userspace proxier checks them: a client
// IP is allowed when no ranges are set or one of them contains it.
import { cidrContains, parseCidr, type Cidr } from '@k8ts/apimachinery';

export class SourceRanges {
  private readonly cidrs: Cidr[];
  private readonly any: boolean;

  constructor(ranges: readonly string[]) {
    this.cidrs = [];
    for (const r of ranges) {
      try {
        this.cidrs.push(parseCidr(r.trim()));
      } catch {
        // Not an IPv4 CIDR (the apiserver validates; IPv6 ranges cannot match loopback IPv4 clients).
      }
    }
    this.any = ranges.length === 0;
  }

  /** Ranges that contain no client. */
  static nobody(): SourceRanges {
    return new SourceRanges(['0.0.0.0/32']);
  }

  allows(clientIP: string): boolean {
    if (this.any) return true;
    const ip = clientIP.startsWith('::ffff:') ? clientIP.slice(7) : clientIP;
    return this.cidrs.some((c) => {
      try {
        return cidrContains(c, ip);
      } catch {
        return false;
      }
    });
  }
}
