// Where a pod's kubelet API listens: the pod's node, its InternalIP and the
// kubelet port it publishes in status.daemonEndpoints.kubeletEndpoint.
import type { Node, Pod } from '@k8ts/api';
import { newBadRequest } from '@k8ts/apimachinery';

export interface KubeletAddress {
  host: string;
  port: number;
}

const DEFAULT_KUBELET_PORT = 10250;

export function kubeletAddressOf(node: Node): KubeletAddress | undefined {
  const addresses = node.status?.addresses ?? [];
  const host = addresses.find((a) => a.type === 'InternalIP')?.address ?? addresses.find((a) => a.type === 'Hostname')?.address;
  if (!host) return undefined;
  return { host, port: node.status?.daemonEndpoints?.kubeletEndpoint?.Port || DEFAULT_KUBELET_PORT };
}

/** The container a log/exec request is for: the named one, or the only one (BadRequest when ambiguous). */
export function containerFor(pod: Pod, requested: string | null): string {
  const containers = [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? [])].map((c) => c.name ?? '');
  const name = pod.metadata?.name ?? '';
  if (requested) {
    if (!containers.includes(requested)) throw newBadRequest(`container ${requested} is not valid for pod ${name}`);
    return requested;
  }
  const main = (pod.spec?.containers ?? []).map((c) => c.name ?? '');
  if (main.length === 1) return main[0];
  throw newBadRequest(`a container name must be specified for pod ${name}, choose one of: [${main.join(' ')}]`);
}
