// Rejects IPs that cannot be a service backend or an external IP:
// unspecified, loopback, link-local and link-local multicast addresses
// (upstream ValidateNonSpecialIP).
//
// k8ts deviation: pods run on the host and get 127.0.0.0/8 addresses, so
// Endpoints and EndpointSlices must accept loopback IPs; they call this with
// `allowLoopback`. Service externalIPs keep the upstream rule.
import { BlockList, isIP } from 'node:net';
import { type FieldError, type FieldPath, invalid } from '@k8ts/apimachinery';

function blockList(entries: [string, number, 'ipv4' | 'ipv6'][]): BlockList {
  const list = new BlockList();
  for (const [net, prefix, family] of entries) list.addSubnet(net, prefix, family);
  return list;
}

const UNSPECIFIED = blockList([
  ['0.0.0.0', 32, 'ipv4'],
  ['::', 128, 'ipv6'],
]);
const LOOPBACK = blockList([
  ['127.0.0.0', 8, 'ipv4'],
  ['::1', 128, 'ipv6'],
]);
const LINK_LOCAL = blockList([
  ['169.254.0.0', 16, 'ipv4'],
  ['fe80::', 10, 'ipv6'],
]);
// ff02::/16 with any flag nibble (ff02, ff12, ... ff f2), as Go's IsLinkLocalMulticast.
const LINK_LOCAL_MULTICAST = blockList([
  ['224.0.0.0', 24, 'ipv4'],
  ...Array.from({ length: 16 }, (_, flags): [string, number, 'ipv6'] => [`ff${flags.toString(16)}2::`, 16, 'ipv6']),
]);

export interface NonSpecialIPOptions {
  /** Accept 127.0.0.0/8 and ::1 (k8ts pod IPs). */
  allowLoopback?: boolean;
}

export function validateNonSpecialIP(ip: string, p: FieldPath, opts: NonSpecialIPOptions = {}): FieldError[] {
  const version = isIP(ip);
  if (version === 0) return [invalid(p, ip, 'must be a valid IP address')];
  const family = version === 4 ? 'ipv4' : 'ipv6';
  const errs: FieldError[] = [];
  if (UNSPECIFIED.check(ip, family)) errs.push(invalid(p, ip, `may not be unspecified (${ip})`));
  if (!opts.allowLoopback && LOOPBACK.check(ip, family)) {
    errs.push(invalid(p, ip, 'may not be in the loopback range (127.0.0.0/8, ::1/128)'));
  }
  if (LINK_LOCAL.check(ip, family)) errs.push(invalid(p, ip, 'may not be in the link-local range (169.254.0.0/16, fe80::/10)'));
  if (LINK_LOCAL_MULTICAST.check(ip, family)) {
    errs.push(invalid(p, ip, 'may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)'));
  }
  return errs;
}
