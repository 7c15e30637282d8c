// Informers: list + watch into a local cache with event handlers, listers and
// indexes, shared per resource (client-go's tools/cache and informers).
//
//   const nc = await connect({ servers, maxReconnectAttempts: -1 });
//   const factory = new SharedInformerFactory(client, nc, { defaultResyncMs: 0 });
//   const pods = factory.informerFor('pods', { indexers: { [NODE_NAME_INDEX]: nodeNameIndexFunc } });
//   const queue = new RateLimitingQueue<string>();
//   pods.addEventHandler({
//     onAdd: (pod) => queue.add(metaNamespaceKey(pod)),
//     onUpdate: (_old, pod) => queue.add(metaNamespaceKey(pod)),
//     onDelete: (obj) => queue.add(deletionHandlingKey(obj)),
//   });
//   factory.start(signal);
//   await factory.waitForCacheSync(signal);
//   runWorkers(queue, 2, async (key) => { const pod = pods.lister.get(key); ... });
//
// Cached objects are shared by every handler and lister: never mutate them.
export { Backoff, type BackoffOptions } from './backoff';
export {
  createInformer,
  listWatchFor,
  SharedInformerFactory,
  type CreateInformerOptions,
  type InformerForOptions,
  type InformerResourceTypes,
  type InformerSourceOptions,
  type SharedInformerFactoryOptions,
  type WatchVia,
} from './factory';
export {
  deepFreeze,
  deletionHandlingKey,
  Indexer,
  metaNamespaceKey,
  NAMESPACE_INDEX,
  namespaceIndexFunc,
  NODE_NAME_INDEX,
  nodeNameIndexFunc,
  type IndexFunc,
  type Indexers,
  type Lister,
} from './indexer';
export {
  grpcListWatch,
  InformerDecodeError,
  isExpiredError,
  natsListWatch,
  storageResourceOf,
  type InformerWatch,
  type InformerWatchEvent,
  type ListWatch,
  type ListWatchList,
  type NatsListWatchOptions,
  type SourceOptions,
} from './list-watch';
export { SharedInformer, type Informer, type SharedInformerOptions } from './shared-informer';
export {
  consoleInformerLogger,
  DeletedFinalStateUnknown,
  isDeletedFinalStateUnknown,
  silentInformerLogger,
  type EventHandlerOptions,
  type EventHandlerRegistration,
  type EventMeta,
  type InformerLogger,
  type InformerMetrics,
  type RelistReason,
  type ResourceEventHandler,
  type TraceContext,
} from './types';
