// An in-memory ClusterView for unit tests, plus builders of the objects it
// holds. Test-only: never import from production code.
import type { EndpointSlice, Service } from '@k8ts/api';
import { LABEL_SERVICE_NAME, type ClusterView } from '../resolve/cluster-view';

export class FakeView implements ClusterView {
  constructor(
    readonly services: Service[] = [],
    readonly slices: EndpointSlice[] = [],
  ) {}

  service(namespace: string, name: string): Service | undefined {
    return this.services.find((s) => s.metadata?.namespace === namespace && s.metadata?.name === name);
  }

  hasServicesIn(namespace: string): boolean {
    return this.services.some((s) => s.metadata?.namespace === namespace);
  }

  slicesOf(namespace: string, name: string): EndpointSlice[] {
    return this.slices.filter((s) => s.metadata?.namespace === namespace && s.metadata?.labels?.[LABEL_SERVICE_NAME] === name);
  }

  servicesByClusterIP(ip: string): Service[] {
    return this.services.filter((s) => (s.spec?.clusterIPs ?? [s.spec?.clusterIP]).includes(ip));
  }

  slicesByAddress(ip: string): EndpointSlice[] {
    return this.slices.filter((s) => (s.endpoints ?? []).some((e) => (e.addresses ?? []).includes(ip)));
  }
}

export interface SvcOptions {
  name: string;
  namespace?: string;
  clusterIP?: string;
  type?: string;
  externalName?: string;
  ports?: { name?: string; port: number; protocol?: string }[];
}

export function svc(o: SvcOptions): Service {
  return {
    metadata: { name: o.name, namespace: o.namespace ?? 'default' },
    spec: {
      type: o.type ?? (o.externalName ? 'ExternalName' : 'ClusterIP'),
      ...(o.clusterIP ? { clusterIP: o.clusterIP, clusterIPs: [o.clusterIP] } : {}),
      ...(o.externalName ? { externalName: o.externalName } : {}),
      ports: (o.ports ?? []).map((p) => ({ protocol: 'TCP', ...p })),
    },
  };
}

export interface SliceEndpoint {
  ip: string;
  hostname?: string;
  ready?: boolean;
}

export function slice(o: { name: string; service: string; namespace?: string; endpoints: SliceEndpoint[]; ports?: { name?: string; port: number; protocol?: string }[]; addressType?: string }): EndpointSlice {
  return {
    metadata: { name: o.name, namespace: o.namespace ?? 'default', labels: { [LABEL_SERVICE_NAME]: o.service } },
    addressType: o.addressType ?? 'IPv4',
    endpoints: o.endpoints.map((e) => ({
      addresses: [e.ip],
      ...(e.hostname ? { hostname: e.hostname } : {}),
      ...(e.ready === undefined ? {} : { conditions: { ready: e.ready } }),
    })),
    ports: (o.ports ?? []).map((p) => ({ protocol: 'TCP', ...p })),
  };
}
