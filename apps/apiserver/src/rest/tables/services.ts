// The services, endpoints and endpointslices tables.
import type { EndpointSlice, Endpoints, Service } from '@k8ts/api';
import { age } from './human-duration';
import { AGE_COLUMN, column, labelsString, NAME_COLUMN, type TablePrinter } from './table';

export function serviceExternalIP(svc: Service): string {
  const spec = svc.spec ?? {};
  const external = spec.externalIPs ?? [];
  switch (spec.type ?? 'ClusterIP') {
    case 'ClusterIP':
    case 'NodePort':
      return external.length ? external.join(',') : '<none>';
    case 'LoadBalancer': {
      const ingress = (svc.status?.loadBalancer?.ingress ?? []).map((i) => i.ip || i.hostname || '').filter((s) => s);
      const all = [...ingress, ...external];
      return all.length ? all.join(',') : '<pending>';
    }
    case 'ExternalName':
      return spec.externalName ?? '';
    default:
      return '<unknown>';
  }
}

export function servicePorts(svc: Service): string {
  const ports = svc.spec?.ports ?? [];
  if (ports.length === 0) return '<none>';
  return ports.map((p) => (p.nodePort ? `${p.port}:${p.nodePort}/${p.protocol ?? 'TCP'}` : `${p.port}/${p.protocol ?? 'TCP'}`)).join(',');
}

export const servicePrinter: TablePrinter<Service> = {
  columns: [
    NAME_COLUMN,
    column('Type', 'string', 'type determines how the Service is exposed.'),
    column('Cluster-IP', 'string', 'clusterIP is the IP address of the service and is usually assigned randomly.'),
    column('External-IP', 'string', 'externalIPs is a list of IP addresses for which nodes in the cluster will also accept traffic for this service.'),
    column('Port(s)', 'string', 'The list of ports that are exposed by this service.'),
    AGE_COLUMN,
    column('Selector', 'string', 'Route service traffic to pods with label keys and values matching this selector.', { priority: 1 }),
  ],
  cells: (svc, now) => [
    svc.metadata?.name ?? '',
    svc.spec?.type ?? 'ClusterIP',
    svc.spec?.clusterIP || '<none>',
    serviceExternalIP(svc),
    servicePorts(svc),
    age(svc.metadata?.creationTimestamp, now),
    labelsString(svc.spec?.selector),
  ],
};

const MAX_SHOWN = 3;

function moreSuffix(total: number): string {
  return total > MAX_SHOWN ? ` + ${total - MAX_SHOWN} more...` : '';
}

export function formatEndpoints(ep: Endpoints): string {
  const all: string[] = [];
  for (const subset of ep.subsets ?? []) {
    const addresses = subset.addresses ?? [];
    const ports = subset.ports ?? [];
    for (const a of addresses) {
      if (ports.length === 0) all.push(a.ip ?? '');
      else for (const p of ports) all.push(`${a.ip ?? ''}:${p.port ?? 0}`);
    }
  }
  if (all.length === 0) return '<none>';
  return all.slice(0, MAX_SHOWN).join(',') + moreSuffix(all.length);
}

export const endpointsPrinter: TablePrinter<Endpoints> = {
  columns: [NAME_COLUMN, column('Endpoints', 'string', 'Endpoints of the service'), AGE_COLUMN],
  cells: (ep, now) => [ep.metadata?.name ?? '', formatEndpoints(ep), age(ep.metadata?.creationTimestamp, now)],
};

export const endpointSlicePrinter: TablePrinter<EndpointSlice> = {
  columns: [
    NAME_COLUMN,
    column('AddressType', 'string', 'The IP protocol for this slice'),
    column('Ports', 'string', 'The ports exposed by this slice'),
    column('Endpoints', 'string', 'The addresses in this slice'),
    AGE_COLUMN,
  ],
  cells(slice, now) {
    const ports = slice.ports ?? [];
    const portsText = ports.length ? ports.map((p) => (p.port === undefined ? '<unset>' : String(p.port))).join(',') : '<unset>';
    const addrs = (slice.endpoints ?? []).flatMap((e) => e.addresses ?? []);
    const endpointsText = addrs.length ? addrs.slice(0, MAX_SHOWN).join(',') + moreSuffix(addrs.length) : '<unset>';
    return [slice.metadata?.name ?? '', slice.addressType ?? '', portsText, endpointsText, age(slice.metadata?.creationTimestamp, now)];
  },
};
