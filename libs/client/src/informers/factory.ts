// SharedInformerFactory: one shared informer per resource for a whole
// component, after client-go's SharedInformerFactory.
//
//   const factory = new SharedInformerFactory(client, nc, { defaultResyncMs: 0 });
//   const pods = factory.informerFor('pods');
//   const services = factory.informerFor('services');
//   pods.addEventHandler({ onAdd: (p) => queue.add(objectKey(p)) });
//   factory.start(signal);
//   await factory.waitForCacheSync(signal);
import { findResource, type KindTypes } from '@k8ts/api';
import type { NatsConnection } from '@nats-io/transport-node';
import type { ApiClient } from '../api-client';
import type { KubeObject, ResourceClient } from '../resource-client';
import type { Clock } from '../workqueue/clock';
import type { BackoffOptions } from './backoff';
import type { Indexers } from './indexer';
import { grpcListWatch, type ListWatch, natsListWatch, type SourceOptions } from './list-watch';
import { SharedInformer } from './shared-informer';
import type { InformerLogger, InformerMetrics } from './types';

export type WatchVia = 'nats' | 'grpc';

/** Options shared by createInformer and the factory. */
export interface InformerSourceOptions extends SourceOptions {
  /** 'nats' (default): watch the change log in NATS; 'grpc': watch through the apiserver. */
  watchVia?: WatchVia;
  /** NATS watch tuning (see watchStream). */
  nats?: { stream?: string; bookmarkIntervalMs?: number; compactionCheckIntervalMs?: number };
  freezeObjects?: boolean;
  logger?: InformerLogger;
  metrics?: InformerMetrics;
  clock?: Clock;
  backoff?: BackoffOptions;
}

export interface CreateInformerOptions<T extends KubeObject> extends InformerSourceOptions {
  /** Required when watchVia is 'nats'. */
  nc?: NatsConnection;
  resyncPeriodMs?: number;
  indexers?: Indexers<T>;
  fieldsOf?: (obj: T) => Record<string, string>;
}

/** The ListWatch an informer of `client` uses. */
export function listWatchFor<T extends KubeObject>(client: ResourceClient<T>, nc: NatsConnection | undefined, opts: InformerSourceOptions = {}): ListWatch<T> {
  const source: SourceOptions = { namespace: opts.namespace, labelSelector: opts.labelSelector, fieldSelector: opts.fieldSelector };
  if ((opts.watchVia ?? 'nats') === 'grpc') return grpcListWatch(client, source);
  if (!nc) throw new Error(`informer for ${client.resource}: watchVia 'nats' needs a NATS connection (or use watchVia: 'grpc')`);
  return natsListWatch(client, nc, { ...source, ...opts.nats });
}

/** A standalone informer (not shared). Prefer the factory in components. */
export function createInformer<T extends KubeObject>(client: ResourceClient<T>, opts: CreateInformerOptions<T> = {}): SharedInformer<T> {
  return new SharedInformer<T>(listWatchFor(client, opts.nc, opts), {
    name: client.resource,
    resyncPeriodMs: opts.resyncPeriodMs,
    labelSelector: opts.labelSelector,
    fieldSelector: opts.fieldSelector,
    fieldsOf: opts.fieldsOf,
    indexers: opts.indexers,
    freezeObjects: opts.freezeObjects,
    logger: opts.logger,
    metrics: opts.metrics,
    clock: opts.clock,
    backoff: opts.backoff,
  });
}

/** Resource name → object type, for the resources components usually watch. */
export interface InformerResourceTypes {
  pods: KindTypes['Pod'];
  services: KindTypes['Service'];
  endpoints: KindTypes['Endpoints'];
  endpointslices: KindTypes['EndpointSlice'];
  nodes: KindTypes['Node'];
  namespaces: KindTypes['Namespace'];
  events: KindTypes['Event'];
  replicasets: KindTypes['ReplicaSet'];
  deployments: KindTypes['Deployment'];
  leases: KindTypes['Lease'];
}

export interface SharedInformerFactoryOptions extends InformerSourceOptions {
  /** Resync period of informers that do not set their own; 0 (default): no resync. */
  defaultResyncMs?: number;
}

export interface InformerForOptions<T extends KubeObject> {
  /** Only used when this call creates the informer. */
  resyncPeriodMs?: number;
  /** Added to the informer; an index of the same name must be the same function. */
  indexers?: Indexers<T>;
}

export class SharedInformerFactory {
  private readonly informers = new Map<string, SharedInformer<KubeObject>>();
  private readonly started = new Set<string>();
  private signal: AbortSignal | undefined;

  constructor(
    private readonly client: ApiClient,
    private readonly nc: NatsConnection | undefined,
    private readonly opts: SharedInformerFactoryOptions = {},
  ) {}

  /**
   * The shared informer of a resource ("pods", "deployments",
   * "deployments.apps", "po"...): created on first use, the same object
   * afterwards. Informers created after start() need another start().
   */
  informerFor<R extends keyof InformerResourceTypes>(resource: R, opts?: InformerForOptions<InformerResourceTypes[R]>): SharedInformer<InformerResourceTypes[R]>;
  informerFor(resource: string, opts?: InformerForOptions<KubeObject>): SharedInformer<KubeObject>;
  informerFor(resource: string, opts: InformerForOptions<KubeObject> = {}): SharedInformer<KubeObject> {
    const match = findResource(resource);
    if (!match || match.subresource) throw new Error(`no resource named ${JSON.stringify(resource)}`);
    const client = this.client.resource(match.info.kind);
    const name = client.resource;
    let informer = this.informers.get(name);
    if (!informer) {
      informer = new SharedInformer<KubeObject>(listWatchFor(client, this.nc, this.opts), {
        name,
        resyncPeriodMs: opts.resyncPeriodMs ?? this.opts.defaultResyncMs ?? 0,
        labelSelector: this.opts.labelSelector,
        fieldSelector: this.opts.fieldSelector,
        freezeObjects: this.opts.freezeObjects,
        logger: this.opts.logger,
        metrics: this.opts.metrics,
        clock: this.opts.clock,
        backoff: this.opts.backoff,
      });
      this.informers.set(name, informer);
    }
    if (opts.indexers) {
      const fresh: Indexers<KubeObject> = {};
      for (const [n, fn] of Object.entries(opts.indexers)) {
        const existing = informer.indexer.getIndexFunc(n);
        if (existing === undefined) fresh[n] = fn;
        else if (existing !== fn) throw new Error(`informer ${name} already has a different index named ${JSON.stringify(n)}`);
      }
      informer.addIndexers(fresh);
    }
    return informer;
  }

  /** Starts every informer not started yet; aborting the signal stops them. */
  start(signal?: AbortSignal): void {
    if (signal) this.signal = signal;
    for (const [name, informer] of this.informers) {
      if (this.started.has(name)) continue;
      this.started.add(name);
      informer.run(this.signal);
    }
  }

  /** Waits until every started informer has synced: resource → synced (false when aborted or stopped). */
  async waitForCacheSync(signal?: AbortSignal): Promise<Record<string, boolean>> {
    const names = [...this.started];
    const results = await Promise.all(names.map((n) => (this.informers.get(n) as SharedInformer<KubeObject>).waitForSync(signal)));
    return Object.fromEntries(names.map((n, i) => [n, results[i] as boolean]));
  }

  /** Stops every informer; resolves when their loops have ended. */
  async stop(): Promise<void> {
    await Promise.all([...this.informers.values()].map((i) => i.stop()));
  }
}

