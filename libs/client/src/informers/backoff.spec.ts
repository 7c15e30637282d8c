import { FakeClock } from '@k8ts/testing';
import { Backoff } from './backoff';

describe('Backoff', () => {
  it('doubles from the initial delay up to the cap', () => {
    const b = new Backoff({ initialMs: 100, maxMs: 1000, jitter: 0.5 }, () => 0);
    expect([b.next(), b.next(), b.next(), b.next(), b.next(), b.next()]).toEqual([100, 200, 400, 800, 1000, 1000]);
    expect(b.attempts).toBe(6);
    b.reset();
    expect(b.next()).toBe(100);
  });

  it('stretches delays by up to the jitter fraction, never past the cap', () => {
    const b = new Backoff({ initialMs: 100, maxMs: 250, jitter: 0.5 }, () => 1);
    expect([b.next(), b.next(), b.next()]).toEqual([150, 250, 250]);
    const r = new Backoff({ initialMs: 100 }, () => 0.5);
    expect(r.next()).toBe(125);
  });

  it('wait() sleeps on the clock and returns false at once on abort', async () => {
    const clock = new FakeClock();
    const b = new Backoff({ initialMs: 1000, jitter: 0 });
    const slept = b.wait(clock);
    clock.advance(1000);
    expect(await slept).toBe(true);
    const ac = new AbortController();
    const aborted = b.wait(clock, ac.signal);
    ac.abort();
    expect(await aborted).toBe(false);
    expect(clock.pending()).toBe(0);
  });
});
