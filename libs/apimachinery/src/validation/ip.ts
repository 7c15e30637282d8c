import { goQuote } from '../util/go-compat';
import { FieldError, invalid, withOrigin } from './field-error';
import { FieldPathLike } from './field-path';
import { formatCIDR, formatIP, isStrictIPSyntax, isV4InV6, parseCIDRSloppy, parseIPSloppy } from './ip-parse';

/** IP address and CIDR checks returning field errors. */

function ipErrors(p: FieldPathLike, value: string, strict: boolean): { ip?: Uint8Array; errs: FieldError[] } {
  const ip = parseIPSloppy(value);
  if (!ip) return { errs: [invalid(p, value, 'must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)')] };
  const errs: FieldError[] = [];
  if (strict) {
    if (!isStrictIPSyntax(value)) errs.push(invalid(p, value, 'must not have leading 0s'));
    if (value.includes(':') && isV4InV6(ip)) errs.push(invalid(p, value, 'must not be an IPv4-mapped IPv6 address'));
  }
  return { ip, errs };
}

/** A valid IP in canonical form (`10.9.8.7`, `2001:db8::ffff`): no leading zeros, no IPv4-mapped IPv6. */
export function isValidIP(p: FieldPathLike, value: string): FieldError[] {
  const { ip, errs } = ipErrors(p, value, true);
  if (errs.length === 0 && ip) {
    const canonical = formatIP(ip);
    if (value !== canonical) errs.push(invalid(p, value, `must be in canonical form (${goQuote(canonical)})`));
  }
  return withOrigin(errs, 'format=ip-strict');
}

/**
 * IP check for fields that predate strict validation: non-canonical forms
 * are accepted, and with `strictValidation` false so are leading zeros and
 * IPv4-mapped IPv6. Values listed in `validOldIPs` always pass.
 */
export function isValidIPForLegacyField(
  p: FieldPathLike,
  value: string,
  strictValidation: boolean,
  validOldIPs: readonly string[] = [],
): FieldError[] {
  if (validOldIPs.includes(value)) return [];
  return withOrigin(ipErrors(p, value, strictValidation).errs, 'format=ip-sloppy');
}

function cidrErrors(p: FieldPathLike, value: string, strict: boolean) {
  const cidr = parseCIDRSloppy(value);
  if (!cidr) return { errs: [invalid(p, value, 'must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)')] };
  const errs: FieldError[] = [];
  if (strict) {
    const slash = value.indexOf('/');
    const bits = value.slice(slash + 1);
    const addr = value.slice(0, slash);
    if (!isStrictIPSyntax(addr) || (bits.length > 1 && bits[0] === '0')) {
      errs.push(invalid(p, value, 'must not have leading 0s in IP or prefix length'));
    } else if (addr.includes(':') && isV4InV6(cidr.ip)) {
      errs.push(invalid(p, value, 'must not have an IPv4-mapped IPv6 address'));
    } else {
      const src = cidr.bits === 32 ? cidr.ip.subarray(12) : cidr.ip;
      if (src.some((b, i) => b !== cidr.network[i])) {
        errs.push(invalid(p, value, 'must not have bits set beyond the prefix length'));
      }
    }
  }
  return { cidr, errs };
}

/** A valid "subnet" CIDR in canonical form (`192.168.1.0/24`, no host bits set). */
export function isValidCIDR(p: FieldPathLike, value: string): FieldError[] {
  const { cidr, errs } = cidrErrors(p, value, true);
  if (errs.length === 0 && cidr) {
    const canonical = formatCIDR(cidr);
    if (value !== canonical) errs.push(invalid(p, value, `must be in canonical form (${goQuote(canonical)})`));
  }
  return errs;
}

/** CIDR check for fields that predate strict validation (see {@link isValidIPForLegacyField}). */
export function isValidCIDRForLegacyField(
  p: FieldPathLike,
  value: string,
  strictValidation: boolean,
  validOldCIDRs: readonly string[] = [],
): FieldError[] {
  if (validOldCIDRs.includes(value)) return [];
  return cidrErrors(p, value, strictValidation).errs;
}

/** An "interface address" CIDR in canonical form (`192.168.1.5/24`: full address plus prefix length). */
export function isValidInterfaceAddress(p: FieldPathLike, value: string): FieldError[] {
  const cidr = parseCIDRSloppy(value);
  if (!cidr) return [invalid(p, value, 'must be a valid address in CIDR form, (e.g. 10.9.8.7/24 or 2001:db8::1/64)')];
  let ones = cidr.ones;
  if (isV4InV6(cidr.ip) && ones > 32) ones -= 96;
  const canonical = `${formatIP(cidr.ip)}/${ones}`;
  if (value !== canonical) return [invalid(p, value, `must be in canonical form (${goQuote(canonical)})`)];
  return [];
}
