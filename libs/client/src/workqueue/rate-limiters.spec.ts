import { FakeClock } from '@k8ts/testing';
import { BucketRateLimiter } from './bucket-rate-limiter';
import { defaultControllerRateLimiter, defaultItemBasedRateLimiter } from './default-rate-limiters';
import { ItemExponentialFailureRateLimiter } from './item-exponential-failure-rate-limiter';
import { ItemFastSlowRateLimiter } from './item-fast-slow-rate-limiter';
import { MaxOfRateLimiter } from './max-of-rate-limiter';
import type { RateLimiter } from './rate-limiter';

const whenTimes = (limiter: RateLimiter, item: string, n: number): number[] => Array.from({ length: n }, () => limiter.when(item));

describe('ItemExponentialFailureRateLimiter', () => {
  it.each([
    { desc: 'doubles from the base', base: 5, max: 1000, want: [5, 10, 20, 40, 80, 160, 320, 640, 1000, 1000] },
    { desc: 'defaults: 5 ms to 1000 s', base: undefined, max: undefined, want: [5, 10, 20, 40, 80] },
    { desc: 'a base above the cap is capped', base: 50, max: 20, want: [20, 20] },
    { desc: 'a zero base stays zero', base: 0, max: 100, want: [0, 0, 0] },
  ])('$desc', ({ base, max, want }) => {
    const limiter = new ItemExponentialFailureRateLimiter(base, max);
    expect(whenTimes(limiter, 'a', want.length)).toEqual(want);
    expect(limiter.numRequeues('a')).toBe(want.length);
  });

  it('caps at maxMs long after 2^n overflows', () => {
    const limiter = new ItemExponentialFailureRateLimiter(5, 1_000_000);
    const delays = whenTimes(limiter, 'a', 2000);
    expect(delays.at(-1)).toBe(1_000_000);
    expect(Math.max(...delays)).toBe(1_000_000);
  });

  it('tracks items separately, and forget() resets one', () => {
    const limiter = new ItemExponentialFailureRateLimiter(1, 1000);
    expect(whenTimes(limiter, 'a', 3)).toEqual([1, 2, 4]);
    expect(whenTimes(limiter, 'b', 2)).toEqual([1, 2]);
    limiter.forget('a');
    expect(limiter.numRequeues('a')).toBe(0);
    expect(limiter.numRequeues('b')).toBe(2);
    expect(limiter.when('a')).toBe(1);
    expect(limiter.when('b')).toBe(4);
  });
});

describe('ItemFastSlowRateLimiter', () => {
  it('is fast for maxFastAttempts failures, then slow, until forgotten', () => {
    const limiter = new ItemFastSlowRateLimiter(5, 10_000, 3);
    expect(whenTimes(limiter, 'a', 5)).toEqual([5, 5, 5, 10_000, 10_000]);
    expect(limiter.numRequeues('a')).toBe(5);
    limiter.forget('a');
    expect(limiter.when('a')).toBe(5);
  });
});

describe('BucketRateLimiter', () => {
  it.each([
    { desc: 'burst is free, then one token per 1/qps', qps: 10, burst: 3, calls: 6, want: [0, 0, 0, 100, 200, 300] },
    { desc: 'burst of one', qps: 2, burst: 1, calls: 3, want: [0, 500, 1000] },
  ])('$desc', ({ qps, burst, calls, want }) => {
    const limiter = new BucketRateLimiter(qps, burst, new FakeClock());
    expect(whenTimes(limiter, 'any', calls)).toEqual(want);
  });

  it('refills over time, up to burst', () => {
    const clock = new FakeClock();
    const limiter = new BucketRateLimiter(10, 2, clock);
    expect(whenTimes(limiter, 'x', 3)).toEqual([0, 0, 100]);
    clock.advance(100); // pays back the token reserved ahead
    expect(limiter.when('x')).toBe(100);
    clock.advance(10_000); // refills to burst, no further
    expect(whenTimes(limiter, 'x', 3)).toEqual([0, 0, 100]);
  });

  it('is shared by all items and tracks none', () => {
    const limiter = new BucketRateLimiter(1, 1, new FakeClock());
    expect(limiter.when('a')).toBe(0);
    expect(limiter.when('b')).toBe(1000);
    expect(limiter.numRequeues('a')).toBe(0);
    limiter.forget('a');
    expect(limiter.when('c')).toBe(2000);
  });

  it.each([
    { desc: 'zero qps', qps: 0, burst: 1 },
    { desc: 'zero burst', qps: 1, burst: 0 },
  ])('rejects $desc', ({ qps, burst }) => {
    expect(() => new BucketRateLimiter(qps, burst)).toThrow(RangeError);
  });
});

describe('MaxOfRateLimiter', () => {
  it('takes the longest delay and the most requeues, and forgets in every limiter', () => {
    const fast = new ItemFastSlowRateLimiter(3, 30, 2);
    const exp = new ItemExponentialFailureRateLimiter(1, 1000);
    const limiter = new MaxOfRateLimiter(fast, exp);
    expect(whenTimes(limiter, 'a', 6)).toEqual([3, 3, 30, 30, 30, 32]);
    expect(limiter.numRequeues('a')).toBe(6);
    limiter.forget('a');
    expect(fast.numRequeues('a')).toBe(0);
    expect(exp.numRequeues('a')).toBe(0);
  });
});

describe('defaultControllerRateLimiter', () => {
  it('backs off per item from 5 ms', () => {
    const limiter = defaultControllerRateLimiter(new FakeClock());
    expect(whenTimes(limiter, 'a', 4)).toEqual([5, 10, 20, 40]);
    expect(limiter.numRequeues('a')).toBe(4);
  });

  it('limits all items together to 10 qps after a burst of 100', () => {
    const limiter = defaultControllerRateLimiter(new FakeClock());
    const delays = Array.from({ length: 102 }, (_, i) => limiter.when(`item-${i}`));
    expect(delays.slice(0, 100)).toEqual(Array(100).fill(5));
    expect(delays.slice(100)).toEqual([100, 200]);
  });

  it('defaultItemBasedRateLimiter backs off from 1 ms', () => {
    expect(whenTimes(defaultItemBasedRateLimiter(), 'a', 3)).toEqual([1, 2, 4]);
  });
});
