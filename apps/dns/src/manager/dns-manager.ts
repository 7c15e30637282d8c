// The dns process: shared informers (Services, EndpointSlices) behind a
// ClusterView, the UDP/TCP DNS server, the kube-dns registration, and a
// health and metrics server (/healthz, /readyz once the caches synced,
// /metrics). Queries that arrive before the caches synced get SERVFAIL.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Endpoints, Service } from '@k8ts/api';
import {
  createApiClient,
  createInformer,
  isDeletedFinalStateUnknown,
  SharedInformerFactory,
  type ApiClient,
  type DeletedFinalStateUnknown,
  type KubeObject,
  type SharedInformer,
} from '@k8ts/client';
import type { NatsConnection } from '@nats-io/transport-node';
import { connectWithRetry } from '@k8ts/eventbus';
import { closeHttpServer, listenHealthServer } from '@k8ts/cli';
import pino, { type Logger } from 'pino';
import type { DnsConfig } from '../config';
import { KUBE_DNS_NAMESPACE, type KubeDnsSpec } from '../registration/kube-dns';
import { KubeDnsRegistrar } from '../registration/registrar';
import { DnsServer } from '../server/dns-server';
import { DnsHandler } from '../server/handler';
import { DnsMetrics } from '../server/metrics';
import { InformerView, serviceIndexers, sliceIndexers } from './informer-view';

export interface DnsManagerOptions {
  logger?: Logger;
}

function connectNats(url: string, logger: Logger, deadlineMs: number, signal: AbortSignal): Promise<NatsConnection> {
  return connectWithRetry(url, { name: 'dns', deadlineMs, signal, onRetry: (info) => logger.warn(info, 'waiting for NATS') });
}

export class DnsManager {
  readonly metrics = new DnsMetrics();
  private readonly logger: Logger;
  private readonly abort = new AbortController();
  private client: ApiClient | undefined;
  private nc: NatsConnection | undefined;
  private factory: SharedInformerFactory | undefined;
  private endpointsInformer: SharedInformer<Endpoints> | undefined;
  private informers: SharedInformer<KubeObject>[] = [];
  private registrar: KubeDnsRegistrar | undefined;
  private dns: DnsServer | undefined;
  private http: Server | undefined;
  private synced = false;
  private running: Promise<void> = Promise.resolve();
  private stopped: Promise<void> | undefined;

  constructor(
    readonly config: DnsConfig,
    opts: DnsManagerOptions = {},
  ) {
    this.logger = opts.logger ?? pino({ name: 'dns', level: config.logLevel });
  }

  /** The DNS port (after start; differs from the config with --port 0). */
  get dnsPort(): number {
    return this.dns?.port ?? this.config.port;
  }

  get healthPort(): number {
    return (this.http?.address() as AddressInfo | null)?.port ?? this.config.healthPort;
  }

  ready(): boolean {
    return this.synced;
  }

  async start(): Promise<void> {
    const { config, logger } = this;
    this.http = await listenHealthServer(this.config.healthHost, this.config.healthPort, {
      healthPaths: ['/healthz', '/livez', '/health'],
      readyPaths: ['/readyz', '/ready'],
      readyz: () => (this.synced && this.informers.every((i) => i.hasSynced()) ? undefined : 'informers not synced'),
      metrics: this.metrics.registry,
    });
    logger.info({ address: `${config.healthHost}:${this.healthPort}` }, 'serving /healthz, /readyz and /metrics');

    this.client = createApiClient({ address: config.apiAddress, userAgent: 'dns' });
    if (config.watchVia === 'nats') this.nc = await connectNats(config.natsUrl, logger, 60_000, this.abort.signal);
    if (this.abort.signal.aborted) return;
    const informerLogger = logger.child({ component: 'informer' });
    this.factory = new SharedInformerFactory(this.client, this.nc, { watchVia: config.watchVia, defaultResyncMs: 0, logger: informerLogger });
    const services = this.factory.informerFor('services', { indexers: serviceIndexers });
    const slices = this.factory.informerFor('endpointslices', { indexers: sliceIndexers });
    this.informers = [services, slices] as unknown as SharedInformer<KubeObject>[];
    const view = new InformerView(services.lister, slices.lister);

    const handler = new DnsHandler(view, {
      zone: config.clusterDomain,
      ttl: config.ttl,
      dnsIP: config.clusterDnsIP,
      serial: Math.floor(Date.now() / 1000) >>> 0,
      server: `dns://${config.bindAddress}:${config.port}`,
      metrics: this.metrics,
      isReady: () => this.synced,
    });
    this.dns = new DnsServer(handler, { host: config.bindAddress, port: config.port, onError: (err, where) => logger.warn({ err: err.message, where }, 'dns socket error') });
    await this.dns.start();
    logger.info({ address: this.dns.address, zone: config.clusterDomain }, 'serving DNS over UDP and TCP');

    if (config.registerService) {
      const spec: KubeDnsSpec = {
        clusterIP: config.clusterDnsIP,
        dnsAddress: config.bindAddress,
        dnsPort: this.dns.port,
        metricsAddress: config.healthHost,
        metricsPort: this.healthPort,
      };
      const registrar = new KubeDnsRegistrar({
        client: this.client,
        spec,
        onEnsured: (r) => {
          if (r.service !== 'unchanged' || r.endpoints !== 'unchanged') logger.info({ ...r, clusterIP: spec.clusterIP, endpoint: `${spec.dnsAddress}:${spec.dnsPort}` }, 'kube-dns Service and Endpoints in place');
        },
        onError: (err, attempts) => logger.error({ err: (err as Error).message, kind: (err as Error).name, attempts }, 'kube-dns registration failed; retrying'),
      });
      this.registrar = registrar;
      const onChange = (obj: KubeObject | DeletedFinalStateUnknown<KubeObject>) => {
        const o = isDeletedFinalStateUnknown(obj) ? obj.obj : obj;
        if (KubeDnsRegistrar.concerns(o)) registrar.onChange();
      };
      services.addEventHandler({ onUpdate: (_o, s: Service) => onChange(s), onDelete: onChange });
      this.endpointsInformer = createInformer(this.client.endpoints, { nc: this.nc, watchVia: config.watchVia, namespace: KUBE_DNS_NAMESPACE, logger: informerLogger });
      this.endpointsInformer.addEventHandler({ onUpdate: (_o, e) => onChange(e), onDelete: onChange });
      this.endpointsInformer.run(this.abort.signal);
      registrar.start();
    }
    this.factory.start(this.abort.signal);
    this.running = this.waitForSync();
  }

  private async waitForSync(): Promise<void> {
    const synced = await (this.factory as SharedInformerFactory).waitForCacheSync(this.abort.signal);
    if (this.abort.signal.aborted) return;
    if (!Object.values(synced).every(Boolean)) {
      this.logger.error({ synced }, 'caches did not sync');
      return;
    }
    this.synced = true;
    this.logger.info('caches synced; answering queries');
  }

  /** Deregisters (best effort, 2 s), closes the sockets, stops the informers and connections. Idempotent. */
  stop(): Promise<void> {
    this.stopped ??= (async () => {
      const registrar = this.registrar;
      if (registrar) {
        await Promise.race([registrar.stop(true).catch((err: unknown) => this.logger.warn({ err: (err as Error).message }, 'kube-dns deregistration failed')), new Promise((r) => setTimeout(r, 2000).unref())]);
      }
      this.abort.abort();
      await this.running;
      await this.dns?.stop();
      await this.factory?.stop();
      await this.endpointsInformer?.stop();
      await this.nc?.close().catch(() => undefined);
      this.client?.close();
      await closeHttpServer(this.http);
    })();
    return this.stopped;
  }
}
