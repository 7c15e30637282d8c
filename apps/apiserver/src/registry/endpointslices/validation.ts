// EndpointSlice validation (upstream pkg/apis/discovery/validation): an
// address type, at most 1000 endpoints of 1-100 addresses each (valid for
// the type), and at most 100 uniquely named ports.
//
// k8ts deviation: IPv4/IPv6 addresses may be loopback, since pods get
// 127.0.0.0/8 IPs (see ../endpoints/special-ips.ts).
import { isIPv4, isIPv6 } from 'node:net';
import type { DiscoveryEndpointPort, Endpoint, EndpointSlice } from '@k8ts/api';
import {
  type FieldError,
  type FieldPath,
  duplicate,
  invalid,
  isDNS1123Label,
  isDNS1123Subdomain,
  isFullyQualifiedDomainName,
  isQualifiedName,
  isValidIPForLegacyField,
  isValidLabelValue,
  isValidPortNum,
  notSupported,
  path,
  required,
  tooMany,
  validateLabels,
} from '@k8ts/apimachinery';
import { validateNonSpecialIP } from '../endpoints/special-ips';

export const ADDRESS_TYPES = ['FQDN', 'IPv4', 'IPv6'];
/** "IP" was replaced by IPv4/IPv6; stored slices may still carry it. */
const DEPRECATED_ADDRESS_TYPES = ['IP'];
const PORT_PROTOCOLS = ['SCTP', 'TCP', 'UDP'];

export const MAX_ENDPOINTS = 1000;
export const MAX_ADDRESSES = 100;
export const MAX_PORTS = 100;
const MAX_TOPOLOGY_LABELS = 16;
const MAX_HINTS = 8;

export function validateEndpointSlice(slice: EndpointSlice, allowDeprecatedTypes = false): FieldError[] {
  const valid = allowDeprecatedTypes ? [...ADDRESS_TYPES, ...DEPRECATED_ADDRESS_TYPES].sort() : ADDRESS_TYPES;
  const addressType = slice.addressType ?? '';
  const errs: FieldError[] = [];
  if (!addressType) errs.push(required(path('addressType')));
  else if (!valid.includes(addressType)) errs.push(notSupported(path('addressType'), addressType, valid));
  errs.push(...validateEndpointList(slice.endpoints ?? [], addressType));
  errs.push(...validatePorts(slice.ports ?? []));
  return errs;
}

function validateEndpointList(endpoints: Endpoint[], addressType: string): FieldError[] {
  const p = path('endpoints');
  if (endpoints.length > MAX_ENDPOINTS) return [tooMany(p, endpoints.length, MAX_ENDPOINTS)];
  return endpoints.flatMap((ep, i) => validateEndpoint(ep, addressType, p.index(i)));
}

function validateEndpoint(ep: Endpoint, addressType: string, p: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const addresses = ep.addresses ?? [];
  const addrPath = p.child('addresses');
  if (addresses.length === 0) errs.push(required(addrPath, 'must contain at least 1 address'));
  else if (addresses.length > MAX_ADDRESSES) errs.push(tooMany(addrPath, addresses.length, MAX_ADDRESSES));
  addresses.forEach((address, i) => errs.push(...validateAddress(address, addressType, addrPath.index(i))));

  for (const key of ['ready', 'serving', 'terminating'] as const) {
    const v = ep.conditions?.[key];
    if (v !== undefined && typeof v !== 'boolean') errs.push(invalid(p.child('conditions', key), v, 'must be a boolean'));
  }

  const topology = ep.deprecatedTopology ?? {};
  const topologyPath = p.child('deprecatedTopology');
  if (Object.keys(topology).length > MAX_TOPOLOGY_LABELS) errs.push(tooMany(topologyPath, Object.keys(topology).length, MAX_TOPOLOGY_LABELS));
  errs.push(...validateLabels(topology, topologyPath));

  if (ep.hostname !== undefined) {
    for (const msg of isDNS1123Label(ep.hostname)) errs.push(invalid(p.child('hostname'), ep.hostname, msg));
  }
  if (ep.nodeName !== undefined) {
    for (const msg of isDNS1123Subdomain(ep.nodeName)) errs.push(invalid(p.child('nodeName'), ep.nodeName, msg));
  }
  if (ep.hints) errs.push(...validateHints(ep, p.child('hints')));
  return errs;
}

function validateAddress(address: string, addressType: string, p: FieldPath): FieldError[] {
  switch (addressType) {
    case 'IPv4':
      if (!isIPv4(address)) return [invalid(p, address, 'must be a valid IPv4 address')];
      return validateNonSpecialIP(address, p, { allowLoopback: true });
    case 'IPv6':
      // An IPv4-mapped IPv6 address counts as IPv4, as in Go.
      if (!isIPv6(address) || /^::ffff:[\d.]+$/i.test(address)) return [invalid(p, address, 'must be a valid IPv6 address')];
      return validateNonSpecialIP(address, p, { allowLoopback: true });
    case 'FQDN':
      return isFullyQualifiedDomainName(p, address);
    case 'IP':
      return isValidIPForLegacyField(p, address, false);
    default:
      // Unknown types are reported on addressType already.
      return [];
  }
}

function validateHints(ep: Endpoint, p: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const zones = ep.hints?.forZones ?? [];
  const zonesPath = p.child('forZones');
  if (zones.length > MAX_HINTS) {
    errs.push(tooMany(zonesPath, zones.length, MAX_HINTS));
  } else {
    const seen = new Set<string>();
    zones.forEach((zone, i) => {
      const name = zone.name ?? '';
      const np = zonesPath.index(i).child('name');
      if (seen.has(name)) errs.push(duplicate(np, name));
      seen.add(name);
      for (const msg of isValidLabelValue(name)) errs.push(invalid(np, name, msg));
    });
  }
  const nodes = ep.hints?.forNodes ?? [];
  const nodesPath = p.child('forNodes');
  if (nodes.length > MAX_HINTS) {
    errs.push(tooMany(nodesPath, nodes.length, MAX_HINTS));
  } else {
    const seen = new Set<string>();
    nodes.forEach((node, i) => {
      const name = node.name ?? '';
      const np = nodesPath.index(i).child('name');
      if (seen.has(name)) errs.push(duplicate(np, name));
      seen.add(name);
      for (const msg of isDNS1123Subdomain(name)) errs.push(invalid(np, name, msg));
    });
  }
  return errs;
}

function validatePorts(ports: DiscoveryEndpointPort[]): FieldError[] {
  const p = path('ports');
  if (ports.length > MAX_PORTS) return [tooMany(p, ports.length, MAX_PORTS)];
  const errs: FieldError[] = [];
  const names = new Set<string>();
  ports.forEach((port, i) => {
    const ip = p.index(i);
    const name = port.name ?? '';
    if (name) for (const msg of isDNS1123Label(name)) errs.push(invalid(ip.child('name'), name, msg));
    // Unnamed counts as a name: only one port may go without.
    if (names.has(name)) errs.push(duplicate(ip.child('name'), name));
    names.add(name);
    const protocol = port.protocol ?? '';
    if (!protocol) errs.push(required(ip.child('protocol')));
    else if (!PORT_PROTOCOLS.includes(protocol)) errs.push(notSupported(ip.child('protocol'), protocol, PORT_PROTOCOLS));
    if (port.port !== undefined) {
      for (const msg of isValidPortNum(port.port)) errs.push(invalid(ip.child('port'), port.port, msg));
    }
    if (port.appProtocol !== undefined) {
      for (const msg of isQualifiedName(port.appProtocol)) errs.push(invalid(ip.child('appProtocol'), port.appProtocol, msg));
    }
  });
  return errs;
}
