// Wires the scheduler into a process: API client, NATS connection, shared
// informers, the Scheduler, the health/metrics server, leader election and
// the event recorder. stop() undoes all of it in order.
//
// Leader election (Lease kube-system/kube-scheduler by default): every
// replica runs the informers, so a standby is warm; only the leader runs the
// scheduling loop. A leader that loses the lease stops its loop and campaigns
// again (upstream exits and lets its supervisor restart it; k8ts processes
// have no supervisor in tests, so it stays up as a standby instead).
import { hostname } from 'node:os';
import { createApiClient, EventRecorder, LeaderElector, SharedInformerFactory } from '@k8ts/client';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import type { Logger } from 'pino';
import type { SchedulerConfig } from './config';
import { startSchedulerHttp, type SchedulerHttpServer } from './metrics/http-server';
import { SchedulerMetrics } from './metrics/scheduler-metrics';
import { Scheduler } from './scheduler';

/** A leader that has not renewed for leaseDuration + this is reported unhealthy (upstream's 20 s). */
const MAX_TOLERABLE_EXPIRED_LEASE_MS = 20_000;

export interface RunningScheduler {
  readonly scheduler: Scheduler;
  readonly http: SchedulerHttpServer;
  readonly identity: string;
  isLeader(): boolean;
  stop(): Promise<void>;
}

export async function startScheduler(config: SchedulerConfig, logger: Logger): Promise<RunningScheduler> {
  const client = createApiClient({ address: config.apiAddress, userAgent: `scheduler/${config.identity}` });
  let nc: NatsConnection | undefined;
  if (config.watchVia === 'nats') {
    nc = await connect({ servers: config.natsUrl.split(',').map((s) => s.trim()), maxReconnectAttempts: -1, reconnectTimeWait: 250, name: `scheduler ${config.identity}` });
  }
  const informerLog = logger.child({ component: 'informer' });
  const factory = new SharedInformerFactory(client, nc, { watchVia: config.watchVia, logger: informerLog });
  const informers = {
    nodes: factory.informerFor('nodes'),
    pods: factory.informerFor('pods'),
    services: factory.informerFor('services'),
    replicaSets: factory.informerFor('replicasets'),
  };
  const metrics = new SchedulerMetrics();
  const recorder = new EventRecorder({ sink: client.events, component: config.schedulerName, host: hostname(), reportingInstance: config.identity, logger: logger.child({ component: 'events' }) });
  const scheduler = new Scheduler({
    client,
    informers,
    recorder,
    metrics,
    logger,
    schedulerName: config.schedulerName,
    podInitialBackoffMs: config.podInitialBackoffSeconds * 1000,
    podMaxBackoffMs: config.podMaxBackoffSeconds * 1000,
  });

  const stopAll = new AbortController();
  let synced = false;
  let elector: LeaderElector | undefined;
  factory.start(stopAll.signal);

  const http = await startSchedulerHttp({
    host: config.bindAddress,
    port: config.port,
    registry: metrics.registry,
    healthy: () => elector?.check(MAX_TOLERABLE_EXPIRED_LEASE_MS) === undefined,
    ready: () => synced,
  });
  logger.info({ url: http.url, identity: config.identity }, 'health and metrics server listening');

  const syncedPromise = factory.waitForCacheSync(stopAll.signal).then((r) => {
    synced = Object.values(r).every(Boolean);
    if (synced) logger.info({}, 'informer caches synced');
    return synced;
  });

  // Schedules while `signal` is not aborted, once the caches are synced.
  const lead = async (signal: AbortSignal): Promise<void> => {
    if (!(await syncedPromise) || signal.aborted) return;
    await scheduler.run(signal);
  };

  let campaign: Promise<void>;
  if (config.leaderElect) {
    const le = new LeaderElector({
      client: client.leases,
      namespace: config.leaseNamespace,
      name: config.leaseName,
      identity: config.identity,
      leaseDurationMs: config.leaseDurationSeconds * 1000,
      renewDeadlineMs: config.renewDeadlineSeconds * 1000,
      retryPeriodMs: config.retryPeriodSeconds * 1000,
      releaseOnCancel: true,
      logger: logger.child({ component: 'leaderelection' }),
      callbacks: {
        onStartedLeading: (signal) => {
          logger.info({ identity: config.identity }, 'became leader; scheduling');
          return lead(signal);
        },
        onStoppedLeading: () => logger.info({ identity: config.identity }, 'not leading'),
        onNewLeader: (id) => {
          if (id !== config.identity) logger.info({ leader: id }, 'new leader elected');
        },
      },
    });
    elector = le;
    campaign = (async () => {
      while (!stopAll.signal.aborted) {
        await le.run(stopAll.signal);
        if (!stopAll.signal.aborted) logger.warn({ identity: config.identity }, 'leadership lost; campaigning again');
      }
    })();
  } else {
    campaign = lead(stopAll.signal);
  }

  let stopping: Promise<void> | undefined;
  return {
    scheduler,
    http,
    identity: config.identity,
    isLeader: () => (elector ? elector.isLeader() : true),
    stop: () =>
      (stopping ??= (async () => {
        stopAll.abort();
        scheduler.close(); // wakes the loop's pop()
        await campaign.catch((err: unknown) => logger.error({ err }, 'leader election failed'));
        await factory.stop();
        await recorder.shutdown();
        await http.stop();
        if (nc) await nc.close().catch(() => undefined);
        client.close();
      })()),
  };
}
