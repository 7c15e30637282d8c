// runWorkers: the standard controller worker loop of client-go controllers
// (processNextWorkItem + handleErr), for n concurrent workers.
//
//   get → handler(item) → success: forget(item)
//                       → failure: addRateLimited(item), or once it has been
//                         retried maxRetries times: forget(item) + onDrop
//   always: done(item)
//
// The queue guarantees one worker per item at a time. Handler errors and
// callback errors never end a worker.

/** What runWorkers needs of a queue (a RateLimitingQueue has it all). */
export interface WorkerQueue<T> {
  get(): Promise<T | undefined>;
  done(item: T): void;
  forget(item: T): void;
  addRateLimited(item: T): void;
  numRequeues(item: T): number;
  shutDown(): void;
}

export type WorkerHandler<T> = (item: T, signal: AbortSignal) => Promise<void> | void;

export interface RunWorkersOptions<T> {
  /** Retries of a failing item before it is dropped (default 15, so 16 attempts). */
  maxRetries?: number;
  /** An item failed maxRetries + 1 times in a row and was dropped; err is the last failure. */
  onDrop?(item: T, err: unknown): void;
  /** An item failed and will be retried after its rate-limited delay; for logging. */
  onError?(item: T, err: unknown, requeues: number): void;
  /** Aborting it stops the workers like the returned function does. */
  signal?: AbortSignal;
}

/**
 * Shuts the queue down and resolves once every worker has exited: each
 * finishes the item it holds and takes no other. Idempotent.
 */
export type StopWorkers = () => Promise<void>;

/**
 * Starts n workers on queue. They run until the returned function is called
 * (or opts.signal aborts), or until the queue is shut down and empty.
 * The handler gets a signal that aborts when the workers are being stopped.
 */
export function runWorkers<T>(queue: WorkerQueue<T>, n: number, handler: WorkerHandler<T>, opts: RunWorkersOptions<T> = {}): StopWorkers {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`runWorkers: need at least one worker, got ${n}`);
  const maxRetries = opts.maxRetries ?? 15;
  const stopping = new AbortController();

  const processItem = async (item: T): Promise<void> => {
    try {
      await handler(item, stopping.signal);
      queue.forget(item);
    } catch (err) {
      const requeues = queue.numRequeues(item);
      if (requeues < maxRetries) {
        guard(() => opts.onError?.(item, err, requeues));
        queue.addRateLimited(item);
      } else {
        queue.forget(item);
        guard(() => opts.onDrop?.(item, err));
      }
    }
  };

  const worker = async (): Promise<void> => {
    while (!stopping.signal.aborted) {
      const item = await queue.get();
      if (item === undefined) return;
      try {
        await processItem(item);
      } finally {
        queue.done(item);
      }
    }
  };

  const workers = Promise.all(Array.from({ length: n }, () => worker())).then(() => undefined);
  const stop: StopWorkers = () => {
    if (!stopping.signal.aborted) {
      stopping.abort(new Error('workers stopped'));
      queue.shutDown(); // wakes workers waiting in get()
    }
    return workers;
  };
  const signal = opts.signal;
  if (signal) {
    const onAbort = (): void => void stop();
    if (signal.aborted) onAbort();
    else {
      signal.addEventListener('abort', onAbort, { once: true });
      void workers.then(() => signal.removeEventListener('abort', onAbort));
    }
  }
  return stop;
}

/** Runs a user callback; its failure must not end a worker. */
function guard(fn: () => void): void {
  try {
    fn();
  } catch {
    // Deliberately ignored: callbacks are for reporting only.
  }
}
