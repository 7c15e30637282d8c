// Endpoints validation (upstream validateEndpointSubsets). Each subset needs
// at least one address; addresses are IPs a service can route to, ports are
// 1-65535 with a protocol, and named when there are several.
//
// k8ts deviations: loopback addresses are accepted (pods get 127.0.0.0/8
// IPs, see special-ips.ts), and port names must also be unique within a
// subset (upstream only requires them).
import { validateNamedPort } from '../generic/port-validation';
import type { EndpointAddress, EndpointPort, Endpoints } from '@k8ts/api';
import {
  type FieldError,
  type FieldPath,
  invalid,
  isDNS1123Label,
  isDNS1123Subdomain,
  isQualifiedName,
  isValidIPForLegacyField,
  path,
  required,
} from '@k8ts/apimachinery';
import { validateNonSpecialIP } from './special-ips';

export const ENDPOINT_PORT_PROTOCOLS = ['SCTP', 'TCP', 'UDP'];

export function validateEndpoints(ep: Endpoints): FieldError[] {
  const errs: FieldError[] = [];
  (ep.subsets ?? []).forEach((subset, i) => {
    const p = path('subsets').index(i);
    if ((subset.addresses ?? []).length === 0 && (subset.notReadyAddresses ?? []).length === 0) {
      errs.push(required(p, 'must specify `addresses` or `notReadyAddresses`'));
    }
    (subset.addresses ?? []).forEach((a, j) => errs.push(...validateEndpointAddress(a, p.child('addresses').index(j))));
    (subset.notReadyAddresses ?? []).forEach((a, j) => errs.push(...validateEndpointAddress(a, p.child('notReadyAddresses').index(j))));
    const ports = subset.ports ?? [];
    const names = new Set<string>();
    ports.forEach((port, j) => errs.push(...validateEndpointPort(port, ports.length > 1, names, p.child('ports').index(j))));
  });
  return errs;
}

function validateEndpointAddress(address: EndpointAddress, p: FieldPath): FieldError[] {
  const ip = address.ip ?? '';
  const ipErrs = isValidIPForLegacyField(p.child('ip'), ip, true);
  const errs = [...ipErrs];
  if (address.hostname) {
    for (const msg of isDNS1123Label(address.hostname)) errs.push(invalid(p.child('hostname'), address.hostname, msg));
  }
  if (address.nodeName !== undefined) {
    for (const msg of isDNS1123Subdomain(address.nodeName)) errs.push(invalid(p.child('nodeName'), address.nodeName, msg));
  }
  if (ipErrs.length === 0) errs.push(...validateNonSpecialIP(ip, p.child('ip'), { allowLoopback: true }));
  return errs;
}

function validateEndpointPort(port: EndpointPort, requireName: boolean, names: Set<string>, p: FieldPath): FieldError[] {
  const errs = validateNamedPort(port, requireName, names, ENDPOINT_PORT_PROTOCOLS, p);
  if (port.appProtocol !== undefined) {
    for (const msg of isQualifiedName(port.appProtocol)) errs.push(invalid(p.child('appProtocol'), port.appProtocol, msg));
  }
  return errs;
}
