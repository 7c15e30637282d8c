// Service status validation (upstream ValidateLoadBalancerStatus): only a
// LoadBalancer reports ingress points, each with a valid IP (and ipMode)
// and/or a DNS hostname that is not an IP.
import { isIP } from 'node:net';
import type { Service } from '@k8ts/api';
import {
  type FieldError,
  forbidden,
  invalid,
  isDNS1123Subdomain,
  isValidIPForLegacyField,
  notSupported,
  path,
  required,
} from '@k8ts/apimachinery';
import { LOAD_BALANCER_IP_MODES } from './service-helpers';

export function validateServiceStatus(svc: Service): FieldError[] {
  const ingresses = svc.status?.loadBalancer?.ingress ?? [];
  const ingressPath = path('status', 'loadBalancer', 'ingress');
  if (ingresses.length === 0) return [];
  if (svc.spec?.type !== 'LoadBalancer') return [forbidden(ingressPath, "may only be used when `spec.type` is 'LoadBalancer'")];
  const errs: FieldError[] = [];
  ingresses.forEach((ingress, i) => {
    const p = ingressPath.index(i);
    const ip = ingress.ip ?? '';
    if (ip) errs.push(...isValidIPForLegacyField(p.child('ip'), ip, true));
    if (ingress.ipMode === undefined) {
      if (ip) errs.push(required(p.child('ipMode'), 'must be specified when `ip` is set'));
    } else if (!ip) {
      errs.push(forbidden(p.child('ipMode'), 'may not be specified when `ip` is not set'));
    } else if (!LOAD_BALANCER_IP_MODES.includes(ingress.ipMode)) {
      errs.push(notSupported(p.child('ipMode'), ingress.ipMode, LOAD_BALANCER_IP_MODES));
    }
    const hostname = ingress.hostname ?? '';
    if (hostname) {
      for (const msg of isDNS1123Subdomain(hostname)) errs.push(invalid(p.child('hostname'), hostname, msg));
      if (isIP(hostname) !== 0) errs.push(invalid(p.child('hostname'), hostname, 'must be a DNS name, not an IP address'));
    }
  });
  return errs;
}
