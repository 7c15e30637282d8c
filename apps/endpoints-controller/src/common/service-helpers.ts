// Service predicates the endpoint reconcilers share.
import { isIPv6 } from 'node:net';
import type { Service } from '@k8ts/api';
import { selectorFromSet, type Selector } from '@k8ts/apimachinery';
import type { AddressType } from './well-known';

/**
 * Whether this controller manages the Service's endpoints: it has a
 * non-empty selector and is not of type ExternalName. Services without a
 * selector get Endpoints/EndpointSlices written by someone else (their
 * user), which are left alone.
 */
export function managesEndpoints(service: Service): boolean {
  if (service.spec?.type === 'ExternalName') return false;
  return Object.keys(service.spec?.selector ?? {}).length > 0;
}

/** The Service's pod selector; only meaningful when managesEndpoints(service). */
export function serviceSelector(service: Service): Selector {
  return selectorFromSet(service.spec?.selector ?? {});
}

/** The Service has a cluster IP (it is not headless: clusterIP neither "" nor "None"). */
export function isServiceIPSet(service: Service): boolean {
  const ip = service.spec?.clusterIP ?? '';
  return ip !== '' && ip !== 'None';
}

/** The Service is headless (clusterIP "None"). */
export function isHeadless(service: Service): boolean {
  return service.spec?.clusterIP === 'None';
}

/**
 * The address types the Service's endpoints use: one per spec.ipFamilies
 * entry; without ipFamilies, the family of the cluster IP; for a headless
 * Service without ipFamilies, IPv4 (k8ts pods are IPv4; upstream assumes
 * both families there, a compatibility path for old apiservers).
 */
export function serviceAddressTypes(service: Service): AddressType[] {
  const types: AddressType[] = [];
  for (const family of service.spec?.ipFamilies ?? []) {
    if (family === 'IPv4' && !types.includes('IPv4')) types.push('IPv4');
    if (family === 'IPv6' && !types.includes('IPv6')) types.push('IPv6');
  }
  if (types.length > 0) return types;
  if (isServiceIPSet(service)) return [isIPv6(service.spec?.clusterIP ?? '') ? 'IPv6' : 'IPv4'];
  return ['IPv4'];
}
