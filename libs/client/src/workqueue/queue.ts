// WorkQueue: the work queue of client-go's util/workqueue.
//
//  - Fair: items are handed out in the order they were added (FIFO).
//  - Stingy: an item added several times before a worker gets it is handed
//    out once.
//  - One worker per item: an item being processed is never handed to another
//    worker. Added again meanwhile, it is marked dirty and queued again when
//    the first worker calls done(item).
//  - Shutdown: shutDown() makes the queue ignore new items; get() still hands
//    out the items already queued, then resolves undefined.
//
// Items are compared like Map keys (SameValueZero): use strings such as
// "namespace/name" (the default type), numbers, or objects by reference.
// `undefined` is not a valid item: get() uses it to report shutdown.
import { type Clock, realClock } from './clock';
import { Fifo } from './fifo';
import type { WorkQueueMetrics } from './metrics';

export interface WorkQueueOptions {
  /** Shows up in logs and metrics of users (optional). */
  name?: string;
  /** Source of time (latency metrics, delays); default: the real clock. */
  clock?: Clock;
  metrics?: WorkQueueMetrics;
}

export class WorkQueue<T = string> {
  readonly name: string;
  protected readonly clock: Clock;
  protected readonly metrics: WorkQueueMetrics;

  /** Items to hand out, in order. Every one is also in `dirty`. */
  private readonly queue = new Fifo<T>();
  /** Items that need processing: queued, or re-added while processing. */
  private readonly dirty = new Set<T>();
  /** Items handed out and not yet done → when get() handed them out. */
  private readonly processing = new Map<T, number>();
  /** When each dirty item was added (for the queue latency metric). */
  private readonly addedAt = new Map<T, number>();
  /** get() calls waiting for an item; only non-empty while the queue is empty. */
  private readonly getters: Array<(item: T | undefined) => void> = [];
  private drainWaiters: Array<() => void> = [];
  private shutdown = false;
  private draining = false;

  constructor(opts: WorkQueueOptions = {}) {
    this.name = opts.name ?? '';
    this.clock = opts.clock ?? realClock;
    this.metrics = opts.metrics ?? {};
  }

  /** Marks item as needing processing. Ignored after shutdown. */
  add(item: T): void {
    if (this.shutdown) return;
    if (this.dirty.has(item)) return; // already waiting, or re-queued on done()
    this.dirty.add(item);
    this.addedAt.set(item, this.clock.now());
    this.metrics.add?.();
    this.metrics.depth?.(this.dirty.size);
    if (this.processing.has(item)) return; // done() queues it again
    this.enqueue(item);
  }

  /** Number of items waiting to be handed out. */
  len(): number {
    return this.queue.length;
  }

  /**
   * The next item, once there is one; the caller must call done(item) when
   * it has finished with it. Resolves undefined once the queue is shut down
   * and empty. Each call claims one item: a get() that nobody awaits still
   * takes (and holds) the next item.
   */
  get(): Promise<T | undefined> {
    if (this.queue.length > 0) return Promise.resolve(this.take());
    if (this.shutdown) return Promise.resolve(undefined);
    return new Promise<T | undefined>((resolve) => this.getters.push(resolve));
  }

  /**
   * Marks the processing of item as finished. If it was added again while
   * being processed, it is queued again now. Items not being processed are
   * ignored.
   */
  done(item: T): void {
    const startedAt = this.processing.get(item);
    if (startedAt === undefined) return;
    this.processing.delete(item);
    this.metrics.workDuration?.(this.clock.now() - startedAt);
    if (this.dirty.has(item)) this.enqueue(item);
    this.maybeFinishDrain();
  }

  /**
   * Ignores new items from now on. get() keeps handing out the items already
   * queued, then resolves undefined (waiting get() calls resolve at once).
   * Also ends a pending shutDownWithDrain() wait.
   */
  shutDown(): void {
    this.shutdown = true;
    this.draining = false;
    this.wakeGettersOnShutdown();
    this.resolveDrainWaiters();
  }

  /**
   * Like shutDown(), but resolves only once every queued item has been
   * handed out and every handed-out item is done. Workers must call done()
   * for each item, or this never resolves; a later shutDown() ends the wait.
   */
  shutDownWithDrain(): Promise<void> {
    this.shutdown = true;
    this.draining = true;
    const drained = new Promise<void>((resolve) => this.drainWaiters.push(resolve));
    this.wakeGettersOnShutdown();
    this.maybeFinishDrain();
    return drained;
  }

  shuttingDown(): boolean {
    return this.shutdown;
  }

  /** Items being processed (handed out, not yet done). */
  processingCount(): number {
    return this.processing.size;
  }

  private enqueue(item: T): void {
    this.queue.push(item);
    // Waiting getters exist only while the queue was empty: hand this item over.
    const getter = this.getters.shift();
    if (getter) getter(this.take());
  }

  /** Pops the head item and marks it as being processed. */
  private take(): T {
    const item = this.queue.shift() as T;
    const now = this.clock.now();
    this.processing.set(item, now);
    this.dirty.delete(item);
    const addedAt = this.addedAt.get(item);
    this.addedAt.delete(item);
    if (addedAt !== undefined) this.metrics.queueLatency?.(now - addedAt);
    this.metrics.depth?.(this.dirty.size);
    return item;
  }

  private wakeGettersOnShutdown(): void {
    // Getters only wait on an empty queue, so they all get undefined.
    for (const getter of this.getters.splice(0)) getter(undefined);
  }

  private maybeFinishDrain(): void {
    if (this.draining && this.processing.size === 0 && this.queue.length === 0) {
      this.draining = false;
      this.resolveDrainWaiters();
    }
  }

  private resolveDrainWaiters(): void {
    for (const resolve of this.drainWaiters.splice(0)) resolve();
  }
}
