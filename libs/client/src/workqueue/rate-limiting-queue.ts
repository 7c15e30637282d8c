// RateLimitingQueue: a DelayingQueue that retries items after a delay chosen
// by a RateLimiter (client-go's RateLimitingInterface).
import { defaultControllerRateLimiter } from './default-rate-limiters';
import { DelayingQueue } from './delaying-queue';
import type { WorkQueueOptions } from './queue';
import type { RateLimiter } from './rate-limiter';

export interface RateLimitingQueueOptions<T> extends WorkQueueOptions {
  /** Default: defaultControllerRateLimiter(clock). */
  rateLimiter?: RateLimiter<T>;
}

export class RateLimitingQueue<T = string> extends DelayingQueue<T> {
  readonly rateLimiter: RateLimiter<T>;

  constructor(opts: RateLimitingQueueOptions<T> = {}) {
    super(opts);
    this.rateLimiter = opts.rateLimiter ?? defaultControllerRateLimiter<T>(this.clock);
  }

  /** Adds item once the rate limiter says it may be retried; counts a failure. */
  addRateLimited(item: T): void {
    this.addAfter(item, this.rateLimiter.when(item));
  }

  /**
   * Tells the rate limiter to stop tracking item (it succeeded, or is given
   * up on). The item itself is not removed from the queue.
   */
  forget(item: T): void {
    this.rateLimiter.forget(item);
  }

  /** Times item has been retried since it was last forgotten. */
  numRequeues(item: T): number {
    return this.rateLimiter.numRequeues(item);
  }
}
