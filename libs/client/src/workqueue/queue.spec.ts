import { FakeClock } from '@k8ts/testing';
import type { WorkQueueMetrics } from './metrics';
import { WorkQueue } from './queue';

/** Lets pending promise callbacks run. */
const flush = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('WorkQueue', () => {
  it.each([
    { desc: 'distinct items keep their order', adds: ['a', 'b', 'c'], want: ['a', 'b', 'c'] },
    { desc: 'a waiting item is added once', adds: ['a', 'b', 'a', 'a', 'b'], want: ['a', 'b'] },
    { desc: 'a duplicate keeps its first position', adds: ['b', 'a', 'b', 'c'], want: ['b', 'a', 'c'] },
    { desc: 'nothing added', adds: [], want: [] },
  ])('$desc', async ({ adds, want }) => {
    const q = new WorkQueue();
    for (const item of adds) q.add(item);
    expect(q.len()).toBe(want.length);
    const got: string[] = [];
    while (q.len() > 0) got.push((await q.get()) as string);
    expect(got).toEqual(want);
  });

  it('hands an item being processed to nobody else, and re-queues it on done() if re-added', async () => {
    const q = new WorkQueue();
    q.add('a');
    expect(await q.get()).toBe('a');

    let next: string | undefined | 'pending' = 'pending';
    const waiting = q.get().then((v) => (next = v));
    q.add('a'); // dirty while processing: not handed to the second getter
    q.add('a'); // still just one pending run
    await flush();
    expect(next).toBe('pending');
    expect(q.len()).toBe(0);

    q.done('a');
    await waiting;
    expect(next).toBe('a');
    q.done('a');
    expect(q.len()).toBe(0);
  });

  it('does not re-queue an item that was not re-added while processing', async () => {
    const q = new WorkQueue();
    q.add('a');
    await q.get();
    q.done('a');
    expect(q.len()).toBe(0);
    q.done('a'); // done twice is harmless
    expect(q.len()).toBe(0);
  });

  it('puts a dirty item behind items added before its done()', async () => {
    const q = new WorkQueue();
    q.add('a');
    await q.get();
    q.add('a');
    q.add('b');
    q.done('a');
    expect([await q.get(), await q.get()]).toEqual(['b', 'a']);
  });

  it('wakes waiting getters in call order as items arrive', async () => {
    const q = new WorkQueue();
    const got: Array<string | undefined> = [];
    const g1 = q.get().then((v) => got.push(v));
    const g2 = q.get().then((v) => got.push(v));
    await flush();
    expect(got).toEqual([]);
    q.add('x');
    q.add('y');
    await Promise.all([g1, g2]);
    expect(got).toEqual(['x', 'y']);
  });

  it('shutDown() wakes every waiting getter with undefined and ignores later adds', async () => {
    const q = new WorkQueue();
    const getters = [q.get(), q.get(), q.get()];
    q.shutDown();
    await expect(Promise.all(getters)).resolves.toEqual([undefined, undefined, undefined]);
    expect(q.shuttingDown()).toBe(true);
    q.add('late');
    expect(q.len()).toBe(0);
    expect(await q.get()).toBeUndefined();
  });

  it('still hands out items queued before shutDown(), then undefined', async () => {
    const q = new WorkQueue();
    q.add('a');
    q.add('b');
    q.shutDown();
    expect(await q.get()).toBe('a');
    expect(await q.get()).toBe('b');
    expect(await q.get()).toBeUndefined();
  });

  it('shutDownWithDrain() resolves once queued items are handed out and every item is done', async () => {
    const q = new WorkQueue();
    q.add('a');
    q.add('b');
    const a = await q.get();
    let drained = false;
    const drain = q.shutDownWithDrain().then(() => (drained = true));
    await flush();
    expect(drained).toBe(false);

    q.done(a as string);
    await flush();
    expect(drained).toBe(false); // 'b' is still queued

    const b = await q.get();
    await flush();
    expect(drained).toBe(false); // 'b' is being processed

    q.done(b as string);
    await drain;
    expect(drained).toBe(true);
  });

  it('shutDownWithDrain() resolves at once when idle', async () => {
    const q = new WorkQueue();
    await expect(q.shutDownWithDrain()).resolves.toBeUndefined();
  });

  it('shutDown() ends a pending drain', async () => {
    const q = new WorkQueue();
    q.add('a');
    await q.get();
    const drain = q.shutDownWithDrain();
    q.shutDown();
    await expect(drain).resolves.toBeUndefined();
  });

  it('reports depth, adds, queue latency and work duration', async () => {
    const clock = new FakeClock();
    const calls: string[] = [];
    const metrics: WorkQueueMetrics = {
      depth: (n) => calls.push(`depth ${n}`),
      add: () => calls.push('add'),
      queueLatency: (ms) => calls.push(`latency ${ms}`),
      workDuration: (ms) => calls.push(`work ${ms}`),
    };
    const q = new WorkQueue({ clock, metrics });
    q.add('a');
    q.add('a'); // deduplicated: not counted
    clock.advance(30);
    await q.get();
    clock.advance(7);
    q.done('a');
    expect(calls).toEqual(['add', 'depth 1', 'latency 30', 'depth 0', 'work 7']);
  });
});
