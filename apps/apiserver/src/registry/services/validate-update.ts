// What a Service update may not change (upstream ValidateServiceUpdate):
// the primary cluster IP and IP family once set (except across a change to
// or from ExternalName), the load-balancer class of a LoadBalancer, and an
// allocated health-check node port.
import type { Service } from '@k8ts/api';
import { type FieldError, forbidden, invalid, path } from '@k8ts/apimachinery';
import { isHeadless, needsHealthCheck } from './service-helpers';

const MAY_NOT_CHANGE = 'may not change once set';

export function validateServiceSpecUpdate(svc: Service, old: Service): FieldError[] {
  return [
    ...validateClusterIPsUpdate(svc, old),
    ...validateIPFamiliesUpdate(svc, old),
    ...validateLoadBalancerClassUpdate(svc, old),
    ...validateHealthCheckNodePortUpdate(svc, old),
  ];
}

function involvesExternalName(svc: Service, old: Service): boolean {
  return svc.spec?.type === 'ExternalName' || old.spec?.type === 'ExternalName';
}

function validateClusterIPsUpdate(svc: Service, old: Service): FieldError[] {
  if (involvesExternalName(svc, old)) return [];
  if (isHeadless(old) && isHeadless(svc)) return [];
  const ips = svc.spec?.clusterIPs ?? [];
  const oldIps = old.spec?.clusterIPs ?? [];
  const ipsPath = path('spec', 'clusterIPs');
  const errs: FieldError[] = [];

  if (oldIps.length === 0) {
    // Stored before clusterIPs existed: the singular field is what was allocated.
    const oldIp = old.spec?.clusterIP ?? '';
    if (oldIp && (svc.spec?.clusterIP ?? '') !== oldIp) errs.push(invalid(path('spec', 'clusterIP'), svc.spec?.clusterIP ?? '', MAY_NOT_CHANGE));
    return errs;
  }
  if (ips.length === oldIps.length) {
    oldIps.forEach((ip, i) => {
      if (ip !== ips[i]) errs.push(invalid(ipsPath.index(i), ips, MAY_NOT_CHANGE));
    });
  } else if (ips.length < oldIps.length) {
    // Downgrade: the secondary IP may go, the primary may not.
    if (ips.length === 0) errs.push(invalid(ipsPath.index(0), ips, 'primary clusterIP can not be unset'));
    else if (ips[0] !== oldIps[0]) errs.push(invalid(ipsPath.index(0), ips, MAY_NOT_CHANGE));
    if (ips.length === 1 && svc.spec?.ipFamilyPolicy !== 'SingleStack') {
      errs.push(
        invalid(path('spec', 'ipFamilyPolicy'), svc.spec?.ipFamilyPolicy ?? null, "must be set to 'SingleStack' when releasing the secondary clusterIP"),
      );
    }
  } else if (ips[0] !== oldIps[0]) {
    // Upgrade: a secondary IP may be added, the primary stays.
    errs.push(invalid(ipsPath.index(0), ips, MAY_NOT_CHANGE));
  }
  return errs;
}

function validateIPFamiliesUpdate(svc: Service, old: Service): FieldError[] {
  if (involvesExternalName(svc, old)) return [];
  // Headless services may change families, and so may a change to or from headless.
  if (isHeadless(svc) || isHeadless(old)) return [];
  const families = svc.spec?.ipFamilies ?? [];
  const oldFamilies = old.spec?.ipFamilies ?? [];
  const p = path('spec', 'ipFamilies').index(0);
  const errs: FieldError[] = [];
  if (families.length === oldFamilies.length) {
    if (oldFamilies.some((f, i) => f !== families[i])) errs.push(invalid(p, families, MAY_NOT_CHANGE));
  } else if (families.length < oldFamilies.length) {
    if ((svc.spec?.clusterIPs ?? []).length === 0) errs.push(invalid(p, families, 'primary ipFamily can not be unset'));
    if (families.length > 0 && families[0] !== oldFamilies[0]) errs.push(invalid(p, families, MAY_NOT_CHANGE));
    if (families.length === 1 && svc.spec?.ipFamilyPolicy !== 'SingleStack') {
      errs.push(
        invalid(path('spec', 'ipFamilyPolicy'), svc.spec?.ipFamilyPolicy ?? null, "must be set to 'SingleStack' when releasing the secondary ipFamily"),
      );
    }
  } else if (oldFamilies.length > 0 && families[0] !== oldFamilies[0]) {
    errs.push(invalid(p, families, MAY_NOT_CHANGE));
  }
  return errs;
}

function validateLoadBalancerClassUpdate(svc: Service, old: Service): FieldError[] {
  if (svc.spec?.type !== 'LoadBalancer' || old.spec?.type !== 'LoadBalancer') return [];
  if ((svc.spec?.loadBalancerClass ?? null) === (old.spec?.loadBalancerClass ?? null)) return [];
  return [invalid(path('spec', 'loadBalancerClass'), svc.spec?.loadBalancerClass ?? null, MAY_NOT_CHANGE)];
}

function validateHealthCheckNodePortUpdate(svc: Service, old: Service): FieldError[] {
  if (!needsHealthCheck(old) || !needsHealthCheck(svc)) return [];
  if ((svc.spec?.healthCheckNodePort ?? 0) === (old.spec?.healthCheckNodePort ?? 0)) return [];
  return [forbidden(path('spec', 'healthCheckNodePort'), 'field is immutable')];
}
