import { FakeClock } from '@k8ts/testing';
import { ItemExponentialFailureRateLimiter } from './item-exponential-failure-rate-limiter';
import { RateLimitingQueue } from './rate-limiting-queue';

describe('RateLimitingQueue', () => {
  it('re-adds an item after the rate limiter’s growing delay, until forgotten', async () => {
    const clock = new FakeClock();
    const q = new RateLimitingQueue({ clock, rateLimiter: new ItemExponentialFailureRateLimiter(5, 1000) });
    const readyAfter: number[] = [];
    for (let attempt = 0; attempt < 4; attempt++) {
      const start = clock.now();
      q.addRateLimited('a');
      while (q.len() === 0) clock.advance(1);
      readyAfter.push(clock.now() - start);
      q.done((await q.get()) as string);
    }
    expect(readyAfter).toEqual([5, 10, 20, 40]);
    expect(q.numRequeues('a')).toBe(4);

    q.forget('a');
    expect(q.numRequeues('a')).toBe(0);
    q.addRateLimited('a');
    clock.advance(5);
    expect(q.len()).toBe(1);
  });

  it('uses the default controller rate limiter on its clock', () => {
    const clock = new FakeClock();
    const q = new RateLimitingQueue({ clock });
    q.addRateLimited('a');
    clock.advance(4);
    expect(q.len()).toBe(0);
    clock.advance(1);
    expect(q.len()).toBe(1);
  });
});
