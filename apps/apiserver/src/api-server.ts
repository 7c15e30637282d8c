// Wires the apiserver together: NATS -> JetStream storage -> admission ->
// registry -> gRPC and HTTP front ends, plus the in-process controllers that
// upstream also runs inside kube-apiserver (bootstrap objects, namespace
// cleanup, storage compaction).
import { connect, type NatsConnection } from '@nats-io/transport-node';
import type { Endpoints, EndpointSlice, Namespace, Service } from '@k8ts/api';
import { intOrString } from '@k8ts/api';
import { isAlreadyExists, isConflict, isNotFound } from '@k8ts/apimachinery';
import pino, { type Logger } from 'pino';
import { ServiceAllocation } from './admission/service-allocation';
import type { ApiServerConfig } from './config';
import { Compactor } from './controllers/compactor';
import { NamespaceController } from './controllers/namespace-controller';
import { startGrpcServer } from './grpc/server';
import { startHealthServer, type RunningHttpServer } from './http/health-server';
import { ApiServerMetrics } from './http/metrics';
import { defaultStrategies, defaultSubresources } from './registry/default-strategies';
import { Store } from './registry/generic/store';
import { NamespaceLifecycle } from './registry/namespaces/lifecycle';
import { namespaceFinalizeStrategy } from './registry/namespaces/strategy';
import { jsonCodec, Registry } from './registry/registry';
import { RestApi } from './rest';
import { JetStreamStorage } from './storage/jetstream-storage';

export const SYSTEM_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

export interface RunningApiServer {
  readonly registry: Registry;
  readonly storage: JetStreamStorage;
  readonly grpcPort: number;
  readonly httpPort: number;
  stop(): Promise<void>;
}

async function connectWithRetry(url: string, logger: Logger, deadlineMs: number): Promise<NatsConnection> {
  const started = Date.now();
  for (let attempt = 1; ; attempt++) {
    try {
      return await connect({ servers: url.split(','), name: 'apiserver', maxReconnectAttempts: -1, reconnectTimeWait: 250, timeout: 2000 });
    } catch (err) {
      if (Date.now() - started > deadlineMs) throw err;
      logger.warn({ err: (err as Error).message, attempt, url }, 'waiting for NATS');
      await new Promise((r) => setTimeout(r, Math.min(2000, 100 * 2 ** attempt)));
    }
  }
}

export async function startApiServer(config: ApiServerConfig, logger: Logger = pino({ name: 'apiserver', level: config.logLevel })): Promise<RunningApiServer> {
  const nc = await connectWithRetry(config.natsUrl, logger, 60_000);
  const storage = await JetStreamStorage.open(nc, { stream: config.stream, replicas: config.streamReplicas });
  const allocation = new ServiceAllocation(storage, { serviceCidr: config.serviceClusterIpRange, nodePortRange: config.serviceNodePortRange });
  // The lifecycle plugin reads namespaces through the registry it is part of.
  const registryRef: { current?: Registry } = {};
  const lifecycle = new NamespaceLifecycle(async (name: string) => {
    try {
      return await registryRef.current?.namespaces.get(undefined, name);
    } catch {
      return undefined;
    }
  });
  const registry = new Registry({
    storage,
    strategies: defaultStrategies(),
    subresources: defaultSubresources(),
    admission: [lifecycle, allocation],
  });
  registryRef.current = registry;
  const metrics = new ApiServerMetrics();
  let ready = false;

  await bootstrap(registry, allocation, config, logger);
  const finalizeStore = new Store(namespaceFinalizeStrategy, storage, jsonCodec<Namespace>('Namespace'));
  const namespaces = new NamespaceController({ registry, finalizeStore, logger: logger.child({ controller: 'namespace' }) });
  await namespaces.start();
  const compactor = new Compactor(storage, config.compactionIntervalSeconds * 1000, logger);
  compactor.start();

  const grpc = await startGrpcServer({
    registry,
    host: config.bindAddress,
    port: config.grpcPort,
    logger: logger.child({ server: 'grpc' }),
    onRequest: (verb, resource, code, seconds) => metrics.observe(verb, resource, code, seconds),
  });
  const rest = new RestApi({
    registry,
    logger: logger.child({ server: 'rest' }),
    serverAddress: `${config.advertiseAddress}:${config.securePort}`,
    onRequest: (verb, resource, code, seconds) => metrics.observe(verb, resource, code, seconds),
  });
  let http: RunningHttpServer;
  try {
    http = await startHealthServer({
      host: config.bindAddress,
      port: config.securePort,
      metrics,
      liveness: { ping: () => true },
      readiness: { nats: () => !nc.isClosed(), storage: () => ready },
      fallback: (req, res) => rest.handle(req, res),
    });
    http.server.on('upgrade', (req, socket, head) => rest.upgrade(req, socket, head));
  } catch (err) {
    await grpc.stop();
    throw err;
  }
  ready = true;
  logger.info({ grpc: `${config.bindAddress}:${grpc.port}`, http: `${config.bindAddress}:${http.port}`, nats: config.natsUrl }, 'apiserver ready');

  return {
    registry,
    storage,
    grpcPort: grpc.port,
    httpPort: http.port,
    stop: async () => {
      ready = false;
      namespaces.stop();
      compactor.stop();
      rest.closeWatches();
      await http.stop();
      await grpc.stop();
      await storage.close();
      await nc.drain().catch(() => nc.close());
    },
  };
}

interface BootstrapStore<T> {
  create(namespace: string, obj: T): Promise<unknown>;
  guaranteedUpdate(namespace: string, name: string, tryUpdate: (cur: T) => T): Promise<unknown>;
}

/** Creates obj, or (written by another apiserver or an earlier run) keeps its content current. */
async function createOrRefresh<T extends { metadata?: { name?: string; namespace?: string } }>(store: BootstrapStore<T>, obj: T, refresh: (cur: T) => T): Promise<void> {
  const ns = obj.metadata?.namespace ?? '';
  try {
    await store.create(ns, obj);
  } catch (err) {
    if (!isAlreadyExists(err)) throw err;
    try {
      await store.guaranteedUpdate(ns, obj.metadata?.name ?? '', refresh);
    } catch (e) {
      if (!isConflict(e)) throw e;
    }
  }
}

/** Creates what a cluster always has: the system namespaces and the kubernetes Service/Endpoints. */
async function bootstrap(registry: Registry, allocation: ServiceAllocation, config: ApiServerConfig, logger: Logger): Promise<void> {
  // Get first: a create of an existing object could fail admission (e.g. its
  // ClusterIP is "already allocated") before storage says AlreadyExists.
  const ensure = async (exists: () => Promise<unknown>, create: () => Promise<unknown>) => {
    try {
      await exists();
      return;
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
    try {
      await create();
    } catch (err) {
      if (!isAlreadyExists(err)) throw err;
    }
  };
  for (const name of SYSTEM_NAMESPACES) {
    await ensure(
      () => registry.namespaces.get(undefined, name),
      () => registry.namespaces.create(undefined, { metadata: { name } } as Namespace),
    );
  }
  const services = registry.get('services').store;
  const service: Service = {
    metadata: { name: 'kubernetes', namespace: 'default', labels: { component: 'apiserver', provider: 'kubernetes' } },
    spec: {
      type: 'ClusterIP',
      clusterIP: allocation.apiServiceIp,
      ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort: intOrString(config.securePort) }],
      sessionAffinity: 'None',
    },
  };
  await ensure(
    () => services.get('default', 'kubernetes'),
    () => services.create('default', service),
  );
  // The apiserver's own endpoints, written by the apiserver as upstream's
  // endpoint reconciler does: Endpoints (skip-mirror, so the mirroring
  // controller leaves them alone) and the EndpointSlice kube-proxy reads.
  const endpoints: Endpoints = {
    metadata: { name: 'kubernetes', namespace: 'default', labels: { 'endpointslice.kubernetes.io/skip-mirror': 'true' } },
    subsets: [{ addresses: [{ ip: config.advertiseAddress }], ports: [{ name: 'https', port: config.securePort, protocol: 'TCP' }] }],
  };
  const slice: EndpointSlice = {
    metadata: { name: 'kubernetes', namespace: 'default', labels: { 'kubernetes.io/service-name': 'kubernetes' } },
    addressType: 'IPv4',
    endpoints: [{ addresses: [config.advertiseAddress], conditions: { ready: true } }],
    ports: [{ name: 'https', port: config.securePort, protocol: 'TCP' }],
  };
  await createOrRefresh(registry.get('endpoints').store, endpoints, (cur) => ({ ...cur, subsets: endpoints.subsets }));
  await createOrRefresh(registry.get('endpointslices').store, slice, (cur) => ({ ...cur, endpoints: slice.endpoints, ports: slice.ports }));
  logger.info('bootstrap objects in place');
}
