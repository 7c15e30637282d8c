// Endpoints as DNS sees them: the ready addresses of a Service's
// EndpointSlices, deduplicated (an endpoint may sit in two slices while the
// controller moves it), each with its DNS hostname.
import type { EndpointSlice, Service } from '@k8ts/api';
import { dashedIP, normalizeIP } from './names';

export interface DnsEndpoint {
  ip: string;
  /** The endpoint's hostname field, else its dashed IP (the spec's system-assigned identifier). */
  hostname: string;
  ready: boolean;
}

export interface DnsEndpointPort {
  name: string;
  protocol: string;
  port: number;
}

export function isHeadless(service: Service): boolean {
  return service.spec?.clusterIP === 'None';
}

export function isExternalName(service: Service): boolean {
  return service.spec?.type === 'ExternalName';
}

/** The ClusterIPs of a non-headless Service (clusterIPs, else clusterIP). */
export function clusterIPs(service: Service): string[] {
  const ips = service.spec?.clusterIPs?.length ? service.spec.clusterIPs : service.spec?.clusterIP ? [service.spec.clusterIP] : [];
  return ips.filter((ip) => ip !== 'None' && ip !== '');
}

/** Endpoint readiness as EndpointSlice consumers read it: unset means ready. */
function endpointReady(ready: boolean | undefined): boolean {
  return ready !== false;
}

/**
 * Every endpoint address of the slices (IPv4/IPv6 address types only), in
 * slice order, first occurrence of an ip+hostname wins.
 */
export function sliceEndpoints(slices: readonly EndpointSlice[], opts: { readyOnly: boolean }): DnsEndpoint[] {
  const seen = new Set<string>();
  const out: DnsEndpoint[] = [];
  const ordered = [...slices].sort((a, b) => ((a.metadata?.name ?? '') < (b.metadata?.name ?? '') ? -1 : 1));
  for (const slice of ordered) {
    if (slice.addressType !== 'IPv4' && slice.addressType !== 'IPv6') continue;
    for (const ep of slice.endpoints ?? []) {
      const ready = endpointReady(ep.conditions?.ready);
      if (opts.readyOnly && !ready) continue;
      for (const address of ep.addresses ?? []) {
        const ip = normalizeIP(address);
        if (!ip) continue;
        const hostname = (ep.hostname || dashedIP(ip)).toLowerCase();
        const key = `${ip}/${hostname}`;
        if (seen.has(key)) continue;
        seen.add(key);
        out.push({ ip, hostname, ready });
      }
    }
  }
  return out;
}

/** The named ports of the slices (deduplicated by name+protocol+port). */
export function slicePorts(slices: readonly EndpointSlice[]): DnsEndpointPort[] {
  const seen = new Set<string>();
  const out: DnsEndpointPort[] = [];
  for (const slice of slices) {
    for (const p of slice.ports ?? []) {
      if (!p.name || p.port === undefined) continue;
      const port = { name: p.name.toLowerCase(), protocol: (p.protocol ?? 'TCP').toLowerCase(), port: p.port };
      const key = `${port.name}/${port.protocol}/${port.port}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push(port);
    }
  }
  return out;
}

/** The named ports of a Service, as SRV owners use them. */
export function servicePorts(service: Service): DnsEndpointPort[] {
  return (service.spec?.ports ?? [])
    .filter((p) => p.name && p.port !== undefined)
    .map((p) => ({ name: (p.name as string).toLowerCase(), protocol: (p.protocol ?? 'TCP').toLowerCase(), port: p.port as number }));
}
