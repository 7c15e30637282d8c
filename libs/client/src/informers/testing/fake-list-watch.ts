// A fake list/watch source for informer unit tests: an in-memory "server"
// with a change history, compaction (watches from older revisions are
// Expired), and knobs to fail lists and watches or hide live events.
import { WatchExpiredError } from '@k8ts/eventbus';
import type { KubeObject } from '../../resource-client';
import type { InformerWatch, InformerWatchEvent, ListWatch, ListWatchList } from '../list-watch';
import type { TraceContext } from '../types';

interface Change<T> {
  revision: number;
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  object: T;
  trace?: TraceContext;
}

const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

function keyOf(obj: KubeObject): string {
  const ns = obj.metadata?.namespace;
  return ns ? `${ns}/${obj.metadata?.name}` : (obj.metadata?.name ?? '');
}

class FakeWatch<T> implements InformerWatch<T> {
  private items: InformerWatchEvent<T>[] = [];
  private waiter: { resolve: (r: IteratorResult<InformerWatchEvent<T>>) => void; reject: (e: unknown) => void } | undefined;
  private done = false;
  private error: unknown;
  stopped = false;

  constructor(private readonly onStop: (w: FakeWatch<T>) => void) {}

  push(ev: InformerWatchEvent<T>): void {
    if (this.done) return;
    const w = this.waiter;
    if (w) {
      this.waiter = undefined;
      w.resolve({ value: ev, done: false });
    } else this.items.push(ev);
  }

  fail(err: unknown): void {
    if (this.done) return;
    this.done = true;
    this.error = err;
    this.onStop(this);
    const w = this.waiter;
    if (w && this.items.length === 0) {
      this.waiter = undefined;
      this.error = undefined;
      w.reject(err);
    }
  }

  end(): void {
    if (this.done) return;
    this.done = true;
    this.onStop(this);
    const w = this.waiter;
    if (w && this.items.length === 0) {
      this.waiter = undefined;
      w.resolve({ value: undefined, done: true });
    }
  }

  stop(): void {
    this.stopped = true;
    this.items = [];
    this.end();
  }

  [Symbol.asyncIterator](): AsyncIterator<InformerWatchEvent<T>> {
    return {
      next: () => {
        if (this.items.length > 0) return Promise.resolve({ value: this.items.shift() as InformerWatchEvent<T>, done: false });
        if (this.done) {
          if (this.error !== undefined) {
            const err = this.error;
            this.error = undefined;
            return Promise.reject(err);
          }
          return Promise.resolve({ value: undefined, done: true });
        }
        return new Promise((resolve, reject) => (this.waiter = { resolve, reject }));
      },
      return: async () => {
        this.stop();
        return { value: undefined, done: true };
      },
    };
  }
}

export class FakeListWatch<T extends KubeObject> implements ListWatch<T> {
  revision = 100;
  compacted = 0;
  readonly objects = new Map<string, T>();
  readonly history: Change<T>[] = [];
  /** Thrown by the next list() calls, in order. */
  listErrors: unknown[] = [];
  /** Thrown by the next watch() calls, in order. */
  watchErrors: unknown[] = [];
  /** When true, live watches do not see new changes (a partition). */
  hideLive = false;
  listCalls = 0;
  readonly watchCalls: string[] = [];
  private readonly live = new Set<FakeWatch<T>>();

  get liveWatches(): number {
    return this.live.size;
  }

  private commit(type: Change<T>['type'], obj: T, trace?: TraceContext): T {
    this.revision++;
    const stored = clone(obj);
    stored.metadata = { ...stored.metadata, resourceVersion: String(this.revision) };
    if (type === 'DELETED') this.objects.delete(keyOf(stored));
    else this.objects.set(keyOf(stored), stored);
    const change: Change<T> = { revision: this.revision, type, object: stored, ...(trace ? { trace } : {}) };
    this.history.push(change);
    if (!this.hideLive) for (const w of this.live) w.push(this.toEvent(change));
    return clone(stored);
  }

  create(obj: T, trace?: TraceContext): T {
    return this.commit('ADDED', obj, trace);
  }

  update(obj: T, trace?: TraceContext): T {
    if (!this.objects.has(keyOf(obj))) throw new Error(`update of missing ${keyOf(obj)}`);
    return this.commit('MODIFIED', obj, trace);
  }

  remove(key: string, trace?: TraceContext): T {
    const obj = this.objects.get(key);
    if (!obj) throw new Error(`delete of missing ${key}`);
    return this.commit('DELETED', obj, trace);
  }

  /** A change nobody watches for (another resource): only the revision moves. */
  unrelatedWrite(): void {
    this.revision++;
  }

  /** Drops history up to now: watches from older revisions are Expired. */
  compact(): void {
    this.compacted = this.revision;
    this.history.splice(0, this.history.length);
  }

  bookmark(): void {
    for (const w of this.live) w.push({ type: 'BOOKMARK', resourceVersion: String(this.revision) });
  }

  /** Fails every live watch with err. */
  breakWatches(err: unknown): void {
    for (const w of [...this.live]) w.fail(err);
  }

  /** Ends every live watch cleanly (like a server-side timeout). */
  endWatches(): void {
    for (const w of [...this.live]) w.end();
  }

  /** Sends a raw event to live watches. */
  inject(ev: InformerWatchEvent<T>): void {
    for (const w of this.live) w.push(ev);
  }

  async list(signal: AbortSignal): Promise<ListWatchList<T>> {
    this.listCalls++;
    await Promise.resolve();
    if (signal.aborted) throw new Error('aborted');
    const err = this.listErrors.shift();
    if (err !== undefined) throw err;
    return { items: [...this.objects.values()].map(clone), resourceVersion: String(this.revision) };
  }

  async watch(resourceVersion: string, signal: AbortSignal): Promise<InformerWatch<T>> {
    this.watchCalls.push(resourceVersion);
    await Promise.resolve();
    if (signal.aborted) throw new Error('aborted');
    const err = this.watchErrors.shift();
    if (err !== undefined) throw err;
    const from = Number(resourceVersion);
    if (from < this.compacted) throw new WatchExpiredError(from, this.compacted);
    const w = new FakeWatch<T>((x) => this.live.delete(x));
    for (const c of this.history) if (c.revision > from) w.push(this.toEvent(c));
    this.live.add(w);
    return w;
  }

  private toEvent(c: Change<T>): InformerWatchEvent<T> {
    const ev: InformerWatchEvent<T> = { type: c.type, object: clone(c.object), resourceVersion: String(c.revision) };
    if (c.trace) ev.trace = c.trace;
    return ev;
  }
}
