// An overall token bucket (client-go's BucketRateLimiter over
// golang.org/x/time/rate): `burst` tokens, refilled at `qps` per second. Each
// when() reserves one token; when none is left the caller is told to wait
// until its token will exist, so delays grow as reservations pile up.
// It is not per item: numRequeues is always 0 and forget does nothing.
import { type Clock, realClock } from './clock';
import type { RateLimiter } from './rate-limiter';

export class BucketRateLimiter<T = string> implements RateLimiter<T> {
  /** Tokens at time `last`; negative when reserved ahead. */
  private tokens: number;
  private last: number;

  constructor(
    readonly qps: number,
    readonly burst: number,
    private readonly clock: Clock = realClock,
  ) {
    if (!(qps > 0)) throw new RangeError(`BucketRateLimiter: qps must be > 0, got ${qps}`);
    if (!(burst >= 1)) throw new RangeError(`BucketRateLimiter: burst must be >= 1, got ${burst}`);
    this.tokens = burst;
    this.last = clock.now();
  }

  when(_item: T): number {
    if (this.qps === Infinity) return 0;
    const now = this.clock.now();
    const elapsed = Math.max(0, now - this.last);
    this.tokens = Math.min(this.burst, this.tokens + (elapsed * this.qps) / 1000);
    this.last = Math.max(this.last, now);
    this.tokens -= 1;
    return this.tokens >= 0 ? 0 : (-this.tokens * 1000) / this.qps;
  }

  forget(_item: T): void {
    // Not tracked per item.
  }

  numRequeues(_item: T): number {
    return 0;
  }
}
