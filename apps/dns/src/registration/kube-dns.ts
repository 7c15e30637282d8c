// The kube-dns Service and Endpoints: this process registers itself as the
// cluster DNS Service, kube-system/kube-dns, the way a CoreDNS Deployment is
// exposed upstream. The Service is selectorless with a fixed ClusterIP (the
// tenth address of the service range); the process writes its Endpoints
// itself (its own listen address), and the EndpointSlice mirroring
// controller turns them into EndpointSlices for kube-proxy.
//
// desired*() are pure; ensureKubeDns() makes the cluster match, creating
// what is missing (AlreadyExists from a racing writer is not an error),
// updating what drifted (Conflict is retried), and never changing a
// ClusterIP: a kube-dns Service with another ClusterIP is a
// ClusterIPMismatchError. Several dns processes may register (each with its
// own --bind-address, the same --port): each one only adds and removes its
// own addresses in the Endpoints.
import { deepCopy, intOrString, intOrStringValue, type EndpointAddress, type EndpointPort, type Endpoints, type EndpointSubset, type Service, type ServicePort } from '@k8ts/api';
import { isAlreadyExists, isConflict, isNotFound, semanticEqual } from '@k8ts/apimachinery';

export const KUBE_DNS_NAMESPACE = 'kube-system';
export const KUBE_DNS_NAME = 'kube-dns';
/** Port of the metrics endpoint on the Service (CoreDNS's). */
export const KUBE_DNS_METRICS_PORT = 9153;

export const KUBE_DNS_LABELS: Readonly<Record<string, string>> = {
  'k8s-app': 'kube-dns',
  'kubernetes.io/name': 'CoreDNS',
  'kubernetes.io/cluster-service': 'true',
};

export interface KubeDnsSpec {
  clusterIP: string;
  /** Where this process serves DNS (UDP and TCP). */
  dnsAddress: string;
  dnsPort: number;
  /** Where it serves /metrics. */
  metricsAddress: string;
  metricsPort: number;
}

/** The kube-dns Service exists with another ClusterIP; ClusterIPs are immutable, so nothing is changed. */
export class ClusterIPMismatchError extends Error {
  override readonly name = 'ClusterIPMismatchError';
  constructor(
    readonly want: string,
    readonly have: string,
  ) {
    super(`service ${KUBE_DNS_NAMESPACE}/${KUBE_DNS_NAME} has clusterIP ${have}, not ${want} (--cluster-dns-ip): delete it or change the flag; pods' resolv.conf points at ${want}`);
  }
}

export function desiredKubeDnsService(spec: KubeDnsSpec): Service {
  const ports: ServicePort[] = [
    { name: 'dns', port: 53, protocol: 'UDP', targetPort: intOrString(spec.dnsPort) },
    { name: 'dns-tcp', port: 53, protocol: 'TCP', targetPort: intOrString(spec.dnsPort) },
    { name: 'metrics', port: KUBE_DNS_METRICS_PORT, protocol: 'TCP', targetPort: intOrString(spec.metricsPort) },
  ];
  return {
    metadata: {
      name: KUBE_DNS_NAME,
      namespace: KUBE_DNS_NAMESPACE,
      labels: { ...KUBE_DNS_LABELS },
      annotations: { 'prometheus.io/port': String(KUBE_DNS_METRICS_PORT), 'prometheus.io/scrape': 'true' },
    },
    spec: { type: 'ClusterIP', clusterIP: spec.clusterIP, clusterIPs: [spec.clusterIP], ports, sessionAffinity: 'None' },
  };
}

export function desiredKubeDnsEndpoints(spec: KubeDnsSpec): Endpoints {
  const dnsPorts = [
    { name: 'dns', port: spec.dnsPort, protocol: 'UDP' },
    { name: 'dns-tcp', port: spec.dnsPort, protocol: 'TCP' },
  ];
  const metricsPort = { name: 'metrics', port: spec.metricsPort, protocol: 'TCP' };
  const subsets: EndpointSubset[] =
    spec.metricsAddress === spec.dnsAddress
      ? [{ addresses: [{ ip: spec.dnsAddress }], ports: [...dnsPorts, metricsPort] }]
      : [
          { addresses: [{ ip: spec.dnsAddress }], ports: dnsPorts },
          { addresses: [{ ip: spec.metricsAddress }], ports: [metricsPort] },
        ];
  return { metadata: { name: KUBE_DNS_NAME, namespace: KUBE_DNS_NAMESPACE, labels: { ...KUBE_DNS_LABELS } }, subsets: mergeSubsets([], subsets, () => false) };
}

function labelsMissing(current: Record<string, string> | undefined, want: Record<string, string> | undefined): boolean {
  return Object.entries(want ?? {}).some(([k, v]) => current?.[k] !== v);
}

/**
 * What must match in a Service port. The metrics targetPort is not
 * compared: replicas share --port but may serve metrics on different ports,
 * and would otherwise rewrite it in turn forever (the Endpoints carry every
 * replica's real metrics port anyway).
 */
function portKey(p: ServicePort): string {
  const target = p.name === 'metrics' ? undefined : intOrStringValue(p.targetPort);
  return JSON.stringify([p.name ?? '', p.port, p.protocol ?? 'TCP', target]);
}

/** The update that makes `current` match `desired`, or undefined when it already does. */
export function serviceUpdate(current: Service, desired: Service): Service | undefined {
  const want = desired.spec?.clusterIP ?? '';
  const have = current.spec?.clusterIP ?? '';
  if (have !== want) throw new ClusterIPMismatchError(want, have);
  const portsDiffer = (current.spec?.ports ?? []).map(portKey).join() !== (desired.spec?.ports ?? []).map(portKey).join();
  const selector = Object.keys(current.spec?.selector ?? {}).length > 0;
  const typeDiffers = current.spec?.type !== desired.spec?.type;
  const labels = labelsMissing(current.metadata?.labels, desired.metadata?.labels);
  if (!portsDiffer && !selector && !typeDiffers && !labels) return undefined;
  const next = deepCopy(current);
  next.metadata = { ...next.metadata, labels: { ...next.metadata?.labels, ...desired.metadata?.labels } };
  next.spec = { ...next.spec, type: desired.spec?.type, ports: deepCopy(desired.spec?.ports), selector: {} };
  return next;
}

/** Whether an address listed with a port set (portSetKey) is this process's. */
export type OwnAddress = (ip: string, portsKey: string) => boolean;

function portSetKey(ports: readonly EndpointPort[]): string {
  return JSON.stringify(ports.map((p) => [p.name ?? '', p.port ?? 0, p.protocol ?? 'TCP']).sort());
}

/**
 * This process's entries: anything at its DNS bind address (unique per
 * replica; stale ports of an earlier run go too), and its metrics address
 * with exactly its metrics port (replicas usually share 127.0.0.1 there).
 */
export function ownAddresses(spec: KubeDnsSpec): OwnAddress {
  const metricsKey = portSetKey([{ name: 'metrics', port: spec.metricsPort, protocol: 'TCP' }]);
  return (ip, key) => ip === spec.dnsAddress || (ip === spec.metricsAddress && key === metricsKey);
}

/**
 * The subsets of `current` with this process's addresses replaced by
 * `ours`: addresses of other dns replicas (other bind addresses) are kept,
 * so replicas do not undo each other's writes. The result is canonical
 * (subsets grouped by port set and ordered by it, addresses by IP), so a
 * current object in canonical form compares equal and is not rewritten.
 */
export function mergeSubsets(current: EndpointSubset[] | undefined, ours: EndpointSubset[], isOwn: OwnAddress): EndpointSubset[] {
  type Group = { ports: EndpointPort[]; ready: Map<string, EndpointAddress>; notReady: Map<string, EndpointAddress> };
  const groups = new Map<string, Group>();
  const add = (subset: EndpointSubset, skipOwn: boolean) => {
    const ports = subset.ports ?? [];
    const key = portSetKey(ports);
    const own = (a: EndpointAddress) => skipOwn && isOwn(a.ip ?? '', key);
    let g = groups.get(key);
    if (!g) {
      g = { ports, ready: new Map(), notReady: new Map() };
      groups.set(key, g);
    }
    for (const a of subset.addresses ?? []) if (!own(a)) g.ready.set(a.ip ?? '', a);
    for (const a of subset.notReadyAddresses ?? []) if (!own(a)) g.notReady.set(a.ip ?? '', a);
  };
  for (const subset of current ?? []) add(subset, true);
  for (const subset of ours) add(subset, false);
  const byIP = (a: EndpointAddress, b: EndpointAddress) => ((a.ip ?? '') < (b.ip ?? '') ? -1 : (a.ip ?? '') > (b.ip ?? '') ? 1 : 0);
  return [...groups.entries()]
    .filter(([, g]) => g.ready.size + g.notReady.size > 0)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([, g]) => ({
      addresses: [...g.ready.values()].sort(byIP),
      ...(g.notReady.size ? { notReadyAddresses: [...g.notReady.values()].sort(byIP) } : {}),
      ports: deepCopy(g.ports),
    }));
}

/** The update that puts this process's addresses (and only those) of `desired` into `current`, or undefined when it is there. */
export function endpointsUpdate(current: Endpoints, desired: Endpoints, isOwn: OwnAddress): Endpoints | undefined {
  const subsets = mergeSubsets(current.subsets, desired.subsets ?? [], isOwn);
  const labels = labelsMissing(current.metadata?.labels, desired.metadata?.labels);
  if (!labels && semanticEqual(normalizeSubsets(current.subsets), normalizeSubsets(subsets))) return undefined;
  const next = deepCopy(current);
  next.metadata = { ...next.metadata, labels: { ...next.metadata?.labels, ...desired.metadata?.labels } };
  next.subsets = subsets;
  return next;
}

function normalizeSubsets(subsets: EndpointSubset[] | undefined) {
  return (subsets ?? []).map((s) => ({
    addresses: (s.addresses ?? []).map((a) => a.ip),
    notReady: (s.notReadyAddresses ?? []).map((a) => a.ip),
    ports: (s.ports ?? []).map((p) => [p.name ?? '', p.port, p.protocol ?? 'TCP']),
  }));
}

/** What ensureKubeDns writes through (an ApiClient fits). */
export interface KubeDnsClient {
  services: ObjectClient<Service>;
  endpoints: ObjectClient<Endpoints>;
}

export interface ObjectClient<T> {
  get(namespace: string, name: string): Promise<T>;
  create(obj: T): Promise<T>;
  update(obj: T): Promise<T>;
}

export type Outcome = 'created' | 'updated' | 'unchanged';

const MAX_ATTEMPTS = 5;

async function ensureObject<T>(client: ObjectClient<T>, desired: T, update: (current: T) => T | undefined): Promise<Outcome> {
  let lastErr: unknown;
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    let current: T;
    try {
      current = await client.get(KUBE_DNS_NAMESPACE, KUBE_DNS_NAME);
    } catch (err) {
      if (!isNotFound(err)) throw err;
      try {
        await client.create(deepCopy(desired));
        return 'created';
      } catch (e) {
        if (!isAlreadyExists(e)) throw e;
        lastErr = e;
        continue; // someone else created it: compare with theirs
      }
    }
    const next = update(current);
    if (!next) return 'unchanged';
    try {
      await client.update(next);
      return 'updated';
    } catch (err) {
      if (!isConflict(err)) throw err;
      lastErr = err;
    }
  }
  throw new Error(`${KUBE_DNS_NAMESPACE}/${KUBE_DNS_NAME}: still conflicting after ${MAX_ATTEMPTS} attempts`, { cause: lastErr });
}

export interface EnsureResult {
  service: Outcome;
  endpoints: Outcome;
}

/**
 * Makes the kube-dns Service and Endpoints match the spec. The Endpoints are
 * written even when the Service is at odds (its ClusterIP differs), so DNS
 * still works at whatever IP the Service has; the Service error is thrown
 * afterwards.
 */
export async function ensureKubeDns(client: KubeDnsClient, spec: KubeDnsSpec): Promise<EnsureResult> {
  const desiredService = desiredKubeDnsService(spec);
  const desiredEndpoints = desiredKubeDnsEndpoints(spec);
  let serviceError: unknown;
  let service: Outcome = 'unchanged';
  try {
    service = await ensureObject(client.services, desiredService, (cur) => serviceUpdate(cur, desiredService));
  } catch (err) {
    serviceError = err;
  }
  const own = ownAddresses(spec);
  const endpoints = await ensureObject(client.endpoints, desiredEndpoints, (cur) => endpointsUpdate(cur, desiredEndpoints, own));
  if (serviceError) throw serviceError;
  return { service, endpoints };
}

/** Takes this process's address out of the kube-dns Endpoints (graceful shutdown); other writers' addresses stay. */
export async function deregisterKubeDns(client: KubeDnsClient, spec: KubeDnsSpec): Promise<boolean> {
  let current: Endpoints;
  try {
    current = await client.endpoints.get(KUBE_DNS_NAMESPACE, KUBE_DNS_NAME);
  } catch (err) {
    if (isNotFound(err)) return false;
    throw err;
  }
  const subsets = mergeSubsets(current.subsets, [], ownAddresses(spec));
  if (semanticEqual(normalizeSubsets(subsets), normalizeSubsets(current.subsets))) return false;
  await client.endpoints.update({ ...deepCopy(current), subsets });
  return true;
}
