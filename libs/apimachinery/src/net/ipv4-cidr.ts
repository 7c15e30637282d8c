// IPv4 address and CIDR arithmetic (service IP allocation, pod IPAM).
export class CidrError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CidrError';
  }
}

export function ipToNumber(ip: string): number {
  const parts = ip.split('.');
  if (parts.length !== 4 || parts.some((p) => !/^\d{1,3}$/.test(p) || Number(p) > 255)) throw new CidrError(`invalid IPv4 address: ${ip}`);
  return parts.reduce((acc, p) => acc * 256 + Number(p), 0);
}

export function numberToIp(n: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256).join('.');
}

export interface Cidr {
  /** Network address as a number. */
  base: number;
  prefix: number;
  /** Number of addresses, network and broadcast included. */
  size: number;
}

export function parseCidr(cidr: string): Cidr {
  const [ip, bits] = cidr.split('/');
  const prefix = Number(bits);
  if (!ip || !/^\d+$/.test(bits ?? '') || prefix < 0 || prefix > 32) throw new CidrError(`invalid CIDR: ${cidr}`);
  const size = 2 ** (32 - prefix);
  const base = Math.floor(ipToNumber(ip) / size) * size;
  return { base, prefix, size };
}

export function cidrContains(c: Cidr, ip: string): boolean {
  const n = ipToNumber(ip);
  return n >= c.base && n < c.base + c.size;
}

/** The nth usable address (1-based offsets; the network address is never handed out). */
export function cidrAddress(c: Cidr, offset: number): string {
  return numberToIp(c.base + offset);
}
