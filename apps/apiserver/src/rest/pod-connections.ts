// pods/log and pods/exec: resolve the pod's kubelet and hand the request to
// the kubelet proxy.
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { newServiceUnavailable } from '@k8ts/apimachinery';
import type { Registry } from '../registry/registry';
import type { RestContext } from './handlers/context';
import type { ResourceRequestInfo } from './request-info';

export interface PodConnections {
  log(ctx: RestContext): Promise<void>;
  exec(registry: Registry, info: ResourceRequestInfo, query: URLSearchParams, req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void>;
}

export const podConnectionsUnavailable: PodConnections = {
  log: () => Promise.reject(newServiceUnavailable('pod logs are not available from this apiserver')),
  exec: () => Promise.reject(newServiceUnavailable('pod exec is not available from this apiserver')),
};
