// Builders of Services and EndpointSlices for the kube-proxy's unit tests.
import { intOrString, type EndpointSlice, type Service, type ServicePort } from '@k8ts/api';

export interface SvcOptions {
  name?: string;
  namespace?: string;
  type?: 'ClusterIP' | 'NodePort' | 'LoadBalancer' | 'ExternalName';
  clusterIP?: string;
  ports?: Partial<ServicePort>[];
  lbIPs?: string[];
  externalIPs?: string[];
  affinity?: number | 'default';
  internalLocal?: boolean;
  externalLocal?: boolean;
  externalName?: string;
  sourceRanges?: string[];
}

export function svc(o: SvcOptions = {}): Service {
  const type = o.type ?? 'ClusterIP';
  return {
    metadata: { name: o.name ?? 'web', namespace: o.namespace ?? 'default', resourceVersion: '1' },
    spec: {
      type,
      clusterIP: o.clusterIP ?? (type === 'ExternalName' ? undefined : '127.100.0.10'),
      ports: (o.ports ?? [{ port: 80 }]).map((p) => ({ protocol: 'TCP', targetPort: intOrString(p.port ?? 80), ...p })),
      ...(o.externalIPs ? { externalIPs: o.externalIPs } : {}),
      ...(o.externalName ? { externalName: o.externalName } : {}),
      ...(o.sourceRanges ? { loadBalancerSourceRanges: o.sourceRanges } : {}),
      sessionAffinity: o.affinity ? 'ClientIP' : 'None',
      ...(typeof o.affinity === 'number' ? { sessionAffinityConfig: { clientIP: { timeoutSeconds: o.affinity } } } : {}),
      internalTrafficPolicy: o.internalLocal ? 'Local' : 'Cluster',
      ...(type === 'NodePort' || type === 'LoadBalancer' ? { externalTrafficPolicy: o.externalLocal ? 'Local' : 'Cluster' } : {}),
    },
    status: o.lbIPs ? { loadBalancer: { ingress: o.lbIPs.map((ip) => ({ ip, ipMode: 'VIP' })) } } : {},
  };
}

export interface Ep {
  ip: string;
  node?: string;
  ready?: boolean;
  serving?: boolean;
  terminating?: boolean;
}

export interface SliceOptions {
  name?: string;
  service?: string;
  namespace?: string;
  ports?: { name?: string; port: number; protocol?: string }[];
  endpoints?: (string | Ep)[];
  annotations?: Record<string, string>;
  addressType?: string;
}

/** The node of a pod IP by the address plan: 127.244.N.x is on node-N. */
export function nodeOf(ip: string): string {
  const m = /^127\.244\.(\d+)\./.exec(ip);
  return m ? `node-${m[1]}` : 'node-20';
}

export function slice(o: SliceOptions = {}): EndpointSlice {
  const service = o.service ?? 'web';
  return {
    metadata: {
      name: o.name ?? `${service}-abc`,
      namespace: o.namespace ?? 'default',
      labels: { 'kubernetes.io/service-name': service, 'endpointslice.kubernetes.io/managed-by': 'test' },
      ...(o.annotations ? { annotations: o.annotations } : {}),
    },
    addressType: o.addressType ?? 'IPv4',
    ports: (o.ports ?? [{ name: '', port: 8080 }]).map((p) => ({ name: p.name ?? '', port: p.port, protocol: p.protocol ?? 'TCP' })),
    endpoints: (o.endpoints ?? []).map((e) => {
      const ep: Ep = typeof e === 'string' ? { ip: e } : e;
      const ready = ep.ready ?? true;
      return {
        addresses: [ep.ip],
        nodeName: ep.node ?? nodeOf(ep.ip),
        conditions: { ready, serving: ep.serving ?? ready, terminating: ep.terminating ?? false },
      };
    }),
  };
}
