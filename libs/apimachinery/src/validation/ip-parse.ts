/**
 * IP and CIDR parsing with the two flavours Kubernetes validation relies on:
 * "sloppy" (historic Go `net.ParseIP`: IPv4 octets may carry leading zeros,
 * IPv6 groups may be longer than four hex digits if the value fits) and
 * "strict" (Go `netip`: neither is allowed).
 */

const BIG = 0xffffff;

function dtoi(s: string): { n: number; i: number } | undefined {
  let n = 0;
  let i = 0;
  for (; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) break;
    n = n * 10 + (c - 48);
    if (n >= BIG) return undefined;
  }
  return i === 0 ? undefined : { n, i };
}

function xtoi(s: string): { n: number; i: number } | undefined {
  let n = 0;
  let i = 0;
  for (; i < s.length; i++) {
    const d = parseInt(s[i], 16);
    if (Number.isNaN(d)) break;
    n = n * 16 + d;
    if (n >= BIG) return undefined;
  }
  return i === 0 ? undefined : { n, i };
}

const V4_IN_V6_PREFIX = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff];

/** IPv4 as 16 bytes (v4-in-v6 form), leading zeros tolerated. */
function parseIPv4(s: string): Uint8Array | undefined {
  const out = new Uint8Array(16);
  out.set(V4_IN_V6_PREFIX);
  for (let i = 0; i < 4; i++) {
    if (s.length === 0) return undefined;
    if (i > 0) {
      if (s[0] !== '.') return undefined;
      s = s.slice(1);
    }
    const r = dtoi(s);
    if (!r || r.n > 0xff) return undefined;
    s = s.slice(r.i);
    out[12 + i] = r.n;
  }
  return s.length === 0 ? out : undefined;
}

function parseIPv6(s: string): Uint8Array | undefined {
  const ip = new Uint8Array(16);
  let ellipsis = -1;
  if (s.length >= 2 && s[0] === ':' && s[1] === ':') {
    ellipsis = 0;
    s = s.slice(2);
    if (s.length === 0) return ip;
  }
  let i = 0;
  while (i < 16) {
    const r = xtoi(s);
    if (!r || r.n > 0xffff) return undefined;
    if (r.i < s.length && s[r.i] === '.') {
      if (ellipsis < 0 && i !== 12) return undefined;
      if (i + 4 > 16) return undefined;
      const ip4 = parseIPv4(s);
      if (!ip4) return undefined;
      ip.set(ip4.subarray(12), i);
      s = '';
      i += 4;
      break;
    }
    ip[i] = r.n >> 8;
    ip[i + 1] = r.n & 0xff;
    i += 2;
    s = s.slice(r.i);
    if (s.length === 0) break;
    if (s[0] !== ':' || s.length === 1) return undefined;
    s = s.slice(1);
    if (s[0] === ':') {
      if (ellipsis >= 0) return undefined;
      ellipsis = i;
      s = s.slice(1);
      if (s.length === 0) break;
    }
  }
  if (s.length !== 0) return undefined;
  if (i < 16) {
    if (ellipsis < 0) return undefined;
    const n = 16 - i;
    for (let j = i - 1; j >= ellipsis; j--) ip[j + n] = ip[j];
    for (let j = ellipsis + n - 1; j >= ellipsis; j--) ip[j] = 0;
  } else if (ellipsis >= 0) {
    return undefined;
  }
  return ip;
}

/** Parse an IP the historic, lenient way. Result is always 16 bytes. */
export function parseIPSloppy(s: string): Uint8Array | undefined {
  for (const ch of s) {
    if (ch === '.') return parseIPv4(s);
    if (ch === ':') return parseIPv6(s);
  }
  return undefined;
}

/**
 * True when a string the sloppy parser accepted would also be accepted by a
 * strict parser: no leading zeros in dotted-decimal octets, and no IPv6
 * group longer than four hex digits.
 */
export function isStrictIPSyntax(s: string): boolean {
  const groups = s.split(/[:.]/);
  const dotted = s.includes('.') ? s.slice(s.lastIndexOf(':') + 1).split('.') : [];
  for (const o of dotted) if (o.length > 1 && o[0] === '0') return false;
  if (s.includes(':')) {
    const hexGroups = s.includes('.') ? groups.slice(0, groups.length - dotted.length) : groups;
    for (const g of hexGroups) if (g.length > 4) return false;
  }
  return true;
}

/** Whether 16 bytes hold an IPv4 address in v4-in-v6 form. */
export function isV4InV6(ip: Uint8Array): boolean {
  return V4_IN_V6_PREFIX.every((b, i) => ip[i] === b);
}

/** Go `net.IP.String()`: dotted quad for IPv4 (including v4-in-v6), RFC 5952 otherwise. */
export function formatIP(ip: Uint8Array): string {
  if (ip.length === 4) return Array.from(ip).join('.');
  if (isV4InV6(ip)) return Array.from(ip.subarray(12)).join('.');
  let e0 = -1;
  let e1 = -1;
  for (let i = 0; i < 16; i += 2) {
    let j = i;
    while (j < 16 && ip[j] === 0 && ip[j + 1] === 0) j += 2;
    if (j > i && j - i > e1 - e0) {
      e0 = i;
      e1 = j;
      i = j;
    }
  }
  if (e1 - e0 <= 2) {
    e0 = -1;
    e1 = -1;
  }
  let out = '';
  for (let i = 0; i < 16; i += 2) {
    if (i === e0) {
      out += '::';
      i = e1;
      if (i >= 16) break;
    } else if (i > 0) {
      out += ':';
    }
    out += ((ip[i] << 8) | ip[i + 1]).toString(16);
  }
  return out;
}

export interface ParsedCIDR {
  /** The full address as written (16 bytes). */
  ip: Uint8Array;
  /** The network address (4 bytes for IPv4, 16 for IPv6), host bits cleared. */
  network: Uint8Array;
  /** Prefix length. */
  ones: number;
  /** Total address bits of the mask (32 or 128). */
  bits: number;
}

/** Parse a CIDR the historic, lenient way. */
export function parseCIDRSloppy(s: string): ParsedCIDR | undefined {
  const slash = s.indexOf('/');
  if (slash < 0) return undefined;
  const addr = s.slice(0, slash);
  const mask = s.slice(slash + 1);
  let iplen = 4;
  let ip = parseIPv4(addr);
  if (!ip) {
    iplen = 16;
    ip = parseIPv6(addr);
  }
  const m = dtoi(mask);
  if (!ip || !m || m.i !== mask.length || m.n > 8 * iplen) return undefined;
  const src = iplen === 4 ? ip.subarray(12) : ip;
  const network = new Uint8Array(iplen);
  for (let b = 0; b < iplen; b++) {
    const keep = Math.max(0, Math.min(8, m.n - b * 8));
    network[b] = src[b] & ((0xff << (8 - keep)) & 0xff);
  }
  return { ip, network, ones: m.n, bits: iplen * 8 };
}

/** Go `net.IPNet.String()` for a parsed CIDR. */
export function formatCIDR(c: ParsedCIDR): string {
  let ones = c.ones;
  let net = c.network;
  if (net.length === 16 && isV4InV6(net)) {
    net = net.subarray(12);
    ones -= 96;
  }
  return formatIP(net) + '/' + ones;
}
