// In-memory RawStorage with the same semantics as the JetStream one: a global
// revision counter, per-key compare-and-set, an ordered change log for watch
// replay, tombstones, compaction and Expired. Used by unit tests.
import { AsyncQueue } from '../util/async-queue';
import { ConflictError, ExpiredError, KeyExistsError, KeyNotFoundError } from './errors';
import type {
  Encoder,
  KeyPrefix,
  ListResult,
  RawChange,
  RawEntry,
  RawStorage,
  RawWatch,
  RawWatchEvent,
  StorageKey,
  WatchOptions,
  WriteOptions,
} from './interface';
import { keyString, matchesPrefix } from './keys';

interface Slot {
  entry: RawEntry;
  deleted: boolean;
}

interface Watcher {
  prefix: KeyPrefix;
  queue: AsyncQueue<RawWatchEvent>;
}

export class MemoryStorage implements RawStorage {
  private revision = 0;
  private compacted = 0;
  private readonly slots = new Map<string, Slot>();
  private log: RawChange[] = [];
  private readonly watchers = new Set<Watcher>();

  async get(key: StorageKey): Promise<RawEntry | undefined> {
    const slot = this.slots.get(keyString(key));
    return slot && !slot.deleted ? { ...slot.entry } : undefined;
  }

  async getAt(key: StorageKey, revision: number): Promise<RawEntry | undefined> {
    const change = this.log.find((c) => c.revision === revision && keyString(c.key) === keyString(key));
    return change && change.type !== 'DELETED' ? { key: { ...change.key }, value: change.value, revision } : undefined;
  }

  async list(prefix: KeyPrefix): Promise<ListResult> {
    const entries = [...this.slots.values()]
      .filter((s) => !s.deleted && matchesPrefix(s.entry.key, prefix))
      .map((s) => ({ ...s.entry }))
      .sort((a, b) => keyString(a.key).localeCompare(keyString(b.key)));
    return { entries, revision: this.revision };
  }

  async create(key: StorageKey, encode: Encoder, opts?: WriteOptions): Promise<number> {
    const slot = this.slots.get(keyString(key));
    if (slot && !slot.deleted) throw new KeyExistsError(key, slot.entry.revision);
    return this.commit('ADDED', key, encode, opts);
  }

  async update(key: StorageKey, expectedRevision: number, encode: Encoder, opts?: WriteOptions): Promise<number> {
    this.checkCurrent(key, expectedRevision);
    return this.commit('MODIFIED', key, encode, opts);
  }

  async delete(key: StorageKey, expectedRevision: number, encode: Encoder, opts?: WriteOptions): Promise<number> {
    this.checkCurrent(key, expectedRevision);
    return this.commit('DELETED', key, encode, opts);
  }

  async watch(prefix: KeyPrefix, fromRevision: number, opts: WatchOptions = {}): Promise<RawWatch> {
    if (fromRevision < this.compacted) throw new ExpiredError(fromRevision, this.compacted);
    const watcher: Watcher = { prefix, queue: new AsyncQueue<RawWatchEvent>() };
    for (const change of this.log) {
      if (change.revision > fromRevision && matchesPrefix(change.key, prefix)) watcher.queue.push(copyChange(change));
    }
    this.watchers.add(watcher);
    const interval = opts.bookmarkIntervalMs ?? 0;
    const timer = interval > 0 ? setInterval(() => watcher.queue.push({ type: 'BOOKMARK', revision: this.revision }), interval) : undefined;
    timer?.unref();
    const stop = () => {
      if (timer) clearInterval(timer);
      this.watchers.delete(watcher);
      watcher.queue.end();
    };
    return { stop, [Symbol.asyncIterator]: () => watcher.queue[Symbol.asyncIterator]() };
  }

  async currentRevision(): Promise<number> {
    return this.revision;
  }

  async compactedRevision(): Promise<number> {
    return this.compacted;
  }

  async compact(revision: number): Promise<void> {
    if (revision <= this.compacted) return;
    this.compacted = Math.min(revision, this.revision);
    this.log = this.log.filter((c) => c.revision >= this.compacted);
    for (const [k, slot] of this.slots) {
      if (slot.deleted && slot.entry.revision < this.compacted) this.slots.delete(k);
    }
  }

  async close(): Promise<void> {
    for (const w of [...this.watchers]) w.queue.end();
    this.watchers.clear();
  }

  private checkCurrent(key: StorageKey, expectedRevision: number): void {
    const slot = this.slots.get(keyString(key));
    if (!slot || slot.deleted) throw new KeyNotFoundError(key);
    if (slot.entry.revision !== expectedRevision) throw new ConflictError(key, expectedRevision, slot.entry.revision);
  }

  private commit(type: RawChange['type'], key: StorageKey, encode: Encoder, opts?: WriteOptions): number {
    const revision = this.revision + 1;
    const value = encode(revision);
    const prevRevision = this.slots.get(keyString(key))?.entry.revision ?? 0;
    this.revision = revision;
    const entry: RawEntry = { key: { ...key }, value, revision };
    this.slots.set(keyString(key), { entry, deleted: type === 'DELETED' });
    const change: RawChange = { ...entry, type, prevRevision, trace: opts?.trace };
    this.log.push(change);
    for (const w of this.watchers) {
      if (matchesPrefix(key, w.prefix)) w.queue.push(copyChange(change));
    }
    return revision;
  }
}

function copyChange(c: RawChange): RawChange {
  return { ...c, key: { ...c.key } };
}
