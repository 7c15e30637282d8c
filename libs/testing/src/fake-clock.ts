/**
 * A manual clock for unit tests of time-driven code (backoff, resync
 * periods, lease renewals, rate limiters). Nothing fires until the test
 * calls `advance()`; timers then fire in due-time order (ties in creation
 * order), and `now()` reads the due time of the timer being run.
 *
 * Its shape matches what such code usually takes as an injectable clock:
 * now(), setTimeout/clearTimeout, setInterval/clearInterval.
 */

export type FakeTimerHandle = number;

interface Timer {
  id: number;
  due: number;
  seq: number;
  fn: (...args: unknown[]) => void;
  args: unknown[];
  /** Repeat period for intervals; undefined for timeouts. */
  every?: number;
}

export class FakeClock {
  private current: number;
  private readonly timers = new Map<number, Timer>();
  private nextId = 1;
  private nextSeq = 1;

  /** `start` is the initial now() in epoch ms (default 2024-01-01T00:00:00Z). */
  constructor(start: number = Date.UTC(2024, 0, 1)) {
    this.current = start;
  }

  now(): number {
    return this.current;
  }

  date(): Date {
    return new Date(this.current);
  }

  setTimeout<A extends unknown[]>(fn: (...args: A) => void, ms = 0, ...args: A): FakeTimerHandle {
    return this.add(fn as (...a: unknown[]) => void, ms, args, undefined);
  }

  clearTimeout(handle: FakeTimerHandle | undefined): void {
    if (handle !== undefined) this.timers.delete(handle);
  }

  setInterval<A extends unknown[]>(fn: (...args: A) => void, ms = 0, ...args: A): FakeTimerHandle {
    return this.add(fn as (...a: unknown[]) => void, ms, args, normalizeDelay(ms));
  }

  clearInterval(handle: FakeTimerHandle | undefined): void {
    this.clearTimeout(handle);
  }

  /** Number of scheduled timers (intervals count once). */
  pending(): number {
    return this.timers.size;
  }

  /** Time until the next timer fires, or undefined if none is scheduled. */
  nextDueIn(): number | undefined {
    const next = this.peek();
    return next ? next.due - this.current : undefined;
  }

  /**
   * Moves time forward by `ms`, running every timer that falls due on the
   * way, including timers scheduled by those timers. Returns how many ran.
   */
  advance(ms: number): number {
    if (!(ms >= 0)) throw new RangeError(`FakeClock.advance: ms must be >= 0, got ${ms}`);
    const target = this.current + ms;
    let ran = 0;
    for (let t = this.peek(); t && t.due <= target; t = this.peek()) {
      this.current = t.due;
      this.fire(t);
      ran++;
    }
    this.current = target;
    return ran;
  }

  /**
   * Like advance(), but lets promise callbacks run after each timer, so
   * async code that awaits between timers makes progress.
   */
  async advanceAsync(ms: number): Promise<number> {
    if (!(ms >= 0)) throw new RangeError(`FakeClock.advanceAsync: ms must be >= 0, got ${ms}`);
    const target = this.current + ms;
    let ran = 0;
    await flushPromises();
    for (let t = this.peek(); t && t.due <= target; t = this.peek()) {
      this.current = t.due;
      this.fire(t);
      ran++;
      await flushPromises();
    }
    this.current = target;
    return ran;
  }

  /** Runs timers until none are left (throws after `limit` to catch endless intervals). */
  runAll(limit = 10_000): number {
    let ran = 0;
    for (let t = this.peek(); t; t = this.peek()) {
      if (ran >= limit) throw new Error(`FakeClock.runAll: more than ${limit} timers fired; an interval is still set?`);
      this.current = Math.max(this.current, t.due);
      this.fire(t);
      ran++;
    }
    return ran;
  }

  private add(fn: (...a: unknown[]) => void, ms: number, args: unknown[], every: number | undefined): number {
    const id = this.nextId++;
    this.timers.set(id, { id, due: this.current + normalizeDelay(ms), seq: this.nextSeq++, fn, args, every });
    return id;
  }

  private peek(): Timer | undefined {
    let best: Timer | undefined;
    for (const t of this.timers.values()) {
      if (!best || t.due < best.due || (t.due === best.due && t.seq < best.seq)) best = t;
    }
    return best;
  }

  private fire(t: Timer): void {
    if (t.every !== undefined) {
      // Reschedule before running so the callback may clear its own interval.
      t.due += t.every;
      t.seq = this.nextSeq++;
    } else {
      this.timers.delete(t.id);
    }
    t.fn(...t.args);
  }
}

/** Like Node: negative, NaN or sub-1 delays become 1 ms. */
function normalizeDelay(ms: number): number {
  return Number.isFinite(ms) && ms >= 1 ? Math.floor(ms) : 1;
}

async function flushPromises(): Promise<void> {
  // setImmediate runs after all currently queued promise jobs (and their follow-ups).
  await new Promise<void>((resolve) => setImmediate(resolve));
}
