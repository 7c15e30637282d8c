import { FakeClock } from '@k8ts/testing';
import { ItemExponentialFailureRateLimiter } from './item-exponential-failure-rate-limiter';
import { RateLimitingQueue } from './rate-limiting-queue';
import { runWorkers } from './run-workers';

const flush = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

function newQueue(clock = new FakeClock()): RateLimitingQueue {
  return new RateLimitingQueue({ clock, rateLimiter: new ItemExponentialFailureRateLimiter(5, 1000) });
}

interface Deferred {
  promise: Promise<void>;
  resolve(): void;
  reject(err: unknown): void;
}

function deferred(): Deferred {
  let resolve!: () => void;
  let reject!: (err: unknown) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('runWorkers', () => {
  it('handles each item and forgets it on success', async () => {
    const q = newQueue();
    q.add('a');
    q.add('b');
    q.add('a'); // still waiting: deduplicated
    const handled: string[] = [];
    const stop = runWorkers(q, 2, (item) => {
      handled.push(item);
    });
    await flush();
    expect(handled).toEqual(['a', 'b']);
    expect(q.numRequeues('a')).toBe(0);
    await stop();
  });

  it('retries a failing item with exponential backoff, then drops it after maxRetries', async () => {
    const clock = new FakeClock();
    const q = newQueue(clock);
    const attempts: number[] = [];
    const onDrop = jest.fn();
    const onError = jest.fn();
    const stop = runWorkers(
      q,
      1,
      async (item) => {
        attempts.push(clock.now());
        throw new Error(`fail ${item} #${attempts.length}`);
      },
      { maxRetries: 3, onDrop, onError },
    );
    const start = clock.now();
    q.add('a');
    await clock.advanceAsync(10_000);

    expect(attempts.map((t) => t - start)).toEqual([0, 5, 15, 35]); // delays 5, 10, 20
    expect(onError.mock.calls.map(([item, , requeues]) => [item, requeues])).toEqual([
      ['a', 0],
      ['a', 1],
      ['a', 2],
    ]);
    expect(onDrop).toHaveBeenCalledTimes(1);
    expect(onDrop).toHaveBeenCalledWith('a', new Error('fail a #4'));
    expect(q.numRequeues('a')).toBe(0); // forgotten when dropped
    expect(q.len() + q.waitingLen()).toBe(0);
    await stop();
  });

  it('forgets the failures of an item once it succeeds', async () => {
    const clock = new FakeClock();
    const q = newQueue(clock);
    let failuresLeft = 2;
    const ok: string[] = [];
    const stop = runWorkers(q, 1, async (item) => {
      if (failuresLeft-- > 0) throw new Error('not yet');
      ok.push(item);
    });
    q.add('a');
    await clock.advanceAsync(100);
    expect(ok).toEqual(['a']);
    expect(q.numRequeues('a')).toBe(0);
    await stop();
  });

  it.each([
    { desc: 'a handler that throws synchronously', handler: (): void => { throw new Error('sync'); } },
    { desc: 'a handler that rejects', handler: (): Promise<void> => Promise.reject(new Error('async')) },
    { desc: 'a handler that throws a non-Error', handler: (): never => { throw 'string'; } },
  ])('survives $desc and callbacks that throw', async ({ handler }) => {
    const clock = new FakeClock();
    const q = newQueue(clock);
    const stop = runWorkers(q, 1, handler, {
      maxRetries: 1,
      onError: () => { throw new Error('onError broke'); },
      onDrop: () => { throw new Error('onDrop broke'); },
    });
    q.add('a');
    await clock.advanceAsync(100);
    // Still working: a new item is handled (and fails) too.
    q.add('b');
    await clock.advanceAsync(100);
    expect(q.numRequeues('b')).toBe(0); // dropped after its one retry
    expect(q.processingCount()).toBe(0);
    await stop();
  });

  it('never lets two workers process the same item at once', async () => {
    const q = newQueue();
    const running = new Map<string, Deferred>();
    const log: string[] = [];
    let overlap = false;
    const stop = runWorkers(q, 3, (item) => {
      if (running.has(item)) overlap = true;
      const d = deferred();
      running.set(item, d);
      log.push(`start ${item}`);
      return d.promise.finally(() => {
        running.delete(item);
        log.push(`end ${item}`);
      });
    });
    const finish = async (item: string): Promise<void> => {
      running.get(item)?.resolve();
      await flush();
    };

    q.add('a');
    q.add('b');
    await flush();
    expect([...running.keys()]).toEqual(['a', 'b']);

    q.add('a'); // a is busy: the idle third worker must not take it
    q.add('a');
    await flush();
    expect([...running.keys()]).toEqual(['a', 'b']);

    q.add('c'); // the idle worker takes other work
    await flush();
    expect([...running.keys()]).toEqual(['a', 'b', 'c']);

    await finish('a'); // a is re-queued on done() and runs again, once
    expect([...running.keys()].sort()).toEqual(['a', 'b', 'c']);
    await finish('a');
    await finish('b');
    await finish('c');
    expect(running.size).toBe(0);
    expect(overlap).toBe(false);
    expect(log).toEqual(['start a', 'start b', 'start c', 'end a', 'start a', 'end a', 'end b', 'end c']);
    await stop();
  });

  it('stop() lets running handlers finish, hands out nothing more, and resolves when workers exit', async () => {
    const q = newQueue();
    const gate = deferred();
    const handled: string[] = [];
    let signal: AbortSignal | undefined;
    const stop = runWorkers(q, 2, async (item, s) => {
      signal = s;
      handled.push(item);
      await gate.promise;
    });
    q.add('a');
    await flush();

    let stopped = false;
    const stopping = stop().then(() => (stopped = true));
    expect(signal?.aborted).toBe(true);
    expect(q.shuttingDown()).toBe(true);
    await flush();
    expect(stopped).toBe(false); // 'a' still running

    gate.resolve();
    await stopping;
    expect(handled).toEqual(['a']);
    expect(q.processingCount()).toBe(0);
    await expect(stop()).resolves.toBeUndefined(); // idempotent
  });

  it('stops when opts.signal aborts', async () => {
    const q = newQueue();
    const ac = new AbortController();
    const stop = runWorkers(q, 2, () => undefined, { signal: ac.signal });
    ac.abort();
    expect(q.shuttingDown()).toBe(true);
    await expect(stop()).resolves.toBeUndefined();
  });

  it('ends once the queue is shut down and drained', async () => {
    const q = newQueue();
    const handled: string[] = [];
    const stop = runWorkers(q, 2, (item) => {
      handled.push(item);
    });
    q.add('a');
    q.add('b');
    await q.shutDownWithDrain();
    await stop();
    expect(handled).toEqual(['a', 'b']);
  });

  it.each([
    { desc: 'zero workers', n: 0 },
    { desc: 'a fraction of a worker', n: 1.5 },
  ])('rejects $desc', ({ n }) => {
    expect(() => runWorkers(newQueue(), n, () => undefined)).toThrow(RangeError);
  });
});
