// The kube-controller-manager process: one gRPC client, one NATS connection
// for watches, one SharedInformerFactory shared by every selected controller
// (--controllers). Controllers are built first (they register informers and
// handlers), then the informers start; once the caches synced, the process
// campaigns for the Lease kube-system/kube-controller-manager and the leader
// runs every controller with its --concurrent-*-syncs workers. A health and
// metrics server answers /healthz, /readyz (caches synced) and /metrics.
//
// Losing the lease (not through stop()) is fatal as upstream: onFatal is
// called and main exits non-zero.
import { setMaxListeners } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { hostname } from 'node:os';
import { createApiClient, EventRecorder, LeaderElector, SharedInformerFactory, type ApiClient } from '@k8ts/client';
import type { NatsConnection } from '@nats-io/transport-node';
import { connectWithRetry } from '@k8ts/eventbus';
import { closeHttpServer, listenHealthServer } from '@k8ts/cli';
import pino, { type Logger } from 'pino';
import { collectDefaultMetrics, Gauge, Registry } from 'prom-client';
import type { ControllerManagerConfig } from '../config';
import { realClock, type Clock, type Controller, type ControllerContext, type ControllerFactory } from './context';
import { controllerFactories, workersFor } from './controllers';
import { errorText } from './queue-controller';
import { selectControllers } from './select-controllers';

export interface ControllerManagerOptions {
  logger?: Logger;
  /** The lease was lost, or running the controllers failed (default: log only). main exits non-zero. */
  onFatal?(): void;
  /** Default: controllerFactories. */
  factories?: Record<string, ControllerFactory>;
  clock?: Clock;
}

function connectNats(url: string, logger: Logger, deadlineMs: number, signal: AbortSignal): Promise<NatsConnection> {
  return connectWithRetry(url, { name: 'kube-controller-manager', deadlineMs, signal, onRetry: (info) => logger.warn(info, 'waiting for NATS') });
}

export class KubeControllerManager {
  readonly registry = new Registry();
  private readonly logger: Logger;
  private readonly abort = new AbortController();
  private readonly leaderStatus: Gauge<'name'>;
  private readonly recorders = new Map<string, EventRecorder>();
  private client: ApiClient | undefined;
  private nc: NatsConnection | undefined;
  private factory: SharedInformerFactory | undefined;
  private elector: LeaderElector | undefined;
  private server: Server | undefined;
  private controllers: Controller[] = [];
  private cachesSynced = false;
  private running: Promise<void> = Promise.resolve();
  private leading = false;
  private stopped: Promise<void> | undefined;

  constructor(
    readonly config: ControllerManagerConfig,
    private readonly opts: ControllerManagerOptions = {},
  ) {
    this.logger = opts.logger ?? pino({ name: 'kube-controller-manager', level: config.logLevel });
    collectDefaultMetrics({ register: this.registry });
    this.leaderStatus = new Gauge({
      name: 'leader_election_master_status',
      help: 'Gauge of whether this process is the leader (1) or not (0) of the named lease.',
      labelNames: ['name'],
      registers: [this.registry],
    });
  }

  /** The port of the health and metrics server (after start). */
  get port(): number {
    return (this.server?.address() as AddressInfo | null)?.port ?? this.config.port;
  }

  /** Names of the controllers this process runs. */
  get controllerNames(): string[] {
    return this.controllers.map((c) => c.name);
  }

  isLeader(): boolean {
    return this.leading;
  }

  /** Serves health and metrics, connects, builds the controllers, starts the informers; the rest runs in the background. */
  async start(): Promise<void> {
    const { config, logger } = this;
    const factories = this.opts.factories ?? controllerFactories;
    const names = selectControllers(config.controllers, Object.keys(factories));
    this.server = await listenHealthServer(this.config.bindAddress, this.config.port, {
      healthz: () => {
        const err = this.elector?.check(20_000);
        return err ? `leaderElection: ${err.message}` : undefined;
      },
      readyz: () => (this.cachesSynced ? undefined : 'informers not synced'),
      metrics: this.registry,
    });
    logger.info({ address: `${config.bindAddress}:${this.port}` }, 'serving /healthz, /readyz and /metrics');

    this.client = createApiClient({ address: config.apiAddress, userAgent: 'kube-controller-manager' });
    // One listener per informer and controller: more than the default 10, and bounded.
    setMaxListeners(0, this.abort.signal);
    if (config.watchVia === 'nats') this.nc = await connectNats(config.natsUrl, logger, 60_000, this.abort.signal);
    if (this.abort.signal.aborted) return;
    this.factory = new SharedInformerFactory(this.client, this.nc, { watchVia: config.watchVia, defaultResyncMs: 0, logger: logger.child({ component: 'informer' }) });

    for (const name of names) {
      const ctx: ControllerContext = {
        client: this.client,
        informers: this.factory,
        logger: logger.child({ controller: name }),
        config,
        clock: this.opts.clock ?? realClock,
        metrics: this.registry,
        recorder: (component) => this.recorder(component),
      };
      this.controllers.push((factories[name] as ControllerFactory)(ctx));
    }
    logger.info({ controllers: names }, 'controllers built');
    this.factory.start(this.abort.signal);
    this.running = this.run().catch((err) => {
      logger.error({ err: errorText(err) }, 'controller manager failed');
      this.opts.onFatal?.();
    });
  }

  private recorder(component: string): EventRecorder {
    let r = this.recorders.get(component);
    if (!r) {
      r = new EventRecorder({ sink: (this.client as ApiClient).events, component, host: hostname(), logger: this.logger.child({ component: 'events', source: component }) });
      this.recorders.set(component, r);
    }
    return r;
  }

  private async run(): Promise<void> {
    const { config, logger } = this;
    const signal = this.abort.signal;
    const synced = await (this.factory as SharedInformerFactory).waitForCacheSync(signal);
    if (signal.aborted) return;
    if (!Object.values(synced).every(Boolean)) throw new Error(`caches did not sync: ${JSON.stringify(synced)}`);
    this.cachesSynced = true;
    logger.info({ informers: Object.keys(synced) }, 'caches synced');

    const lead = async (leading: AbortSignal): Promise<void> => {
      // Every controller's workers and queues listen on the leading signal.
      setMaxListeners(0, leading);
      this.leading = true;
      this.leaderStatus.set({ name: config.leaseName }, 1);
      await Promise.all(
        this.controllers.map((c) =>
          c.run(workersFor(c.name, config), leading).catch((err) => {
            // A controller that stops running leaves the cluster unmanaged: give the lease up by exiting.
            logger.error({ controller: c.name, err: errorText(err) }, 'controller failed');
            this.opts.onFatal?.();
          }),
        ),
      );
      this.leading = false;
      this.leaderStatus.set({ name: config.leaseName }, 0);
    };

    if (!config.leaderElect) {
      await lead(signal);
      return;
    }
    this.leaderStatus.set({ name: config.leaseName }, 0);
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

  /** Stops the controllers, releases the lease, stops the informers, flushes events and closes every connection. Idempotent. */
  stop(): Promise<void> {
    this.stopped ??= (async () => {
      this.abort.abort();
      await this.running;
      await this.factory?.stop();
      await Promise.all([...this.recorders.values()].map((r) => withTimeout(r.flush(), 2000)));
      await this.nc?.close().catch(() => undefined);
      this.client?.close();
      await closeHttpServer(this.server);
    })();
    return this.stopped;
  }
}

function withTimeout(p: Promise<unknown>, ms: number): Promise<void> {
  return new Promise<void>((resolve) => {
    const t = setTimeout(resolve, ms);
    void p.finally(() => {
      clearTimeout(t);
      resolve();
    });
  });
}
