// The ClusterView over shared informers: Services and EndpointSlices, with
// indexes for the lookups DNS makes (slices by Service, Services by
// ClusterIP, slices by endpoint address), so every query is a few map reads.
import type { EndpointSlice, Service } from '@k8ts/api';
import { NAMESPACE_INDEX, type Indexers, type Lister } from '@k8ts/client';
import { LABEL_SERVICE_NAME, type ClusterView } from '../resolve/cluster-view';
import { normalizeIP } from '../resolve/names';

export const CLUSTER_IP_INDEX = 'clusterIP';
export const SERVICE_NAME_INDEX = 'serviceName';
export const ADDRESS_INDEX = 'address';

export const serviceIndexers: Indexers<Service> = {
  [CLUSTER_IP_INDEX]: (s) => (s.spec?.clusterIPs?.length ? s.spec.clusterIPs : s.spec?.clusterIP ? [s.spec.clusterIP] : []).map((ip) => normalizeIP(ip) ?? '').filter(Boolean),
};

export const sliceIndexers: Indexers<EndpointSlice> = {
  [SERVICE_NAME_INDEX]: (s) => {
    const svc = s.metadata?.labels?.[LABEL_SERVICE_NAME];
    return svc ? [`${s.metadata?.namespace ?? ''}/${svc}`] : [];
  },
  [ADDRESS_INDEX]: (s) => [...new Set((s.endpoints ?? []).flatMap((e) => (e.addresses ?? []).map((a) => normalizeIP(a) ?? '')).filter(Boolean))],
};

export class InformerView implements ClusterView {
  constructor(
    private readonly services: Lister<Service>,
    private readonly slices: Lister<EndpointSlice>,
  ) {}

  service(namespace: string, name: string): Service | undefined {
    return this.services.getByName(namespace, name);
  }

  hasServicesIn(namespace: string): boolean {
    return this.services.byIndex(NAMESPACE_INDEX, namespace).length > 0;
  }

  slicesOf(namespace: string, name: string): EndpointSlice[] {
    return this.slices.byIndex(SERVICE_NAME_INDEX, `${namespace}/${name}`);
  }

  servicesByClusterIP(ip: string): Service[] {
    return this.services.byIndex(CLUSTER_IP_INDEX, ip);
  }

  slicesByAddress(ip: string): EndpointSlice[] {
    return this.slices.byIndex(ADDRESS_INDEX, ip);
  }
}
