// pods/log and pods/exec: resolve the pod's kubelet (node InternalIP and
// status.daemonEndpoints.kubeletEndpoint.Port) and hand the request to the
// kubelet proxy.
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Node, Pod } from '@k8ts/api';
import { newBadRequest, newServiceUnavailable, toStatusError } from '@k8ts/apimachinery';
import type { Registry } from '../registry/registry';
import type { RestContext } from './handlers/context';
import { containerFor, kubeletAddressOf } from './kubelet-target';
import { type KubeletTarget, proxyPodExecUpgrade, proxyPodLog, writeStatusToSocket } from './proxy';
import type { ResourceRequestInfo } from './request-info';

export interface PodConnections {
  log(ctx: RestContext): Promise<void>;
  exec(registry: Registry, info: ResourceRequestInfo, query: URLSearchParams, req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void>;
}

export const podConnectionsUnavailable: PodConnections = {
  log: () => Promise.reject(newServiceUnavailable('pod logs are not available from this apiserver')),
  exec: () => Promise.reject(newServiceUnavailable('pod exec is not available from this apiserver')),
};

/** The kubelet serving a pod's logs and exec, and the container addressed. */
export async function resolveKubeletTarget(registry: Registry, info: ResourceRequestInfo, query: URLSearchParams): Promise<KubeletTarget> {
  const ns = info.namespace ?? '';
  const name = info.name ?? '';
  if (!ns || !name) throw newBadRequest('pods/log and pods/exec need a namespace and a pod name');
  const pod: Pod = await registry.pods.get(ns, name);
  const container = containerFor(pod, query.get('container'));
  const nodeName = pod.spec?.nodeName;
  if (!nodeName) throw newBadRequest(`pod ${name} does not have a host assigned`);
  const node = (await registry.get('nodes', '').store.get(undefined, nodeName)) as Node;
  const address = kubeletAddressOf(node);
  if (!address) throw newBadRequest(`node ${nodeName} has no address for its kubelet`);
  const statuses = [...(pod.status?.containerStatuses ?? []), ...(pod.status?.initContainerStatuses ?? [])];
  const waitingReason = statuses.find((s) => s.name === container)?.state?.waiting?.reason;
  return { ...address, namespace: ns, pod: name, container, ...(waitingReason ? { waitingReason } : {}) };
}

/** Logs and exec through the kubelet proxy. */
export const kubeletPodConnections: PodConnections = {
  async log(ctx) {
    const target = await resolveKubeletTarget(ctx.registry, ctx.info, ctx.query);
    await proxyPodLog(ctx.req, ctx.res, target, ctx.query);
  },
  async exec(registry, info, query, req, socket, head) {
    let target: KubeletTarget;
    try {
      target = await resolveKubeletTarget(registry, info, query);
    } catch (err) {
      writeStatusToSocket(socket, toStatusError(err));
      return;
    }
    proxyPodExecUpgrade(req, socket, head, target, query);
  },
};
