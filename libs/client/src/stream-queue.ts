// Turns a grpc-js server stream into an async iterator without losing
// anything: listeners are attached at once (an error that arrives before
// the consumer starts iterating is kept, not thrown as an unhandled 'error'),
// messages received before a failure are delivered before it, and the
// stream is paused while the consumer falls behind.
import type { ClientReadableStream } from '@grpc/grpc-js';

export class StreamQueue<Raw, Out> implements AsyncIterator<Out> {
  private readonly items: Out[] = [];
  private waiter?: { resolve: (r: IteratorResult<Out>) => void; reject: (e: unknown) => void };
  private pendingError?: unknown;
  private error?: unknown;
  private ended = false;
  private paused = false;

  constructor(
    private readonly call: ClientReadableStream<Raw>,
    map: (raw: Raw) => Out,
    private readonly highWater = 256,
  ) {
    call.on('data', (raw: Raw) => {
      let out: Out;
      try {
        out = map(raw);
      } catch (err) {
        this.finish(err);
        call.cancel();
        return;
      }
      this.push(out);
    });
    // grpc-js pushes the end of the stream, then emits 'error' for a non-OK
    // status; 'end' follows once the buffered messages are consumed.
    call.on('error', (err: unknown) => {
      this.pendingError ??= err;
    });
    call.on('end', () => this.finish(this.pendingError));
    call.on('close', () => this.finish(this.pendingError));
  }

  /** Ends the iteration now (queued items are dropped). */
  close(): void {
    this.items.length = 0;
    this.finish(undefined);
  }

  next(): Promise<IteratorResult<Out>> {
    if (this.items.length > 0) {
      const value = this.items.shift() as Out;
      if (this.paused && this.items.length <= this.highWater / 2) {
        this.paused = false;
        this.call.resume();
      }
      return Promise.resolve({ value, done: false });
    }
    if (this.ended) {
      if (this.error !== undefined) {
        const err = this.error;
        this.error = undefined;
        return Promise.reject(err);
      }
      return Promise.resolve({ value: undefined, done: true });
    }
    return new Promise((resolve, reject) => {
      this.waiter = { resolve, reject };
    });
  }

  private push(item: Out): void {
    if (this.ended) return;
    if (this.waiter) {
      const w = this.waiter;
      this.waiter = undefined;
      w.resolve({ value: item, done: false });
      return;
    }
    this.items.push(item);
    if (!this.paused && this.items.length >= this.highWater) {
      this.paused = true;
      this.call.pause();
    }
  }

  private finish(err: unknown): void {
    if (this.ended) return;
    this.ended = true;
    this.error = err;
    if (this.waiter && this.items.length === 0) {
      const w = this.waiter;
      this.waiter = undefined;
      this.error = undefined;
      if (err !== undefined) w.reject(err);
      else w.resolve({ value: undefined, done: true });
    }
  }
}
