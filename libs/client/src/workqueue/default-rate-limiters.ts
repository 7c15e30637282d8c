// The rate limiters controllers use unless they have a reason not to.
import { BucketRateLimiter } from './bucket-rate-limiter';
import type { Clock } from './clock';
import { ItemExponentialFailureRateLimiter } from './item-exponential-failure-rate-limiter';
import { MaxOfRateLimiter } from './max-of-rate-limiter';
import type { RateLimiter } from './rate-limiter';

/**
 * client-go's default controller limiter: per-item exponential backoff from
 * 5 ms to 1000 s, and overall at most 10 retries per second with bursts of
 * 100; the longer of the two delays wins.
 */
export function defaultControllerRateLimiter<T = string>(clock?: Clock): RateLimiter<T> {
  return new MaxOfRateLimiter<T>(new ItemExponentialFailureRateLimiter<T>(5, 1_000_000), new BucketRateLimiter<T>(10, 100, clock));
}

/** Per-item exponential backoff from 1 ms to 1000 s, with no overall limit. */
export function defaultItemBasedRateLimiter<T = string>(): RateLimiter<T> {
  return new ItemExponentialFailureRateLimiter<T>(1, 1_000_000);
}
