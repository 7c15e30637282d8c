// createApiClient: the typed gRPC client of the apiserver's component API.
//
//   const client = createApiClient({ address: '127.0.0.1:6444', userAgent: 'scheduler' });
//   const pod = await client.pods.get('default', 'web-1');
//   const nodes = await client.nodes.list();
//   for await (const ev of client.pods.watch({ resourceVersion: list.resourceVersion })) ...
//   client.close();
import type { ChannelCredentials, ClientOptions } from '@grpc/grpc-js';
import { getKind, type KindName, type KindTypes } from '@k8ts/api';
import { GenericPodClient, GenericResourceClient, type KubeObject, type PodClient, type ResourceClient } from './resource-client';
import { Transport } from './transport';

export const DEFAULT_API_ADDRESS = '127.0.0.1:6444';

export interface ApiClientOptions {
  /** host:port of the apiserver's gRPC API (default 127.0.0.1:6444). */
  address?: string;
  /** Deadline of each unary call attempt (default 10 s). Watches have none. */
  deadlineMs?: number;
  /** Retries of idempotent calls (get, list) on UNAVAILABLE / DEADLINE_EXCEEDED (default 3). */
  retries?: number;
  /** Sent as the gRPC user agent, e.g. "scheduler/0.1.0". */
  userAgent?: string;
  /** Default: insecure (loopback). */
  credentials?: ChannelCredentials;
  /** First retry delay, doubled per attempt with jitter (default 100 ms; capped at retryMaxDelayMs, default 2 s). */
  retryBaseDelayMs?: number;
  retryMaxDelayMs?: number;
  /** Largest message accepted (default 16 MiB, the server's limit). */
  maxMessageBytes?: number;
  /** Extra grpc-js channel options. */
  channelOptions?: Partial<ClientOptions>;
}

/** Property name on ApiClient → kind. */
export const TYPED_RESOURCES = {
  pods: 'Pod',
  services: 'Service',
  endpoints: 'Endpoints',
  nodes: 'Node',
  namespaces: 'Namespace',
  events: 'Event',
  replicaSets: 'ReplicaSet',
  deployments: 'Deployment',
  endpointSlices: 'EndpointSlice',
  leases: 'Lease',
} as const satisfies Record<string, KindName>;

type TypedResources = typeof TYPED_RESOURCES;

/** Kinds whose objects carry ObjectMeta (the ones a ResourceClient can serve). */
export type ObjectKindName = {
  [K in KindName]: KindTypes[K] extends KubeObject ? ('metadata' extends keyof KindTypes[K] ? K : never) : never;
}[KindName];

export type ApiClient = {
  readonly [P in keyof TypedResources]: P extends 'pods' ? PodClient : ResourceClient<KindTypes[TypedResources[P]]>;
} & {
  /** The client of any kind that has a resource ("ConfigMap", "PodTemplate", ...). */
  resource<K extends ObjectKindName>(kind: K): ResourceClient<KindTypes[K]>;
  resource(kind: string): ResourceClient<KubeObject>;
  /** Closes the channel; running calls fail with UNAVAILABLE/CANCELLED. */
  close(): void;
};

export function createApiClient(opts: ApiClientOptions = {}): ApiClient {
  const transport = new Transport({
    address: opts.address ?? DEFAULT_API_ADDRESS,
    deadlineMs: opts.deadlineMs ?? 10_000,
    retries: opts.retries ?? 3,
    userAgent: opts.userAgent,
    credentials: opts.credentials,
    retryBaseDelayMs: opts.retryBaseDelayMs,
    retryMaxDelayMs: opts.retryMaxDelayMs,
    maxMessageBytes: opts.maxMessageBytes,
    channelOptions: opts.channelOptions,
  });
  const cache = new Map<string, ResourceClient<KubeObject>>();
  const resource = (kind: string): ResourceClient<KubeObject> => {
    let c = cache.get(kind);
    if (!c) {
      const info = getKind(kind);
      c = (kind === 'Pod' ? new GenericPodClient(transport, info) : new GenericResourceClient<KubeObject>(transport, info)) as ResourceClient<KubeObject>;
      cache.set(kind, c);
    }
    return c;
  };
  const client: Record<string, unknown> = {
    resource,
    close: () => transport.close(),
  };
  for (const [prop, kind] of Object.entries(TYPED_RESOURCES)) client[prop] = resource(kind);
  return client as ApiClient;
}
