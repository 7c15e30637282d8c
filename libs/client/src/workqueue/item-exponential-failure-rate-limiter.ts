// Per-item exponential backoff: baseMs * 2^failures, capped at maxMs.
import type { RateLimiter } from './rate-limiter';

export class ItemExponentialFailureRateLimiter<T = string> implements RateLimiter<T> {
  private readonly failures = new Map<T, number>();

  /** Defaults as client-go's controller limiter: 5 ms doubling up to 1000 s. */
  constructor(
    readonly baseMs = 5,
    readonly maxMs = 1_000_000,
  ) {
    if (!(baseMs >= 0) || !(maxMs >= 0)) throw new RangeError(`ItemExponentialFailureRateLimiter: delays must be >= 0, got base ${baseMs} max ${maxMs}`);
  }

  when(item: T): number {
    const exp = this.failures.get(item) ?? 0;
    this.failures.set(item, exp + 1);
    const backoff = this.baseMs * 2 ** exp; // Infinity once it overflows
    return backoff > this.maxMs ? this.maxMs : backoff;
  }

  forget(item: T): void {
    this.failures.delete(item);
  }

  numRequeues(item: T): number {
    return this.failures.get(item) ?? 0;
  }
}
