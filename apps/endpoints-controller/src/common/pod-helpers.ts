// Pod predicates the endpoint reconcilers share (upstream
// k8s.io/endpointslice/util and pkg/api/v1/pod).
import { isIPv6 } from 'node:net';
import { intOrStringValue, type Container, type Pod, type Service, type ServicePort } from '@k8ts/api';

/** The pod's Ready condition is True. */
export function isPodReady(pod: Pod): boolean {
  return pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
}

/**
 * The pod is terminal: phase Succeeded or Failed. Its containers are gone
 * for good, whatever its restartPolicy (a kubelet never moves a pod out of
 * a terminal phase), so it never backs a Service again.
 */
export function isPodTerminal(pod: Pod): boolean {
  const phase = pod.status?.phase;
  return phase === 'Succeeded' || phase === 'Failed';
}

/** The pod is being deleted (metadata.deletionTimestamp is set). */
export function isPodTerminating(pod: Pod): boolean {
  return !!pod.metadata?.deletionTimestamp;
}

/** Every IP of the pod: status.podIPs, or status.podIP when podIPs is empty. */
export function podIPs(pod: Pod): string[] {
  const ips = (pod.status?.podIPs ?? []).map((p) => p.ip ?? '').filter((ip) => ip !== '');
  if (ips.length > 0) return ips;
  return pod.status?.podIP ? [pod.status.podIP] : [];
}

/** The first pod IP of the family (IPv6 or not), if any. */
export function podIPOfFamily(pod: Pod, ipv6: boolean): string | undefined {
  return podIPs(pod).find((ip) => isIPv6(ip) === ipv6);
}

/**
 * Whether the pod belongs in an Endpoints object or an EndpointSlice at all
 * (upstream ShouldPodBeInEndpoints): it is not terminal, it has an IP, and
 * it is not terminating unless includeTerminating.
 */
export function shouldPodBeInEndpoints(pod: Pod, includeTerminating: boolean): boolean {
  if (isPodTerminal(pod)) return false;
  if (podIPs(pod).length === 0) return false;
  if (!includeTerminating && isPodTerminating(pod)) return false;
  return true;
}

/**
 * The endpoint of the pod carries its hostname when the pod names one and
 * its subdomain is the Service (the headless-Service DNS records
 * `<hostname>.<service>.<ns>.svc`).
 */
export function shouldSetHostname(pod: Pod, service: Service): boolean {
  const hostname = pod.spec?.hostname ?? '';
  return (
    hostname.length > 0 &&
    (pod.spec?.subdomain ?? '') === (service.metadata?.name ?? '') &&
    (pod.metadata?.namespace ?? '') === (service.metadata?.namespace ?? '')
  );
}

function isSidecar(c: Container): boolean {
  return c.restartPolicy === 'Always';
}

/**
 * The container port a Service port targets on this pod (upstream FindPort).
 * A numeric targetPort is used as is (an absent one means the Service port
 * itself, as the apiserver defaults it). A named targetPort is looked up
 * among the named ports of the containers, then of sidecar (restartable
 * init) containers, matching the protocol too. Undefined when the pod does
 * not have that port.
 */
export function findPort(pod: Pod, servicePort: ServicePort): number | undefined {
  const target = intOrStringValue(servicePort.targetPort);
  if (target === undefined) return servicePort.port;
  if (typeof target === 'number') return target;
  const protocol = servicePort.protocol || 'TCP';
  const containers = [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? []).filter(isSidecar)];
  for (const c of containers) {
    for (const p of c.ports ?? []) {
      if (p.name === target && (p.protocol || 'TCP') === protocol) return p.containerPort;
    }
  }
  return undefined;
}
