// Service spec validation (upstream ValidateService, minus ObjectMeta which
// the generic store checks). Expects a prepared and defaulted object.
//
// Fields the allocator fills in (clusterIP(s), nodePort, healthCheckNodePort)
// can still be empty here, because k8ts allocates in admission after
// validation; so they are checked when present but never required.
import type { Service } from '@k8ts/api';
import {
  type FieldError,
  forbidden,
  invalid,
  isDNS1123Subdomain,
  isQualifiedName,
  isValidCIDRForLegacyField,
  isValidIPForLegacyField,
  isValidPortNum,
  notSupported,
  path,
  required,
  validateLabels,
} from '@k8ts/apimachinery';
import { validateNonSpecialIP } from '../endpoints/special-ips';
import {
  MAX_CLIENT_IP_TIMEOUT_SECONDS,
  SERVICE_TYPES,
  SESSION_AFFINITIES,
  TRAFFIC_DISTRIBUTIONS,
  TRAFFIC_POLICIES,
  externallyAccessible,
  isHeadless,
  needsHealthCheck,
} from './service-helpers';
import { validateClusterIPFields } from './validate-cluster-ips';
import { validateServicePorts } from './validate-ports';

const specPath = path('spec');

export function validateServiceSpec(svc: Service): FieldError[] {
  const spec = svc.spec ?? {};
  const type = spec.type ?? '';
  const errs: FieldError[] = [];

  if ((spec.ports ?? []).length === 0 && !isHeadless(svc) && type !== 'ExternalName') {
    errs.push(required(specPath.child('ports')));
  }

  switch (type) {
    case 'LoadBalancer':
    case 'NodePort':
      if (isHeadless(svc)) {
        errs.push(invalid(specPath.child('clusterIPs').index(0), 'None', `may not be set to 'None' for ${type} services`));
      }
      break;
    case 'ExternalName':
      errs.push(...validateExternalName(svc));
      break;
  }

  errs.push(...validateServicePorts(svc, specPath.child('ports')));
  if (spec.selector) errs.push(...validateLabels(spec.selector, specPath.child('selector')));
  errs.push(...validateSessionAffinity(svc));
  errs.push(...validateClusterIPFields(svc));

  (spec.externalIPs ?? []).forEach((ip, i) => {
    const p = specPath.child('externalIPs').index(i);
    const ipErrs = isValidIPForLegacyField(p, ip, true);
    errs.push(...(ipErrs.length > 0 ? ipErrs : validateNonSpecialIP(ip, p)));
  });

  if (!type) errs.push(required(specPath.child('type')));
  else if (!SERVICE_TYPES.includes(type)) errs.push(notSupported(specPath.child('type'), type, SERVICE_TYPES));

  if ((spec.loadBalancerSourceRanges ?? []).length > 0) {
    // Upstream reports this under "spec.LoadBalancerSourceRanges"; k8ts uses the JSON name.
    const p = specPath.child('loadBalancerSourceRanges');
    if (type !== 'LoadBalancer') errs.push(forbidden(p, "may only be used when `type` is 'LoadBalancer'"));
    // Historically the values may be padded with spaces.
    (spec.loadBalancerSourceRanges ?? []).forEach((cidr, i) => errs.push(...isValidCIDRForLegacyField(p.index(i), cidr.trim(), true)));
  }

  if (spec.allocateLoadBalancerNodePorts !== undefined && type !== 'LoadBalancer') {
    errs.push(forbidden(specPath.child('allocateLoadBalancerNodePorts'), "may only be used when `type` is 'LoadBalancer'"));
  }
  if (type === 'LoadBalancer' && spec.allocateLoadBalancerNodePorts === undefined) {
    errs.push(required(specPath.child('allocateLoadBalancerNodePorts')));
  }

  if (spec.loadBalancerClass !== undefined) {
    const p = specPath.child('loadBalancerClass');
    if (type !== 'LoadBalancer') errs.push(forbidden(p, "may only be used when `type` is 'LoadBalancer'"));
    else for (const msg of isQualifiedName(spec.loadBalancerClass)) errs.push(invalid(p, spec.loadBalancerClass, msg));
  }

  errs.push(...validateTrafficPolicies(svc));

  if (spec.publishNotReadyAddresses !== undefined && typeof spec.publishNotReadyAddresses !== 'boolean') {
    errs.push(invalid(specPath.child('publishNotReadyAddresses'), spec.publishNotReadyAddresses, 'must be a boolean'));
  }
  return errs;
}

function validateExternalName(svc: Service): FieldError[] {
  const spec = svc.spec ?? {};
  const errs: FieldError[] = [];
  if ((spec.clusterIPs ?? []).length > 0) errs.push(forbidden(specPath.child('clusterIPs'), 'may not be set for ExternalName services'));
  else if (spec.clusterIP) errs.push(forbidden(specPath.child('clusterIP'), 'may not be set for ExternalName services'));
  if ((spec.ipFamilies ?? []).length > 0) errs.push(forbidden(specPath.child('ipFamilies'), 'may not be set for ExternalName services'));
  if (spec.ipFamilyPolicy !== undefined) errs.push(forbidden(specPath.child('ipFamilyPolicy'), 'may not be set for ExternalName services'));
  // A CNAME may end in a dot to mark it fully qualified.
  const cname = (spec.externalName ?? '').replace(/\.$/, '');
  if (!cname) errs.push(required(specPath.child('externalName')));
  else for (const msg of isDNS1123Subdomain(cname)) errs.push(invalid(specPath.child('externalName'), cname, msg));
  return errs;
}

function validateSessionAffinity(svc: Service): FieldError[] {
  const spec = svc.spec ?? {};
  const affinity = spec.sessionAffinity ?? '';
  const p = specPath.child('sessionAffinityConfig');
  if (!affinity) return [required(specPath.child('sessionAffinity'))];
  if (!SESSION_AFFINITIES.includes(affinity)) return [notSupported(specPath.child('sessionAffinity'), affinity, SESSION_AFFINITIES)];
  if (affinity === 'None') {
    return spec.sessionAffinityConfig ? [forbidden(p, 'must not be set when session affinity is None')] : [];
  }
  const why = 'when session affinity type is ClientIP';
  if (!spec.sessionAffinityConfig) return [required(p, why)];
  if (!spec.sessionAffinityConfig.clientIP) return [required(p.child('clientIP'), why)];
  const timeout = spec.sessionAffinityConfig.clientIP.timeoutSeconds;
  const tp = p.child('clientIP', 'timeoutSeconds');
  if (timeout === undefined) return [required(tp, why)];
  if (!(timeout > 0 && timeout <= MAX_CLIENT_IP_TIMEOUT_SECONDS)) {
    return [invalid(tp, timeout, `must be greater than 0 and less than ${MAX_CLIENT_IP_TIMEOUT_SECONDS}`)];
  }
  return [];
}

function validateTrafficPolicies(svc: Service): FieldError[] {
  const spec = svc.spec ?? {};
  const errs: FieldError[] = [];
  const etp = spec.externalTrafficPolicy ?? '';
  const etpPath = specPath.child('externalTrafficPolicy');
  if (!externallyAccessible(svc)) {
    if (etp) errs.push(invalid(etpPath, etp, 'may only be set for externally-accessible services'));
  } else if (!etp) {
    errs.push(required(etpPath));
  } else if (!TRAFFIC_POLICIES.includes(etp)) {
    errs.push(notSupported(etpPath, etp, TRAFFIC_POLICIES));
  }

  // healthCheckNodePort is allocated after validation in k8ts, so it is only
  // range-checked here, never required.
  const hc = spec.healthCheckNodePort ?? 0;
  const hcPath = specPath.child('healthCheckNodePort');
  if (!needsHealthCheck(svc)) {
    if (hc !== 0) errs.push(invalid(hcPath, hc, "may only be set when `type` is 'LoadBalancer' and `externalTrafficPolicy` is 'Local'"));
  } else if (hc !== 0) {
    for (const msg of isValidPortNum(hc)) errs.push(invalid(hcPath, hc, msg));
  }

  const itp = spec.internalTrafficPolicy;
  const itpPath = specPath.child('internalTrafficPolicy');
  if (itp === undefined) {
    if (spec.type === 'ClusterIP' || spec.type === 'NodePort' || spec.type === 'LoadBalancer') errs.push(required(itpPath));
  } else if (!TRAFFIC_POLICIES.includes(itp)) {
    errs.push(notSupported(itpPath, itp, TRAFFIC_POLICIES));
  }

  if (spec.trafficDistribution !== undefined && !TRAFFIC_DISTRIBUTIONS.includes(spec.trafficDistribution)) {
    errs.push(notSupported(specPath.child('trafficDistribution'), spec.trafficDistribution, TRAFFIC_DISTRIBUTIONS));
  }
  return errs;
}
