// A RawStorage decorator for tests: counts open watches (to prove a cancelled
// gRPC watch frees its storage watch), and lets a test slow down or fail
// calls, or break the open watches.
import type { Encoder, KeyPrefix, RawStorage, RawWatch, RawWatchEvent, StorageKey, WatchOptions, WriteOptions } from '../../storage/interface';

type Op = 'get' | 'list' | 'create' | 'update' | 'delete' | 'watch';

export interface Fault {
  /** Wait this long before the call runs. */
  delayMs?: number;
  /** Throw this instead of running the call. */
  error?: unknown;
  /** How many calls the fault applies to (default: all until cleared). */
  times?: number;
}

export class ProbeStorage implements RawStorage {
  readonly calls: Record<Op, number> = { get: 0, list: 0, create: 0, update: 0, delete: 0, watch: 0 };
  private readonly faults = new Map<Op, Fault>();
  private readonly open = new Set<{ fail(err: unknown): void; stop(): void }>();

  constructor(readonly inner: RawStorage) {}

  /** Watches opened through this storage and not yet stopped. */
  get openWatches(): number {
    return this.open.size;
  }

  fault(op: Op, fault: Fault | undefined): void {
    if (fault) this.faults.set(op, { ...fault });
    else this.faults.delete(op);
  }

  /** Ends every open watch with `err` (as a storage failure mid-stream would). */
  failWatches(err: unknown): void {
    for (const w of [...this.open]) w.fail(err);
  }

  private async enter(op: Op): Promise<void> {
    this.calls[op]++;
    const f = this.faults.get(op);
    if (!f) return;
    if (f.times !== undefined && --f.times <= 0) this.faults.delete(op);
    if (f.delayMs) await new Promise((r) => setTimeout(r, f.delayMs));
    if (f.error !== undefined) throw f.error;
  }

  async get(key: StorageKey) {
    await this.enter('get');
    return this.inner.get(key);
  }

  async list(prefix: KeyPrefix) {
    await this.enter('list');
    return this.inner.list(prefix);
  }

  getAt(key: StorageKey, revision: number) {
    return this.inner.getAt(key, revision);
  }

  async create(key: StorageKey, encode: Encoder, opts?: WriteOptions) {
    await this.enter('create');
    return this.inner.create(key, encode, opts);
  }

  async update(key: StorageKey, expectedRevision: number, encode: Encoder, opts?: WriteOptions) {
    await this.enter('update');
    return this.inner.update(key, expectedRevision, encode, opts);
  }

  async delete(key: StorageKey, expectedRevision: number, encode: Encoder, opts?: WriteOptions) {
    await this.enter('delete');
    return this.inner.delete(key, expectedRevision, encode, opts);
  }

  async watch(prefix: KeyPrefix, fromRevision: number, opts?: WatchOptions): Promise<RawWatch> {
    await this.enter('watch');
    const inner = await this.inner.watch(prefix, fromRevision, opts);
    let failure: { err: unknown } | undefined;
    let wake: ((f: { err: unknown }) => void) | undefined;
    const entry = {
      fail: (err: unknown) => {
        failure = { err };
        wake?.(failure);
      },
      stop: () => {
        this.open.delete(entry);
        inner.stop();
      },
    };
    this.open.add(entry);
    const it = inner[Symbol.asyncIterator]();
    const iterator: AsyncIterator<RawWatchEvent> = {
      next: async () => {
        if (failure) throw failure.err;
        const failed = new Promise<{ err: unknown }>((resolve) => (wake = resolve));
        const r = await Promise.race([it.next(), failed]);
        wake = undefined;
        if ('err' in r) {
          entry.stop();
          throw r.err;
        }
        if (r.done) this.open.delete(entry);
        return r;
      },
    };
    return { stop: entry.stop, [Symbol.asyncIterator]: () => iterator };
  }

  currentRevision() {
    return this.inner.currentRevision();
  }

  compactedRevision() {
    return this.inner.compactedRevision();
  }

  compact(revision: number) {
    return this.inner.compact(revision);
  }

  close() {
    return this.inner.close();
  }
}
