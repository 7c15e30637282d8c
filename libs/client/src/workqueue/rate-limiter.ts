// RateLimiter: how long to wait before retrying an item (client-go's
// workqueue RateLimiter).

export interface RateLimiter<T = string> {
  /** Delay in ms before item should be retried; counts one more failure. */
  when(item: T): number;
  /** Stops tracking item (it succeeded, or was given up on): its failures reset. */
  forget(item: T): void;
  /** Failures counted for item since it was last forgotten. */
  numRequeues(item: T): number;
}
