// The garbage collector, built from the controller-manager context.
import type { KubeObject } from '@k8ts/client';
import { Counter } from 'prom-client';
import type { Controller, ControllerContext } from '../manager/context';
import { gcApiFromClient } from './gc-api';
import { GarbageCollector } from './garbage-collector';
import { type MonitoredLister, ObjectCache } from './object-cache';
import { OWNER_UID_INDEX, ownerUidIndexFunc } from './owner-index';

export { GarbageCollector, type GarbageCollectorOptions, type SyncOutcome } from './garbage-collector';
export { gcApiFromClient, type GcApi } from './gc-api';
export { ObjectCache } from './object-cache';
export { OWNER_UID_INDEX, ownerUidIndexFunc } from './owner-index';
export { FINALIZER_DELETE_DEPENDENTS, FINALIZER_ORPHAN } from './well-known';

/**
 * Resources whose objects the collector watches, as dependents and as
 * owners found in the cache (kind → informer resource). Owners of other
 * kinds are read live.
 */
export const MONITORED_RESOURCES: Readonly<Record<string, string>> = {
  Pod: 'pods',
  ReplicaSet: 'replicasets',
  Deployment: 'deployments',
  EndpointSlice: 'endpointslices',
  Service: 'services',
  Lease: 'leases',
  Node: 'nodes',
};

export function newGarbageCollector(ctx: ControllerContext): Controller {
  const monitored: MonitoredLister[] = [];
  const informers = Object.entries(MONITORED_RESOURCES).map(([kind, resource]) => {
    const informer = ctx.informers.informerFor(resource, { indexers: { [OWNER_UID_INDEX]: ownerUidIndexFunc } });
    monitored.push({ kind, lister: informer.lister });
    return { kind, informer };
  });
  const deletions = new Counter({ name: 'garbagecollector_deletions_total', help: 'Objects deleted by the garbage collector', labelNames: ['kind', 'policy'], registers: [ctx.metrics] });
  const orphaned = new Counter({ name: 'garbagecollector_orphaned_total', help: 'Dependents released by Orphan deletes', labelNames: ['kind'], registers: [ctx.metrics] });
  const finalizers = new Counter({ name: 'garbagecollector_finalizers_removed_total', help: 'foregroundDeletion/orphan finalizers removed', labelNames: ['kind', 'finalizer'], registers: [ctx.metrics] });
  const gc = new GarbageCollector({
    cache: new ObjectCache(monitored),
    api: gcApiFromClient(ctx.client),
    logger: ctx.logger,
    metrics: {
      deleted: (kind, policy) => deletions.inc({ kind, policy }),
      orphaned: (kind) => orphaned.inc({ kind }),
      finalizerRemoved: (kind, finalizer) => finalizers.inc({ kind, finalizer }),
    },
  });
  for (const { kind, informer } of informers) {
    informer.addEventHandler({
      onAdd: (obj: KubeObject) => gc.onAdd(kind, obj),
      onUpdate: (old: KubeObject, obj: KubeObject) => gc.onUpdate(kind, old, obj),
      onDelete: (obj) => gc.onDelete(kind, obj),
    });
  }
  return { name: 'garbagecollector', run: (workers, signal) => gc.run(workers, signal) };
}
