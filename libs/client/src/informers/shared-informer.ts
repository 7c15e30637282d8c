// SharedInformer: list + watch one resource into a local cache and tell
// event handlers about every change, after client-go's sharedIndexInformer.
//
//   reflector loop ── list ──► diff against the cache ──┐
//        │                                              ├─► Indexer (cache, updated at once)
//        └── watch from the list's resourceVersion ─────┘   └─► notification queue ─► handlers
//
// * The first list delivers onAdd(obj, isInInitialList=true) for every
//   object; hasSynced() turns true once the handlers have been given all of
//   them.
// * Watch events update the cache and queue onAdd / onUpdate / onDelete.
//   Selectors are applied to watch events here (the NATS change log is not
//   filtered): an object that starts matching is an add, one that stops
//   matching is a delete.
// * A watch that ends or fails is resumed from the last resourceVersion seen
//   (events and bookmarks), with capped, jittered exponential backoff.
// * When the resourceVersion is gone (Expired/Gone, at the start of a watch or
//   later) or an event cannot be decoded, the informer lists again and
//   delivers only the differences to its cache: adds, updates of objects
//   whose resourceVersion changed, and deletes as DeletedFinalStateUnknown.
// * Handlers run one call at a time, in order; a returned promise is awaited.
//   The cache runs ahead of the handlers (as in client-go): a lister may
//   already show a change whose notification is still queued.
// * Periodic resync (resyncPeriodMs > 0) calls onUpdate(obj, obj) for every
//   cached object.
// * Objects in the cache and in handler calls are shared: never mutate them.
//   freezeObjects: true deep-freezes them, to prove that in tests.
import { type FieldSelector, getFieldValue, parseFieldSelector, parseSelector, type Selector } from '@k8ts/apimachinery';
import type { KubeObject } from '../resource-client';
import { type Clock, realClock, type TimerHandle } from '../workqueue/clock';
import { Backoff, type BackoffOptions } from './backoff';
import { deepFreeze, Indexer, type Indexers, type Lister } from './indexer';
import { InformerDecodeError, type InformerWatch, type InformerWatchEvent, isExpiredError, type ListWatch, type ListWatchList } from './list-watch';
import {
  consoleInformerLogger,
  DeletedFinalStateUnknown,
  type EventHandlerOptions,
  type EventHandlerRegistration,
  type EventMeta,
  type InformerLogger,
  type InformerMetrics,
  type RelistReason,
  type ResourceEventHandler,
} from './types';

export interface SharedInformerOptions<T extends KubeObject> {
  /** Name in logs and metrics (usually the resource). */
  name?: string;
  /** Default resync period of handlers; 0 (default) disables resync. */
  resyncPeriodMs?: number;
  /** Label selector the watch events are filtered with (the ListWatch applies it to the list). */
  labelSelector?: string;
  /** Field selector the watch events are filtered with (the ListWatch applies it to the list). */
  fieldSelector?: string;
  /** Field values of an object for the field selector; default: the dotted path's value, or ''. */
  fieldsOf?: (obj: T) => Record<string, string>;
  /** Extra indexes ("namespace" is always there). */
  indexers?: Indexers<T>;
  /** Deep-freeze cached objects (tests: proves nobody mutates them). */
  freezeObjects?: boolean;
  logger?: InformerLogger;
  metrics?: InformerMetrics;
  clock?: Clock;
  /** Retry delays of failed lists and watches. */
  backoff?: BackoffOptions;
  /** Randomness of the backoff jitter (tests). */
  random?: () => number;
}

/** What controllers use of an informer. */
export interface Informer<T extends KubeObject> {
  readonly name: string;
  /** The cache, with its indexes. Objects in it must not be mutated. */
  readonly indexer: Indexer<T>;
  readonly lister: Lister<T>;
  addEventHandler(handler: ResourceEventHandler<T>, opts?: EventHandlerOptions): EventHandlerRegistration;
  removeEventHandler(registration: EventHandlerRegistration): void;
  addIndexers(indexers: Indexers<T>): void;
  /** The initial list has been delivered to the handlers. */
  hasSynced(): boolean;
  /** Resolves true once synced, false if the signal aborts or the informer stops first. */
  waitForSync(signal?: AbortSignal): Promise<boolean>;
  /** The resourceVersion the cache is at (last list, event or bookmark). */
  lastSyncResourceVersion(): string;
  /** Starts listing and watching (idempotent); aborting the signal stops the informer. */
  run(signal?: AbortSignal): void;
  /** Stops the informer; resolves once its list/watch loop has ended. */
  stop(): Promise<void>;
  isStopped(): boolean;
}

type Notification<T extends KubeObject> =
  | { kind: 'add'; regs: Registration<T>[]; obj: T; initial: boolean; meta: EventMeta }
  | { kind: 'update'; regs: Registration<T>[]; oldObj: T; newObj: T; meta: EventMeta }
  | { kind: 'delete'; regs: Registration<T>[]; obj: T | DeletedFinalStateUnknown<T>; meta: EventMeta }
  | { kind: 'mark'; run: () => void };

class Registration<T extends KubeObject> implements EventHandlerRegistration {
  removed = false;
  synced = false;
  resyncPending = false;
  timer: TimerHandle | undefined;

  constructor(
    readonly handler: ResourceEventHandler<T>,
    readonly resyncPeriodMs: number,
    private readonly informer: SharedInformer<T>,
  ) {}

  hasSynced(): boolean {
    return this.synced && !this.removed;
  }

  remove(): void {
    this.informer.removeEventHandler(this);
  }
}

export class SharedInformer<T extends KubeObject> implements Informer<T> {
  readonly name: string;
  readonly indexer: Indexer<T>;
  private readonly log: InformerLogger;
  private readonly metrics: InformerMetrics;
  private readonly clock: Clock;
  private readonly backoff: Backoff;
  private readonly resyncPeriodMs: number;
  private readonly labels: Selector | undefined;
  private readonly fields: FieldSelector | undefined;
  private readonly freeze: boolean;

  private registrations: Registration<T>[] = [];
  private queue: Notification<T>[] = [];
  private queueHead = 0;
  private dispatching = false;

  private listed = false;
  private synced = false;
  private syncWaiters: Array<(synced: boolean) => void> = [];
  private resourceVersion = '';
  private started = false;
  private stopped = false;
  private readonly abort = new AbortController();
  private loopDone: Promise<void> = Promise.resolve();
  private currentWatch: InformerWatch<T> | undefined;

  constructor(
    private readonly listWatch: ListWatch<T>,
    private readonly opts: SharedInformerOptions<T> = {},
  ) {
    this.name = opts.name ?? 'informer';
    this.indexer = new Indexer<T>(opts.indexers ?? {});
    this.log = opts.logger ?? consoleInformerLogger;
    this.metrics = opts.metrics ?? {};
    this.clock = opts.clock ?? realClock;
    this.backoff = new Backoff(opts.backoff, opts.random);
    this.resyncPeriodMs = opts.resyncPeriodMs ?? 0;
    this.labels = opts.labelSelector ? parseSelector(opts.labelSelector) : undefined;
    this.fields = opts.fieldSelector ? parseFieldSelector(opts.fieldSelector) : undefined;
    this.freeze = opts.freezeObjects ?? false;
  }

  get lister(): Lister<T> {
    return this.indexer;
  }

  addIndexers(indexers: Indexers<T>): void {
    this.indexer.addIndexers(indexers);
  }

  addEventHandler(handler: ResourceEventHandler<T>, opts: EventHandlerOptions = {}): EventHandlerRegistration {
    const reg = new Registration<T>(handler, opts.resyncPeriodMs ?? this.resyncPeriodMs, this);
    if (this.stopped) {
      reg.removed = true;
      return reg;
    }
    this.registrations.push(reg);
    if (this.listed) {
      // Late joiner: replay the cache as it is now; later changes follow it in the queue.
      for (const obj of this.indexer.list()) this.enqueue({ kind: 'add', regs: [reg], obj, initial: true, meta: { revision: revisionOf(obj) } });
      this.enqueue({ kind: 'mark', run: () => (reg.synced = true) });
    }
    if (this.started) this.scheduleResync(reg);
    return reg;
  }

  removeEventHandler(registration: EventHandlerRegistration): void {
    const reg = registration as Registration<T>;
    reg.removed = true;
    if (reg.timer !== undefined) this.clock.clearTimeout(reg.timer);
    this.registrations = this.registrations.filter((r) => r !== reg);
  }

  hasSynced(): boolean {
    return this.synced;
  }

  waitForSync(signal?: AbortSignal): Promise<boolean> {
    if (this.synced) return Promise.resolve(true);
    if (this.stopped || signal?.aborted) return Promise.resolve(false);
    return new Promise<boolean>((resolve) => {
      const done = (v: boolean) => {
        signal?.removeEventListener('abort', onAbort);
        this.syncWaiters = this.syncWaiters.filter((w) => w !== done);
        resolve(v);
      };
      const onAbort = () => done(false);
      signal?.addEventListener('abort', onAbort, { once: true });
      this.syncWaiters.push(done);
    });
  }

  lastSyncResourceVersion(): string {
    return this.resourceVersion;
  }

  isStopped(): boolean {
    return this.stopped;
  }

  run(signal?: AbortSignal): void {
    if (this.started || this.stopped) return;
    this.started = true;
    if (signal?.aborted) {
      void this.stop();
      return;
    }
    signal?.addEventListener('abort', () => void this.stop(), { once: true });
    for (const reg of this.registrations) this.scheduleResync(reg);
    this.loopDone = this.loop().catch((err: unknown) => {
      this.log.error({ informer: this.name, err }, 'informer loop crashed');
    });
  }

  async stop(): Promise<void> {
    if (!this.stopped) {
      this.stopped = true;
      this.abort.abort();
      this.currentWatch?.stop();
      for (const reg of this.registrations) if (reg.timer !== undefined) this.clock.clearTimeout(reg.timer);
      this.queue = [];
      this.queueHead = 0;
      for (const w of [...this.syncWaiters]) w(false);
    }
    await this.loopDone;
  }

  // ---- reflector -------------------------------------------------------------

  private async loop(): Promise<void> {
    const signal = this.abort.signal;
    let needList = true;
    let reason: RelistReason = 'initial';
    let relistsWithoutProgress = 0;
    while (!this.stopped) {
      if (needList) {
        if (relistsWithoutProgress > 0 && !(await this.backoff.wait(this.clock, signal))) break;
        relistsWithoutProgress++;
        this.metrics.relist?.(this.name, reason);
        const startedAt = this.clock.now();
        let listed: ListWatchList<T>;
        try {
          listed = await this.listWatch.list(signal);
        } catch (err) {
          if (this.stopped) break;
          this.failed('list', err);
          reason = 'error';
          continue;
        }
        if (this.stopped) break;
        this.metrics.listed?.(this.name, listed.items.length, this.clock.now() - startedAt);
        this.applyList(listed);
        needList = false;
      }

      let watch: InformerWatch<T>;
      const watchStartedAt = this.clock.now();
      try {
        watch = await this.listWatch.watch(this.resourceVersion, signal);
      } catch (err) {
        if (this.stopped) break;
        const relist = this.relistReason(err);
        if (relist) {
          needList = true;
          reason = relist;
          this.log.info({ informer: this.name, resourceVersion: this.resourceVersion, err }, 'watch cannot start from this resourceVersion; relisting');
        } else {
          this.failed('watch', err);
          if (!(await this.backoff.wait(this.clock, signal))) break;
        }
        continue;
      }
      if (this.stopped) {
        watch.stop();
        break;
      }
      this.currentWatch = watch;
      let progressed = false;
      try {
        for await (const ev of watch) {
          if (this.stopped) break;
          this.applyEvent(ev);
          if (!progressed) {
            progressed = true;
            relistsWithoutProgress = 0;
            this.backoff.reset();
          }
        }
        if (this.stopped) break;
        this.log.debug({ informer: this.name, resourceVersion: this.resourceVersion }, 'watch ended; resuming');
        // A watch that ends at once, again and again, must not spin.
        if (!progressed && this.clock.now() - watchStartedAt < 1000 && !(await this.backoff.wait(this.clock, signal))) break;
      } catch (err) {
        if (this.stopped) break;
        const relist = this.relistReason(err);
        if (relist) {
          needList = true;
          reason = relist;
          this.log.info({ informer: this.name, resourceVersion: this.resourceVersion, err }, 'watch expired; relisting');
        } else {
          this.failed('watch', err);
          if (!(await this.backoff.wait(this.clock, signal))) break;
        }
      } finally {
        watch.stop();
        this.currentWatch = undefined;
      }
    }
  }

  private relistReason(err: unknown): RelistReason | undefined {
    if (isExpiredError(err)) return 'expired';
    if (err instanceof InformerDecodeError) return 'decode';
    return undefined;
  }

  private failed(what: 'list' | 'watch', err: unknown): void {
    this.metrics.watchError?.(this.name, err);
    this.log.warn({ informer: this.name, resourceVersion: this.resourceVersion, err }, `${what} failed; retrying with backoff`);
  }

  /** The first list fills the cache; later ones deliver only what changed. */
  private applyList(listed: ListWatchList<T>): void {
    const regs = [...this.registrations];
    const incoming = new Map<string, T>();
    for (const obj of listed.items) {
      if (!this.matches(obj)) continue;
      let key: string;
      try {
        key = this.indexer.keyOf(obj);
      } catch (err) {
        this.log.warn({ informer: this.name, err }, 'ignoring a listed object without a name');
        continue;
      }
      incoming.set(key, this.prepare(obj));
    }
    if (!this.listed) {
      for (const obj of incoming.values()) {
        this.indexer.set(obj);
        this.enqueue({ kind: 'add', regs, obj, initial: true, meta: { revision: revisionOf(obj, listed.resourceVersion) } });
      }
      this.listed = true;
      this.enqueue({
        kind: 'mark',
        run: () => {
          for (const reg of regs) reg.synced = true;
          this.synced = true;
          for (const w of [...this.syncWaiters]) w(true);
        },
      });
    } else {
      let adds = 0;
      let updates = 0;
      let deletes = 0;
      for (const [key, old] of this.indexer.entries()) {
        if (incoming.has(key)) continue;
        this.indexer.delete(key);
        this.enqueue({ kind: 'delete', regs, obj: new DeletedFinalStateUnknown(key, old), meta: { revision: listed.resourceVersion } });
        deletes++;
      }
      for (const [key, obj] of incoming) {
        const old = this.indexer.get(key);
        if (!old) {
          this.indexer.set(obj);
          this.enqueue({ kind: 'add', regs, obj, initial: false, meta: { revision: revisionOf(obj, listed.resourceVersion) } });
          adds++;
        } else if (revisionOf(old) !== revisionOf(obj)) {
          this.indexer.set(obj);
          this.enqueue({ kind: 'update', regs, oldObj: old, newObj: obj, meta: { revision: revisionOf(obj, listed.resourceVersion) } });
          updates++;
        }
      }
      this.log.info({ informer: this.name, resourceVersion: listed.resourceVersion, adds, updates, deletes }, 'relisted');
    }
    this.resourceVersion = listed.resourceVersion;
  }

  private applyEvent(ev: InformerWatchEvent<T>): void {
    this.metrics.watchEvent?.(this.name, ev.type);
    if (ev.type === 'BOOKMARK') {
      this.resourceVersion = ev.resourceVersion;
      return;
    }
    let key: string;
    try {
      key = this.indexer.keyOf(ev.object);
    } catch (err) {
      this.log.warn({ informer: this.name, resourceVersion: ev.resourceVersion, err }, 'ignoring a watch event without a name');
      this.resourceVersion = ev.resourceVersion;
      return;
    }
    const obj = this.prepare(ev.object);
    const meta: EventMeta = ev.trace ? { revision: ev.resourceVersion, trace: ev.trace } : { revision: ev.resourceVersion };
    const regs = [...this.registrations];
    const old = this.indexer.get(key);
    if (ev.type === 'DELETED' || !this.matches(obj)) {
      if (old) {
        this.indexer.delete(key);
        this.enqueue({ kind: 'delete', regs, obj, meta });
      }
    } else if (!old) {
      this.indexer.set(obj);
      this.enqueue({ kind: 'add', regs, obj, initial: false, meta });
    } else if (revisionOf(old) !== revisionOf(obj)) {
      this.indexer.set(obj);
      this.enqueue({ kind: 'update', regs, oldObj: old, newObj: obj, meta });
    }
    this.resourceVersion = ev.resourceVersion;
  }

  private prepare(obj: T): T {
    return this.freeze ? deepFreeze(obj) : obj;
  }

  private matches(obj: T): boolean {
    if (this.labels && !this.labels.matches(obj.metadata?.labels ?? {})) return false;
    if (this.fields) {
      const fs = this.fields;
      const values = this.opts.fieldsOf ? this.opts.fieldsOf(obj) : defaultFields(obj, fs);
      if (!fs.matches(values)) return false;
    }
    return true;
  }

  // ---- resync ------------------------------------------------------------------

  private scheduleResync(reg: Registration<T>): void {
    if (reg.resyncPeriodMs <= 0 || reg.removed || this.stopped) return;
    reg.timer = this.clock.setTimeout(() => {
      reg.timer = undefined;
      if (this.stopped || reg.removed) return;
      if (this.synced && !reg.resyncPending) {
        reg.resyncPending = true;
        for (const obj of this.indexer.list()) {
          this.enqueue({ kind: 'update', regs: [reg], oldObj: obj, newObj: obj, meta: { revision: revisionOf(obj) } });
        }
        this.enqueue({ kind: 'mark', run: () => (reg.resyncPending = false) });
      }
      this.scheduleResync(reg);
    }, reg.resyncPeriodMs);
  }

  // ---- handler dispatch ----------------------------------------------------------

  private enqueue(n: Notification<T>): void {
    if (this.stopped) return;
    this.queue.push(n);
    this.metrics.pendingNotifications?.(this.name, this.queue.length - this.queueHead);
    if (!this.dispatching) {
      this.dispatching = true;
      // Handlers never run inside the cache update that queued them.
      queueMicrotask(() => void this.dispatch());
    }
  }

  private async dispatch(): Promise<void> {
    try {
      while (!this.stopped && this.queueHead < this.queue.length) {
        const n = this.queue[this.queueHead++] as Notification<T>;
        if (this.queueHead > 1024 && this.queueHead * 2 > this.queue.length) {
          this.queue = this.queue.slice(this.queueHead);
          this.queueHead = 0;
        }
        await this.deliver(n);
        this.metrics.pendingNotifications?.(this.name, this.queue.length - this.queueHead);
      }
    } finally {
      this.dispatching = false;
    }
    // Something was queued while the last handler call was finishing.
    if (!this.stopped && this.queueHead < this.queue.length) {
      this.dispatching = true;
      void this.dispatch();
    }
  }

  private async deliver(n: Notification<T>): Promise<void> {
    if (n.kind === 'mark') {
      n.run();
      return;
    }
    for (const reg of n.regs) {
      if (reg.removed || this.stopped) continue;
      const h = reg.handler;
      try {
        let r: void | Promise<void> | undefined;
        if (n.kind === 'add') r = h.onAdd?.(n.obj, n.initial, n.meta);
        else if (n.kind === 'update') r = h.onUpdate?.(n.oldObj, n.newObj, n.meta);
        else r = h.onDelete?.(n.obj, n.meta);
        if (r && typeof (r as Promise<void>).then === 'function') await r;
      } catch (err) {
        this.metrics.handlerError?.(this.name, err);
        this.log.error({ informer: this.name, event: n.kind, revision: n.meta.revision, err }, 'event handler failed');
      }
    }
  }
}

/** An object's resourceVersion ('' or the fallback when unset). */
function revisionOf(obj: KubeObject, fallback = ''): string {
  return obj.metadata?.resourceVersion || fallback;
}

/** The values a field selector needs, read as dotted paths ('' when absent). */
function defaultFields(obj: KubeObject, selector: FieldSelector): Record<string, string> {
  const out: Record<string, string> = {};
  for (const r of selector.requirements()) {
    out[r.field] = r.field === 'metadata.namespace' ? (obj.metadata?.namespace ?? '') : (getFieldValue(obj, r.field) ?? '');
  }
  return out;
}
