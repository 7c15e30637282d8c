// Name helpers of the cluster zone: dashed IP labels (a-b-c-d), reverse
// lookup names (in-addr.arpa, ip6.arpa) and label splitting. All
// comparisons are case-insensitive (the spec), so names are lower-cased
// before matching.
import { isIPv4, isIPv6 } from 'node:net';

/** Lower-cased name without the trailing dot. */
export function canonicalName(name: string): string {
  return name.toLowerCase().replace(/\.$/, '');
}

/**
 * The labels of `name` left of `zone` ([] for the apex), or undefined when
 * the name is not in the zone. Both must be canonical.
 */
export function labelsInZone(name: string, zone: string): string[] | undefined {
  if (name === zone) return [];
  if (!name.endsWith('.' + zone)) return undefined;
  const prefix = name.slice(0, name.length - zone.length - 1);
  return prefix === '' ? undefined : prefix.split('.');
}

/** 10.1.2.3 → 10-1-2-3; 2001:db8::1 → 2001-db8--1 (CoreDNS form). */
export function dashedIP(ip: string): string {
  return ip.replace(/[.:]/g, '-');
}

/** 10-1-2-3 → 10.1.2.3, or undefined when the label is not a dashed IP. */
export function parseDashedIP(label: string): string | undefined {
  const v4 = label.replace(/-/g, '.');
  if (isIPv4(v4)) return v4;
  const v6 = label.replace(/-/g, ':');
  if (isIPv6(v6)) return v6;
  return undefined;
}

export const REVERSE_V4_ZONE = 'in-addr.arpa';
export const REVERSE_V6_ZONE = 'ip6.arpa';

/** The IP a reverse name stands for (labels left of in-addr.arpa / ip6.arpa), or undefined when incomplete. */
export function parseReverseLabels(labels: string[], zone: string): string | undefined {
  if (zone === REVERSE_V4_ZONE) {
    if (labels.length !== 4) return undefined;
    const ip = [...labels].reverse().join('.');
    return isIPv4(ip) && labels.every((l) => String(Number(l)) === l) ? ip : undefined;
  }
  if (labels.length !== 32 || !labels.every((l) => /^[0-9a-f]$/.test(l))) return undefined;
  const nibbles = [...labels].reverse().join('');
  const groups = nibbles.match(/.{4}/g) ?? [];
  return normalizeIP(groups.join(':'));
}

/** The reverse lookup name of an IP (without trailing dot). */
export function reverseName(ip: string): string {
  if (isIPv4(ip)) return `${ip.split('.').reverse().join('.')}.${REVERSE_V4_ZONE}`;
  const full = expandIPv6(ip);
  return `${full.replace(/:/g, '').split('').reverse().join('.')}.${REVERSE_V6_ZONE}`;
}

function expandIPv6(ip: string): string {
  const [head, tail] = ip.includes('::') ? ip.split('::') : [ip, undefined];
  const h = head ? head.split(':') : [];
  const t = tail !== undefined && tail !== '' ? tail.split(':') : [];
  const missing = 8 - h.length - t.length;
  const groups = tail === undefined ? h : [...h, ...Array<string>(missing).fill('0'), ...t];
  return groups.map((g) => g.padStart(4, '0')).join(':');
}

/** Canonical text form of an IP (IPv6 compressed and lower-case), or undefined. */
export function normalizeIP(ip: string): string | undefined {
  if (isIPv4(ip)) return ip;
  if (!isIPv6(ip)) return undefined;
  return new URL(`http://[${ip}]/`).hostname.slice(1, -1);
}

export function isV6(ip: string): boolean {
  return ip.includes(':');
}
