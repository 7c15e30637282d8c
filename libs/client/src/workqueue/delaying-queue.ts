// DelayingQueue: a WorkQueue that can also add an item later (client-go's
// DelayingInterface). Waiting items are kept in a heap ordered by ready time,
// with one clock timer set for the earliest of them.
import { MinHeap } from './min-heap';
import { WorkQueue, type WorkQueueOptions } from './queue';

interface WaitEntry<T> {
  item: T;
  readyAt: number;
  /** Tie-breaker: items ready at the same time are added in call order. */
  seq: number;
}

export class DelayingQueue<T = string> extends WorkQueue<T> {
  /** May hold stale entries (superseded by an earlier ready time); see `waiting`. */
  private readonly heap = new MinHeap<WaitEntry<T>>((a, b) => a.readyAt < b.readyAt || (a.readyAt === b.readyAt && a.seq < b.seq));
  /** The live entry of each waiting item. */
  private readonly waiting = new Map<T, WaitEntry<T>>();
  private nextSeq = 0;
  private timer: unknown;
  private timerAt: number | undefined;

  constructor(opts: WorkQueueOptions = {}) {
    super(opts);
  }

  /**
   * Adds item once ms have passed (at once if ms <= 0). If item is already
   * waiting, it keeps the earlier of the two ready times. Ignored after
   * shutdown.
   */
  addAfter(item: T, ms: number): void {
    if (this.shuttingDown()) return;
    this.metrics.retry?.();
    if (!(ms > 0)) {
      this.add(item);
      return;
    }
    const readyAt = this.clock.now() + ms;
    const existing = this.waiting.get(item);
    if (existing && existing.readyAt <= readyAt) return;
    // An existing later entry stays in the heap as a stale entry and is skipped.
    const entry: WaitEntry<T> = { item, readyAt, seq: this.nextSeq++ };
    this.waiting.set(item, entry);
    this.heap.push(entry);
    this.schedule();
  }

  /** Number of items waiting for their delay to pass. */
  waitingLen(): number {
    return this.waiting.size;
  }

  override shutDown(): void {
    this.stopWaiting();
    super.shutDown();
  }

  override shutDownWithDrain(): Promise<void> {
    this.stopWaiting();
    return super.shutDownWithDrain();
  }

  /** Drops delayed items: nothing is added after shutdown anyway. */
  private stopWaiting(): void {
    this.clearTimer();
    this.heap.clear();
    this.waiting.clear();
  }

  /** Adds every item whose time has come, then arms the timer for the next one. */
  private fire(): void {
    this.timer = undefined;
    this.timerAt = undefined;
    const now = this.clock.now();
    for (let entry = this.heap.peek(); entry && entry.readyAt <= now; entry = this.heap.peek()) {
      this.heap.pop();
      if (this.waiting.get(entry.item) !== entry) continue; // stale
      this.waiting.delete(entry.item);
      this.add(entry.item);
    }
    this.schedule();
  }

  private schedule(): void {
    // Skip stale entries at the top so the timer targets a live one.
    for (let top = this.heap.peek(); top && this.waiting.get(top.item) !== top; top = this.heap.peek()) this.heap.pop();
    const next = this.heap.peek();
    if (!next) return this.clearTimer();
    if (this.timerAt !== undefined && this.timerAt <= next.readyAt) return;
    this.clearTimer();
    this.timerAt = next.readyAt;
    // Round up: a timer that fires early would only find nothing ready.
    this.timer = this.clock.setTimeout(() => this.fire(), Math.max(0, Math.ceil(next.readyAt - this.clock.now())));
  }

  private clearTimer(): void {
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
    this.timerAt = undefined;
  }
}
