import { FakeClock } from '@k8ts/testing';
import { DelayingQueue } from './delaying-queue';

/** Takes every queued item (and marks it done). */
async function drainNow(q: DelayingQueue): Promise<string[]> {
  const got: string[] = [];
  while (q.len() > 0) {
    const item = (await q.get()) as string;
    got.push(item);
    q.done(item);
  }
  return got;
}

describe('DelayingQueue', () => {
  it('adds an item once its delay has passed on the clock', async () => {
    const clock = new FakeClock();
    const q = new DelayingQueue({ clock });
    q.addAfter('a', 50);
    expect(q.len()).toBe(0);
    expect(q.waitingLen()).toBe(1);
    clock.advance(49);
    expect(q.len()).toBe(0);
    clock.advance(1);
    expect(await drainNow(q)).toEqual(['a']);
    expect(q.waitingLen()).toBe(0);
    expect(clock.pending()).toBe(0);
  });

  it.each([
    { desc: 'zero', ms: 0 },
    { desc: 'negative', ms: -5 },
  ])('adds at once for a $desc delay', ({ ms }) => {
    const clock = new FakeClock();
    const q = new DelayingQueue({ clock });
    q.addAfter('a', ms);
    expect(q.len()).toBe(1);
    expect(clock.pending()).toBe(0);
  });

  it.each([
    { desc: 'an earlier time replaces a later one', delays: [100, 30], readyAfter: 30 },
    { desc: 'a later time does not postpone an earlier one', delays: [30, 100], readyAfter: 30 },
    { desc: 'the same time twice', delays: [40, 40], readyAfter: 40 },
  ])('coalesces one item to its earliest ready time: $desc', async ({ delays, readyAfter }) => {
    const clock = new FakeClock();
    const q = new DelayingQueue({ clock });
    for (const ms of delays) q.addAfter('a', ms);
    expect(q.waitingLen()).toBe(1);
    clock.advance(readyAfter - 1);
    expect(q.len()).toBe(0);
    clock.advance(1);
    expect(await drainNow(q)).toEqual(['a']);
    clock.advance(1000); // the superseded time adds nothing more
    expect(q.len()).toBe(0);
  });

  it('adds items in ready-time order, ties in call order', async () => {
    const clock = new FakeClock();
    const q = new DelayingQueue({ clock });
    q.addAfter('late', 300);
    q.addAfter('first', 100);
    q.addAfter('second', 200);
    q.addAfter('tie', 200);
    clock.advance(200);
    expect(await drainNow(q)).toEqual(['first', 'second', 'tie']);
    clock.advance(100);
    expect(await drainNow(q)).toEqual(['late']);
  });

  it('dedupes a delayed item against the same item already queued', async () => {
    const clock = new FakeClock();
    const q = new DelayingQueue({ clock });
    q.add('a');
    q.addAfter('a', 10);
    clock.advance(10);
    expect(q.len()).toBe(1);
  });

  it('re-queues a delayed item that becomes ready while it is processed only after done()', async () => {
    const clock = new FakeClock();
    const q = new DelayingQueue({ clock });
    q.add('a');
    const item = (await q.get()) as string;
    q.addAfter(item, 10);
    clock.advance(10);
    expect(q.len()).toBe(0);
    q.done(item);
    expect(q.len()).toBe(1);
  });

  it('drops waiting items and its timer on shutDown()', () => {
    const clock = new FakeClock();
    const q = new DelayingQueue({ clock });
    q.addAfter('a', 10);
    q.shutDown();
    expect(clock.pending()).toBe(0);
    q.addAfter('b', 10);
    clock.advance(100);
    expect(q.len()).toBe(0);
    expect(q.waitingLen()).toBe(0);
  });

  it('counts each addAfter() as a retry', () => {
    const retry = jest.fn();
    const q = new DelayingQueue({ clock: new FakeClock(), metrics: { retry } });
    q.addAfter('a', 0);
    q.addAfter('b', 10);
    expect(retry).toHaveBeenCalledTimes(2);
  });
});
