// The endpoints-controller process, in the style of kube-controller-manager:
// shared informers (services, pods, endpoints, endpointslices) feed the
// EndpointsController's handlers on every replica; once the caches have
// synced, the replica campaigns for the Lease kube-system/k8ts-endpoints-
// controller, and only the leader runs the sync workers (those of the
// EndpointsController and of the EndpointSlice mirroring controller). A health and
// metrics server answers /healthz, /readyz (caches synced) and /metrics.
//
// Losing the lease (not through stop()) ends the process, as upstream does:
// the workers stop and onFatal is called (main exits non-zero).
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Endpoints, EndpointSlice, Pod, Service } from '@k8ts/api';
import {
  createApiClient,
  isDeletedFinalStateUnknown,
  LeaderElector,
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
import type { EndpointsControllerConfig } from '../config';
import { EndpointsController, type EndpointsControllerOptions } from '../controller/endpoints-controller';
import type { SyncResult } from '../controller/sync-service';
import { EndpointSliceMirroringController } from '../mirroring/mirroring-controller';
import { tracedMirroringSync } from '../mirroring/mirroring-tracing';
import { endpointSliceLister, endpointsLister, podLister, serviceLister } from './listers';
import { ControllerMetrics } from './metrics';
import { PendingTraces, tracedSync, TracingQueue } from './sync-tracing';

const QUEUE_NAME = 'endpoints';
const MIRRORING_QUEUE_NAME = 'endpoint_slice_mirroring';

/** The EndpointsController with every sync traced and measured. */
class InstrumentedEndpointsController extends EndpointsController {
  constructor(
    opts: EndpointsControllerOptions,
    private readonly traces: PendingTraces,
    private readonly metrics: ControllerMetrics,
  ) {
    super(opts);
  }

  override async sync(key: string): Promise<SyncResult> {
    const started = performance.now();
    let ok = false;
    try {
      const result = await tracedSync(key, this.traces, () => super.sync(key), (r, span) => {
        span.setAttribute('k8ts.sync.service', r.service);
        span.setAttribute('k8ts.sync.endpoints', r.endpoints);
      });
      ok = true;
      return result;
    } finally {
      this.metrics.observeSync(ok, (performance.now() - started) / 1000);
    }
  }
}

export interface ControllerManagerOptions {
  logger?: Logger;
  /** The lease was lost, or the controller loop failed (default: log only). main exits non-zero. */
  onFatal?(): void;
}

function unwrap<T>(obj: T | DeletedFinalStateUnknown<T>): T {
  return isDeletedFinalStateUnknown(obj) ? obj.obj : obj;
}

function connectNats(url: string, logger: Logger, deadlineMs: number, signal: AbortSignal): Promise<NatsConnection> {
  return connectWithRetry(url, { name: 'endpoints-controller', deadlineMs, signal, onRetry: (info) => logger.warn(info, 'waiting for NATS') });
}

export class EndpointsControllerManager {
  readonly metrics = new ControllerMetrics();
  readonly traces = new PendingTraces();
  private readonly logger: Logger;
  private readonly abort = new AbortController();
  private client: ApiClient | undefined;
  private nc: NatsConnection | undefined;
  private factory: SharedInformerFactory | undefined;
  private informers: SharedInformer<KubeObject>[] = [];
  private elector: LeaderElector | undefined;
  private server: Server | undefined;
  private running: Promise<void> = Promise.resolve();
  private leading = false;
  private stopped: Promise<void> | undefined;

  constructor(
    readonly config: EndpointsControllerConfig,
    private readonly opts: ControllerManagerOptions = {},
  ) {
    this.logger = opts.logger ?? pino({ name: 'endpoints-controller', level: config.logLevel });
  }

  /** The port of the health and metrics server (after start). */
  get port(): number {
    return (this.server?.address() as AddressInfo | null)?.port ?? this.config.port;
  }

  /** Every informer has synced. */
  synced(): boolean {
    return this.informers.length > 0 && this.informers.every((i) => i.hasSynced());
  }

  isLeader(): boolean {
    return this.leading;
  }

  /**
   * Serves health and metrics, connects, starts the informers, and in the
   * background waits for the caches, campaigns and runs the workers.
   */
  async start(): Promise<void> {
    const { config, logger } = this;
    this.server = await listenHealthServer(config.bindAddress, config.port, {
      healthz: () => {
        const err = this.elector?.check(20_000);
        return err ? `leaderElection: ${err.message}` : undefined;
      },
      readyz: () => (this.synced() ? undefined : 'informers not synced'),
      metrics: this.metrics.registry,
    });
    logger.info({ address: `${config.bindAddress}:${this.port}` }, 'serving /healthz, /readyz and /metrics');

    this.client = createApiClient({ address: config.apiAddress, userAgent: 'endpoints-controller' });
    if (config.watchVia === 'nats') this.nc = await connectNats(config.natsUrl, logger, 60_000, this.abort.signal);
    if (this.abort.signal.aborted) return;
    const informerLogger = logger.child({ component: 'informer' });
    this.factory = new SharedInformerFactory(this.client, this.nc, { watchVia: config.watchVia, defaultResyncMs: 0, logger: informerLogger });

    const services = this.factory.informerFor('services');
    const pods = this.factory.informerFor('pods');
    const endpoints = this.factory.informerFor('endpoints');
    const slices = this.factory.informerFor('endpointslices');
    this.informers = [services, pods, endpoints, slices] as unknown as SharedInformer<KubeObject>[];

    const controller = new InstrumentedEndpointsController(
      {
        serviceLister: serviceLister(services.lister),
        podLister: podLister(pods.lister),
        endpointsLister: endpointsLister(endpoints.lister),
        sliceLister: endpointSliceLister(slices.lister),
        client: this.client,
        maxEndpointsPerSlice: config.maxEndpointsPerSlice,
        queue: new TracingQueue(this.traces, { name: QUEUE_NAME, metrics: this.metrics.queueMetrics(QUEUE_NAME) }),
        onSyncError: (key, err, requeues) => logger.warn({ key, requeues, err: errText(err) }, 'sync failed; retrying'),
        onDrop: (key, err) => logger.error({ key, err: errText(err) }, 'sync failed too often; dropped'),
        onSynced: (key, r) => logger.debug({ key, ...r }, 'synced'),
      },
      this.traces,
      this.metrics,
    );
    const t = this.traces;
    services.addEventHandler({
      onAdd: (s: Service, _initial, meta) => t.during(meta, () => controller.onServiceAdd(s)),
      onUpdate: (o: Service, s: Service, meta) => t.during(meta, () => controller.onServiceUpdate(o, s)),
      onDelete: (s, meta) => t.during(meta, () => controller.onServiceDelete(unwrap(s))),
    });
    pods.addEventHandler({
      onAdd: (p: Pod, _initial, meta) => t.during(meta, () => controller.onPodAdd(p)),
      onUpdate: (o: Pod, p: Pod, meta) => t.during(meta, () => controller.onPodUpdate(o, p)),
      onDelete: (p, meta) => t.during(meta, () => controller.onPodDelete(unwrap(p))),
    });
    endpoints.addEventHandler({
      onDelete: (e, meta) => t.during(meta, () => controller.onEndpointsDelete(unwrap<Endpoints>(e))),
    });
    slices.addEventHandler({
      onAdd: (s: EndpointSlice, _initial, meta) => t.during(meta, () => controller.onEndpointSliceAdd(s)),
      onUpdate: (o: EndpointSlice, s: EndpointSlice, meta) => t.during(meta, () => controller.onEndpointSliceUpdate(o, s)),
      onDelete: (s, meta) => t.during(meta, () => controller.onEndpointSliceDelete(unwrap(s))),
    });
    // EndpointSlice mirroring of selectorless Services' Endpoints (same informers, same lease).
    const mt = new PendingTraces();
    const mirroring = new EndpointSliceMirroringController({
      serviceLister: serviceLister(services.lister),
      endpointsLister: endpointsLister(endpoints.lister),
      sliceLister: endpointSliceLister(slices.lister),
      client: this.client,
      maxEndpointsPerSubset: config.mirroringMaxEndpointsPerSubset,
      queue: new TracingQueue(mt, { name: MIRRORING_QUEUE_NAME, metrics: this.metrics.queueMetrics(MIRRORING_QUEUE_NAME) }),
      traceSync: (key, run) => tracedMirroringSync(key, mt, run),
      onSyncError: (key, err, requeues) => logger.warn({ key, requeues, err: errText(err) }, 'mirroring sync failed; retrying'),
      onDrop: (key, err) => logger.error({ key, err: errText(err) }, 'mirroring sync failed too often; dropped'),
      onSynced: (key, r) => logger.debug({ key, ...r }, 'mirrored'),
    });
    services.addEventHandler({
      onAdd: (s: Service, _initial, meta) => mt.during(meta, () => mirroring.onServiceAdd(s)),
      onUpdate: (o: Service, s: Service, meta) => mt.during(meta, () => mirroring.onServiceUpdate(o, s)),
      onDelete: (s, meta) => mt.during(meta, () => mirroring.onServiceDelete(unwrap(s))),
    });
    endpoints.addEventHandler({
      onAdd: (e: Endpoints, _initial, meta) => mt.during(meta, () => mirroring.onEndpointsAdd(e)),
      onUpdate: (o: Endpoints, e: Endpoints, meta) => mt.during(meta, () => mirroring.onEndpointsUpdate(o, e)),
      onDelete: (e, meta) => mt.during(meta, () => mirroring.onEndpointsDelete(unwrap<Endpoints>(e))),
    });
    slices.addEventHandler({
      onAdd: (s: EndpointSlice, _initial, meta) => mt.during(meta, () => mirroring.onEndpointSliceAdd(s)),
      onUpdate: (o: EndpointSlice, s: EndpointSlice, meta) => mt.during(meta, () => mirroring.onEndpointSliceUpdate(o, s)),
      onDelete: (s, meta) => mt.during(meta, () => mirroring.onEndpointSliceDelete(unwrap(s))),
    });
    this.factory.start(this.abort.signal);
    this.running = this.run(controller, mirroring, endpoints.lister.listKeys.bind(endpoints.lister)).catch((err) => {
      logger.error({ err: errText(err) }, 'controller loop failed');
      this.opts.onFatal?.();
    });
  }

  private async run(controller: EndpointsController, mirroring: EndpointSliceMirroringController, endpointsKeys: () => string[]): Promise<void> {
    const { config, logger } = this;
    const signal = this.abort.signal;
    const synced = await (this.factory as SharedInformerFactory).waitForCacheSync(signal);
    if (signal.aborted) return;
    if (!Object.values(synced).every(Boolean)) throw new Error(`caches did not sync: ${JSON.stringify(synced)}`);
    logger.info({ workers: config.workers }, 'caches synced');

    // Leftover Endpoints of Services deleted while nobody was syncing (upstream checkLeftoverEndpoints).
    const lead = async (leading: AbortSignal): Promise<void> => {
      this.leading = true;
      this.metrics.leaderStatus.set({ name: config.leaseName }, 1);
      controller.enqueueAll(endpointsKeys());
      mirroring.enqueueAll(endpointsKeys());
      const stopWorkers = controller.run(config.workers, leading);
      const stopMirroring = mirroring.run(config.mirroringWorkers, leading);
      if (!leading.aborted) await new Promise<void>((r) => leading.addEventListener('abort', () => r(), { once: true }));
      await Promise.all([stopWorkers(), stopMirroring()]);
      this.leading = false;
      this.metrics.leaderStatus.set({ name: config.leaseName }, 0);
    };

    if (!config.leaderElect) {
      await lead(signal);
      return;
    }
    this.metrics.leaderStatus.set({ name: config.leaseName }, 0);
    let led = false;
    this.elector = new LeaderElector({
      client: (this.client as ApiClient).leases,
      namespace: config.leaseNamespace,
      name: config.leaseName,
      identity: config.identity,
      leaseDurationMs: config.leaseDurationSeconds * 1000,
      renewDeadlineMs: config.renewDeadlineSeconds * 1000,
      retryPeriodMs: config.retryPeriodSeconds * 1000,
      logger: logger.child({ component: 'leaderelection' }),
      callbacks: {
        onStartedLeading: (leading) => {
          led = true;
          logger.info({ identity: config.identity, lease: `${config.leaseNamespace}/${config.leaseName}` }, 'started leading');
          return lead(leading);
        },
        onNewLeader: (identity) => logger.info({ leader: identity, me: identity === config.identity }, 'new leader'),
      },
    });
    await this.elector.run(signal);
    if (led && !signal.aborted) {
      logger.error({ identity: config.identity }, 'leader election lost');
      this.opts.onFatal?.();
    }
  }

  /** Stops the workers, releases the lease, stops the informers and closes every connection. Idempotent. */
  stop(): Promise<void> {
    this.stopped ??= (async () => {
      this.abort.abort();
      await this.running;
      await this.factory?.stop();
      await this.nc?.close().catch(() => undefined);
      this.client?.close();
      await closeHttpServer(this.server);
    })();
    return this.stopped;
  }
}

function errText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
