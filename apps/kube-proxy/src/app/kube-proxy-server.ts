// The kube-proxy process (upstream ProxyServer): shared informers on
// Services and EndpointSlices feed the Proxier; the Proxier syncs rules into
// the UserspaceProxier; metrics and health servers report on it.
import { isNotFound } from '@k8ts/apimachinery';
import type { EndpointSlice, Service } from '@k8ts/api';
import { createApiClient, isDeletedFinalStateUnknown, SharedInformerFactory, type ApiClient, type DeletedFinalStateUnknown } from '@k8ts/client';
import type { NatsConnection } from '@nats-io/transport-node';
import { connectWithRetry } from '@k8ts/eventbus';
import pino, { type Logger } from 'pino';
import type { KubeProxyConfig } from '../config';
import { Proxier } from '../proxy/proxier';
import { PodToServiceLatency } from '../proxy/pod-latency';
import { startHealthServer, startMetricsServer, type HttpServer } from '../server/http-servers';
import { ProxyMetrics } from '../server/metrics';
import { ProxierHealth } from '../server/proxier-health';
import { UserspaceProxier } from '../userspace/userspace-proxier';

function unwrap<T>(obj: T | DeletedFinalStateUnknown<T>): T {
  return isDeletedFinalStateUnknown(obj) ? obj.obj : obj;
}

function connectNats(url: string, logger: Logger, deadlineMs: number, signal: AbortSignal): Promise<NatsConnection> {
  return connectWithRetry(url, { name: 'kube-proxy', deadlineMs, signal, onRetry: (info) => logger.warn(info, 'waiting for NATS') });
}

export class KubeProxyServer {
  readonly metrics = new ProxyMetrics();
  readonly health: ProxierHealth;
  readonly dataplane: UserspaceProxier;
  readonly proxier: Proxier;
  private readonly podLatency = new PodToServiceLatency({
    creationTime: async (ns, name) => {
      try {
        return (await this.client?.pods.get(ns, name))?.metadata?.creationTimestamp;
      } catch (err) {
        if (isNotFound(err)) return undefined;
        throw err;
      }
    },
    observe: (s) => this.metrics.podToService.observe(s),
    onError: (err) => this.logger.debug({ err: (err as Error).message }, 'pod_to_service_latency: pod lookup failed'),
  });
  private readonly logger: Logger;
  private readonly abort = new AbortController();
  private client: ApiClient | undefined;
  private nc: NatsConnection | undefined;
  private factory: SharedInformerFactory | undefined;
  private metricsServer: HttpServer | undefined;
  private healthServer: HttpServer | undefined;
  private stopped: Promise<void> | undefined;

  constructor(
    readonly config: KubeProxyConfig,
    opts: { logger?: Logger } = {},
  ) {
    this.logger = opts.logger ?? pino({ name: 'kube-proxy', level: config.logLevel });
    this.health = new ProxierHealth(2 * config.syncPeriodMs);
    this.dataplane = new UserspaceProxier({ metrics: this.metrics, udpIdleTimeoutMs: config.udpIdleTimeoutMs, clusterCIDR: config.clusterCIDR });
    this.proxier = new Proxier({
      dataplane: this.dataplane,
      nodeIPs: config.nodeIPs,
      nodeNames: config.nodeNames,
      minSyncPeriodMs: config.minSyncPeriodMs,
      syncPeriodMs: config.syncPeriodMs,
      metrics: this.metrics,
      health: this.health,
      logger: this.logger.child({ component: 'proxier' }),
      onEndpointsServed: (eps, now) => void this.podLatency.programmed(eps, now),
    });
  }

  async start(): Promise<void> {
    const { config, logger } = this;
    this.healthServer = await startHealthServer(config.healthzBindAddress, this.health);
    this.metricsServer = await startMetricsServer(config.metricsBindAddress, this.metrics);
    logger.info({ healthz: config.healthzBindAddress, metrics: config.metricsBindAddress }, 'serving /healthz, /livez, /metrics');

    this.client = createApiClient({ address: config.apiAddress, userAgent: 'kube-proxy' });
    if (config.watchVia === 'nats') this.nc = await connectNats(config.natsUrl, logger, 60_000, this.abort.signal);
    if (this.abort.signal.aborted) return;
    this.factory = new SharedInformerFactory(this.client, this.nc, { watchVia: config.watchVia, defaultResyncMs: 0, logger: logger.child({ component: 'informer' }) });
    const services = this.factory.informerFor('services');
    const slices = this.factory.informerFor('endpointslices');
    const p = this.proxier;
    services.addEventHandler({
      onAdd: (s: Service, _initial, meta) => p.onServiceAdd(s, meta),
      onUpdate: (o: Service, s: Service, meta) => p.onServiceUpdate(o, s, meta),
      onDelete: (s, meta) => p.onServiceDelete(unwrap(s), meta),
    });
    slices.addEventHandler({
      onAdd: (s: EndpointSlice, initial, meta) => p.onEndpointSliceAdd(s, initial, meta),
      onUpdate: (o: EndpointSlice, s: EndpointSlice, meta) => p.onEndpointSliceUpdate(o, s, meta),
      onDelete: (s, meta) => p.onEndpointSliceDelete(unwrap(s), meta),
    });
    this.factory.start(this.abort.signal);
    void services.waitForSync(this.abort.signal).then((ok) => ok && p.onServicesSynced());
    void slices.waitForSync(this.abort.signal).then((ok) => ok && p.onEndpointSlicesSynced());
    logger.info({ nodeIPs: config.nodeIPs, nodeNames: config.nodeNames, mode: 'userspace', watchVia: config.watchVia }, 'kube-proxy started');
  }

  /** Stops syncing, closes every listener and connection, the informers and the servers. Idempotent. */
  stop(): Promise<void> {
    this.stopped ??= (async () => {
      this.abort.abort();
      await this.proxier.stop();
      await this.dataplane.close();
      await this.factory?.stop();
      await this.nc?.close().catch(() => undefined);
      this.client?.close();
      await this.metricsServer?.close();
      await this.healthServer?.close();
    })();
    return this.stopped;
  }
}
