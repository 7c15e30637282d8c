// Validation of spec.clusterIP / clusterIPs / ipFamilies / ipFamilyPolicy
// (upstream ValidateServiceClusterIPsRelatedFields), run for every type but
// ExternalName. Values that the allocator will fill in may still be empty
// here: in k8ts, validation runs before the ServiceAllocation admission.
import { isIPv6 } from 'node:net';
import type { Service } from '@k8ts/api';
import { type FieldError, duplicate, invalid, isValidIPForLegacyField, notSupported, path, required } from '@k8ts/apimachinery';
import { CLUSTER_IP_NONE, IP_FAMILIES, IP_FAMILY_POLICIES, isHeadless } from './service-helpers';

export function validateClusterIPFields(svc: Service): FieldError[] {
  const spec = svc.spec ?? {};
  if (spec.type === 'ExternalName') return [];
  const errs: FieldError[] = [];
  const ipsPath = path('spec', 'clusterIPs');
  const familiesPath = path('spec', 'ipFamilies');
  const ips = spec.clusterIPs ?? [];

  // clusterIP and clusterIPs[0] must agree (prepareForCreate/Update sync them).
  if (spec.clusterIP) {
    if (ips.length === 0) errs.push(required(ipsPath));
    else if (ips[0] !== spec.clusterIP) errs.push(invalid(ipsPath, ips, 'first value must match `clusterIP`'));
  } else if (ips.length > 0) {
    errs.push(invalid(ipsPath, ips, 'must be empty when `clusterIP` is not specified'));
  }

  const families = spec.ipFamilies ?? [];
  const seen = new Set<string>();
  families.forEach((family, i) => {
    if (!IP_FAMILIES.includes(family)) errs.push(notSupported(familiesPath.index(i), family, IP_FAMILIES));
    if (seen.has(family)) errs.push(duplicate(familiesPath.index(i), family));
    seen.add(family);
  });

  if (spec.ipFamilyPolicy !== undefined && !IP_FAMILY_POLICIES.includes(spec.ipFamilyPolicy)) {
    errs.push(notSupported(path('spec', 'ipFamilyPolicy'), spec.ipFamilyPolicy, IP_FAMILY_POLICIES));
  }

  let badIps = false;
  ips.forEach((ip, i) => {
    if (i === 0 && ip === CLUSTER_IP_NONE) {
      if (ips.length > 1) {
        badIps = true;
        errs.push(invalid(ipsPath, ips, "'None' must be the first and only value"));
      }
      return;
    }
    const ipErrs = isValidIPForLegacyField(ipsPath.index(i), ip, true);
    if (ipErrs.length > 0) badIps = true;
    errs.push(...ipErrs);
  });
  if (ips.length > 2) errs.push(invalid(ipsPath, ips, 'may only hold up to 2 values'));
  // Further checks would only repeat the problem in other words.
  if (badIps) return errs;

  if (ips.length > 1 && isIPv6(ips[0]) === isIPv6(ips[1])) {
    errs.push(invalid(ipsPath, ips, 'may specify no more than one IP for each IP family'));
  }

  if (!isHeadless(svc)) {
    ips.forEach((ip, i) => {
      if (i >= families.length) return;
      if (families[i] === 'IPv4' && isIPv6(ip)) {
        errs.push(invalid(ipsPath.index(i), ip, `expected an IPv4 value as indicated by \`ipFamilies[${i}]\``));
      }
      if (families[i] === 'IPv6' && !isIPv6(ip)) {
        errs.push(invalid(ipsPath.index(i), ip, `expected an IPv6 value as indicated by \`ipFamilies[${i}]\``));
      }
    });
  }
  return errs;
}
