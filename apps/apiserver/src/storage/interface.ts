// The storage contract of the apiserver.
//
// RawStorage is byte-level and knows nothing about object types: one key per
// object, a single global revision counter (the JetStream stream sequence),
// compare-and-set on the per-key revision, and an ordered change log that
// watchers replay from any retained revision.
//
// A write is handed an `Encoder` instead of bytes, because the revision the
// write will commit at is known before the write (storage serializes writes
// and asserts the global last revision), so the encoded object can carry its
// own resourceVersion.

export type EventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface StorageKey {
  resource: string;
  namespace?: string;
  name: string;
}

export interface KeyPrefix {
  resource: string;
  namespace?: string;
}

/** W3C trace context of the write that produced a change. */
export interface TraceCarrier {
  traceparent?: string;
  tracestate?: string;
}

export interface RawEntry {
  key: StorageKey;
  value: Uint8Array;
  /** Revision at which this value was written (the object's resourceVersion). */
  revision: number;
}

export interface RawChange extends RawEntry {
  type: EventType;
  /** Revision of the value this change replaced (0 for a create of a new key). */
  prevRevision: number;
  trace?: TraceCarrier;
}

export interface RawBookmark {
  type: 'BOOKMARK';
  /** Every change of the watched prefix up to this revision has been delivered. */
  revision: number;
}

export type RawWatchEvent = RawChange | RawBookmark;

export interface RawWatch extends AsyncIterable<RawWatchEvent> {
  /** Ends the iteration; safe to call more than once. */
  stop(): void;
}

export interface WatchOptions {
  /** How often an idle watch emits a bookmark. 0 disables bookmarks. */
  bookmarkIntervalMs?: number;
}

export interface WriteOptions {
  trace?: TraceCarrier;
}

export type Encoder = (revision: number) => Uint8Array;

export interface ListResult {
  entries: RawEntry[];
  /** The revision the list is consistent at; watch from here for every later change. */
  revision: number;
}

export interface RawStorage {
  get(key: StorageKey): Promise<RawEntry | undefined>;
  list(prefix: KeyPrefix): Promise<ListResult>;
  /** The value `key` had at `revision`, while that revision is retained. */
  getAt(key: StorageKey, revision: number): Promise<RawEntry | undefined>;
  /** Fails with KeyExistsError when a live object holds the key. */
  create(key: StorageKey, encode: Encoder, opts?: WriteOptions): Promise<number>;
  /** Fails with ConflictError when the key's revision is not `expectedRevision`, KeyNotFoundError when absent. */
  update(key: StorageKey, expectedRevision: number, encode: Encoder, opts?: WriteOptions): Promise<number>;
  /** Writes a tombstone carrying the object's final state; same preconditions as update. */
  delete(key: StorageKey, expectedRevision: number, encode: Encoder, opts?: WriteOptions): Promise<number>;
  /** Every change under `prefix` after `fromRevision`, in order; ExpiredError when it is no longer retained. */
  watch(prefix: KeyPrefix, fromRevision: number, opts?: WatchOptions): Promise<RawWatch>;
  currentRevision(): Promise<number>;
  /** Revisions at or below this one may have lost superseded values. */
  compactedRevision(): Promise<number>;
  /** Drops values superseded before `revision`; watches from older revisions become Expired. */
  compact(revision: number): Promise<void>;
  close(): Promise<void>;
}
