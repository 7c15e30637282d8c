// Shared types of the informers: event handlers, the delete tombstone,
// logging and metrics hooks.
import type { KubeObject } from '../resource-client';

/** W3C trace context of the write that caused a change. */
export interface TraceContext {
  traceparent: string;
  tracestate?: string;
}

/**
 * Passed as the last argument of every handler call.
 *  - `revision`: the resourceVersion of the change (opaque; for a resync or
 *    a relist tombstone, the object's or the list's resourceVersion);
 *  - `trace`: the trace context of the write that caused the change, when
 *    known (watch events). Continue it with
 *    `propagation.extract(ROOT_CONTEXT, meta.trace)` to make the
 *    controller's work part of the writer's trace.
 */
export interface EventMeta {
  revision: string;
  trace?: TraceContext;
}

/**
 * What onDelete gets when the informer learned of a deletion by relisting
 * (after an Expired watch) instead of from a watch event: `obj` is the last
 * state the cache had, which may be stale.
 */
export class DeletedFinalStateUnknown<T> {
  constructor(
    readonly key: string,
    readonly obj: T,
  ) {}
}

export function isDeletedFinalStateUnknown<T>(v: T | DeletedFinalStateUnknown<T>): v is DeletedFinalStateUnknown<T> {
  return v instanceof DeletedFinalStateUnknown;
}

/**
 * Event handlers, as client-go's ResourceEventHandlerFuncs. Calls are made in
 * event order, one at a time per informer: a handler that returns a promise
 * is awaited before the next call, so keep handlers short (enqueue a key,
 * work elsewhere). Exceptions and rejections are logged and never stop the
 * informer.
 *
 * The objects are the informer's cached objects, shared with every handler
 * and lister. Never mutate them: copy first (deepCopy from @k8ts/api).
 */
export interface ResourceEventHandler<T extends KubeObject> {
  /** isInInitialList: the object came with the first list (or the replay to a handler added later). */
  onAdd?(obj: T, isInInitialList: boolean, meta: EventMeta): void | Promise<void>;
  /** Also called with oldObj === newObj on periodic resyncs. */
  onUpdate?(oldObj: T, newObj: T, meta: EventMeta): void | Promise<void>;
  /**
   * The object's final state; or, when an object stopped matching the
   * informer's selectors, its first state that does not match; or a
   * DeletedFinalStateUnknown when the deletion was found by a relist.
   */
  onDelete?(obj: T | DeletedFinalStateUnknown<T>, meta: EventMeta): void | Promise<void>;
}

export interface EventHandlerOptions {
  /** Resync period of this handler (default: the informer's); 0 disables. */
  resyncPeriodMs?: number;
}

/** Returned by addEventHandler. */
export interface EventHandlerRegistration {
  /** The handler has been given every object of the initial list (or of its replay). */
  hasSynced(): boolean;
  /** Stops further calls to the handler. */
  remove(): void;
}

/** Structured logger; pino-compatible. */
export interface InformerLogger {
  debug(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

/** Logs warnings and errors to the console; drops debug and info. */
export const consoleInformerLogger: InformerLogger = {
  debug: () => undefined,
  info: () => undefined,
  warn: (obj, msg) => console.warn(`[informer] ${msg}`, obj),
  error: (obj, msg) => console.error(`[informer] ${msg}`, obj),
};

export const silentInformerLogger: InformerLogger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};

export type RelistReason = 'initial' | 'expired' | 'decode' | 'error';

/** Optional metrics hooks; every one gets the informer's name (the resource) first. */
export interface InformerMetrics {
  /** A list finished: how many objects, how long it took. */
  listed?(informer: string, items: number, durationMs: number): void;
  /** A list started (initial, or a relist and why). */
  relist?(informer: string, reason: RelistReason): void;
  /** A watch event was applied to the cache. */
  watchEvent?(informer: string, type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK'): void;
  /** A list or watch failed (it is retried). */
  watchError?(informer: string, err: unknown): void;
  /** A handler threw. */
  handlerError?(informer: string, err: unknown): void;
  /** Notifications waiting for the handlers. */
  pendingNotifications?(informer: string, depth: number): void;
}
