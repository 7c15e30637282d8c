// RawStorage on NATS JetStream (file storage), in the spirit of kine's NATS
// backend, with one difference that makes resourceVersions exact:
//
// * One stream holds every object. Each object is one subject,
//   k8ts.events.<resource>.<ns|_>.<name>; each committed change is one
//   message on it, so the stream is also the event log, and a plain
//   `nats sub 'k8ts.events.>'` shows every change as it commits.
// * The stream sequence is the revision. Every write asserts both the
//   stream's last sequence (so the new revision is known before the write and
//   the object can carry its own resourceVersion) and the subject's last
//   sequence (the per-object compare-and-set that yields Conflict). Writes in
//   one process are serialized; a write that loses the stream-wide race to
//   another apiserver replica is retried, one that loses the per-object race
//   fails with ConflictError.
// * Deletes are tombstone messages (k8ts-type: DELETED) holding the final state.
// * Compaction drops values superseded before revision C and records C on
//   k8ts.meta.compacted; watches from older revisions get ExpiredError.
import { headers as natsHeaders, type MsgHdrs, type NatsConnection } from '@nats-io/transport-node';
import {
  DeliverPolicy,
  JetStreamApiError,
  jetstream,
  jetstreamManager,
  type JetStreamClient,
  type JetStreamManager,
  type StoredMsg,
} from '@nats-io/jetstream';
import {
  COMPACTED_REVISION_SUBJECT,
  HEADER_PREV_REVISION,
  HEADER_REVISION,
  HEADER_TRACEPARENT,
  HEADER_TRACESTATE,
  HEADER_TYPE,
  readCompactedRevision,
  type StreamWatch,
  type StreamWatchEvent,
  WatchExpiredError,
  WatchFailedError,
  watchStream,
} from '@k8ts/eventbus';
import { ConflictError, ExpiredError, KeyExistsError, KeyNotFoundError, StorageUnavailableError } from './errors';
import type {
  Encoder,
  EventType,
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
import { keyForSubject, keyString, subjectForKey, subjectForPrefix } from './keys';

const WRONG_LAST_SEQUENCE = 10071;

export interface JetStreamStorageOptions {
  /** Stream name; default K8TS. */
  stream?: string;
  /** Stream replicas (3 for a NATS cluster); default 1. */
  replicas?: number;
  /** Attempts when other writers keep winning the stream-wide race; default 200. */
  maxWriteAttempts?: number;
}

export class JetStreamStorage implements RawStorage {
  private readonly stream: string;
  private readonly js: JetStreamClient;
  private lastSeq = -1;
  private writeChain: Promise<unknown> = Promise.resolve();
  private readonly watches = new Set<RawWatch>();

  private constructor(
    private readonly nc: NatsConnection,
    private readonly jsm: JetStreamManager,
    private readonly opts: JetStreamStorageOptions,
  ) {
    this.stream = opts.stream ?? 'K8TS';
    this.js = jetstream(nc);
  }

  /** Connects storage to a NATS connection, creating the stream when missing. */
  static async open(nc: NatsConnection, opts: JetStreamStorageOptions = {}): Promise<JetStreamStorage> {
    const jsm = await jetstreamManager(nc);
    const storage = new JetStreamStorage(nc, jsm, opts);
    await storage.ensureStream();
    return storage;
  }

  private async ensureStream(): Promise<void> {
    const config = {
      name: this.stream,
      subjects: ['k8ts.events.>', 'k8ts.meta.>'],
      storage: 'file' as const,
      num_replicas: this.opts.replicas ?? 1,
      allow_direct: true,
    };
    try {
      await this.jsm.streams.info(this.stream);
    } catch (err) {
      if (!(err instanceof JetStreamApiError) || err.code !== 10059) throw err;
      await this.jsm.streams.add(config);
    }
    await this.refreshLastSeq();
  }

  private async refreshLastSeq(): Promise<number> {
    const info = await this.jsm.streams.info(this.stream);
    this.lastSeq = info.state.last_seq;
    return this.lastSeq;
  }

  async currentRevision(): Promise<number> {
    return this.refreshLastSeq();
  }

  async get(key: StorageKey): Promise<RawEntry | undefined> {
    const msg = await this.lastFor(subjectForKey(key));
    if (!msg || typeOf(msg.header) === 'DELETED') return undefined;
    return { key, value: msg.data, revision: msg.seq };
  }

  async getAt(key: StorageKey, revision: number): Promise<RawEntry | undefined> {
    const msg = await this.jsm.direct.getMessage(this.stream, { seq: revision });
    if (!msg || msg.subject !== subjectForKey(key) || typeOf(msg.header) === 'DELETED') return undefined;
    return { key, value: msg.data, revision: msg.seq };
  }

  async list(prefix: KeyPrefix): Promise<ListResult> {
    const filter = subjectForPrefix(prefix);
    const info = await this.jsm.streams.info(this.stream, { subjects_filter: filter });
    let revision = info.state.last_seq;
    const subjects = Object.keys(info.state.subjects ?? {});
    if (subjects.length === 0) return { entries: [], revision };
    const latest = new Map<string, { subject: string; seq: number; data: Uint8Array; deleted: boolean }>();
    const consumer = await this.js.consumers.get(this.stream, {
      filter_subjects: filter,
      deliver_policy: DeliverPolicy.LastPerSubject,
    });
    const messages = await consumer.consume();
    try {
      for await (const m of messages) {
        latest.set(m.subject, { subject: m.subject, seq: m.seq, data: m.data, deleted: typeOf(m.headers) === 'DELETED' });
        revision = Math.max(revision, m.seq);
        if (m.info.pending === 0) break;
      }
    } finally {
      await messages.close();
    }
    const entries = [...latest.values()]
      .filter((e) => !e.deleted)
      .map((e) => ({ key: keyForSubject(e.subject), value: e.data, revision: e.seq }))
      .sort((a, b) => keyString(a.key).localeCompare(keyString(b.key)));
    return { entries, revision };
  }

  create(key: StorageKey, encode: Encoder, opts?: WriteOptions): Promise<number> {
    const subject = subjectForKey(key);
    return this.serialized(async () => {
      // Most creates are of keys never used before: try that first (one
      // round trip) and look at the subject only when the expectation fails.
      let expectSubject = 0;
      for (let attempt = 0; ; attempt++) {
        const seq = await this.tryPublish(subject, 'ADDED', expectSubject, encode, opts);
        if (seq !== undefined) return seq;
        const last = await this.lastFor(subject);
        if (last && typeOf(last.header) !== 'DELETED') throw new KeyExistsError(key, last.seq);
        expectSubject = last?.seq ?? 0;
        this.checkAttempts(attempt);
      }
    });
  }

  update(key: StorageKey, expectedRevision: number, encode: Encoder, opts?: WriteOptions): Promise<number> {
    return this.writeExisting(key, 'MODIFIED', expectedRevision, encode, opts);
  }

  delete(key: StorageKey, expectedRevision: number, encode: Encoder, opts?: WriteOptions): Promise<number> {
    return this.writeExisting(key, 'DELETED', expectedRevision, encode, opts);
  }

  private writeExisting(key: StorageKey, type: EventType, expected: number, encode: Encoder, opts?: WriteOptions): Promise<number> {
    const subject = subjectForKey(key);
    return this.serialized(async () => {
      for (let attempt = 0; ; attempt++) {
        // A tombstone's revision must not revive the object, so check liveness
        // first; the publish expectations below still guard every race.
        const last = await this.lastFor(subject);
        if (!last || typeOf(last.header) === 'DELETED') throw new KeyNotFoundError(key);
        if (last.seq !== expected) throw new ConflictError(key, expected, last.seq);
        const seq = await this.tryPublish(subject, type, expected, encode, opts);
        if (seq !== undefined) return seq;
        this.checkAttempts(attempt);
      }
    });
  }

  /** Publishes at revision lastSeq+1; undefined when an expectation failed (lastSeq is refreshed). */
  private async tryPublish(
    subject: string,
    type: EventType,
    expectSubject: number,
    encode: Encoder,
    opts?: WriteOptions,
  ): Promise<number | undefined> {
    if (this.lastSeq < 0) await this.refreshLastSeq();
    const revision = this.lastSeq + 1;
    const hdrs = natsHeaders();
    hdrs.set(HEADER_TYPE, type);
    hdrs.set(HEADER_REVISION, String(revision));
    hdrs.set(HEADER_PREV_REVISION, String(expectSubject));
    if (opts?.trace?.traceparent) hdrs.set(HEADER_TRACEPARENT, opts.trace.traceparent);
    if (opts?.trace?.tracestate) hdrs.set(HEADER_TRACESTATE, opts.trace.tracestate);
    try {
      const ack = await this.js.publish(subject, encode(revision), {
        headers: hdrs,
        expect: { lastSequence: this.lastSeq, lastSubjectSequence: expectSubject },
      });
      this.lastSeq = ack.seq;
      return ack.seq;
    } catch (err) {
      if (err instanceof JetStreamApiError && err.code === WRONG_LAST_SEQUENCE) {
        await this.refreshLastSeq();
        return undefined;
      }
      this.lastSeq = -1;
      throw new StorageUnavailableError(`publish to ${subject} failed: ${(err as Error).message}`, { cause: err });
    }
  }

  private checkAttempts(attempt: number): void {
    if (attempt + 1 >= (this.opts.maxWriteAttempts ?? 200)) {
      throw new StorageUnavailableError('too many concurrent writers: gave up after repeated stream-wide conflicts');
    }
  }

  private serialized<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.writeChain.then(fn, fn);
    this.writeChain = run.catch(() => undefined);
    return run;
  }

  private async lastFor(subject: string): Promise<StoredMsg | null> {
    return this.jsm.direct.getMessage(this.stream, { last_by_subj: subject });
  }

  compactedRevision(): Promise<number> {
    return readCompactedRevision(this.jsm, this.stream);
  }

  async compact(revision: number): Promise<void> {
    const current = await this.compactedRevision();
    if (revision <= current) return;
    const target = Math.min(revision, await this.currentRevision());
    await this.serialized(async () => {
      const ack = await this.js.publish(COMPACTED_REVISION_SUBJECT, String(target));
      this.lastSeq = Math.max(this.lastSeq, ack.seq);
    });
    const info = await this.jsm.streams.info(this.stream, { subjects_filter: 'k8ts.events.>' });
    for (const [subject, count] of Object.entries(info.state.subjects ?? {})) {
      const last = await this.lastFor(subject);
      if (!last) continue;
      if (last.seq < target) {
        if (typeOf(last.header) === 'DELETED') await this.jsm.streams.purge(this.stream, { filter: subject });
        else if (count > 1) await this.jsm.streams.purge(this.stream, { filter: subject, keep: 1 });
      } else if (count > 1) {
        await this.jsm.streams.purge(this.stream, { filter: subject, seq: target });
      }
    }
    await this.jsm.streams.purge(this.stream, { filter: COMPACTED_REVISION_SUBJECT, keep: 1 });
  }

  async watch(prefix: KeyPrefix, fromRevision: number, opts: WatchOptions = {}): Promise<RawWatch> {
    // The change-log watch (ordered consumer, Expired check, safe bookmarks)
    // lives in @k8ts/eventbus, shared with informers; this adapts it to RawWatch.
    let inner: StreamWatch;
    try {
      inner = await watchStream(this.nc, {
        stream: this.stream,
        filter: subjectForPrefix(prefix),
        fromRevision,
        bookmarkIntervalMs: opts.bookmarkIntervalMs ?? 0,
      });
    } catch (err) {
      throw toStorageError(err);
    }
    const it = inner[Symbol.asyncIterator]();
    const watch: RawWatch = {
      stop: () => {
        this.watches.delete(watch);
        inner.stop();
      },
      [Symbol.asyncIterator]: () => ({
        next: async (): Promise<IteratorResult<RawWatchEvent>> => {
          let r: IteratorResult<StreamWatchEvent>;
          try {
            r = await it.next();
          } catch (err) {
            throw toStorageError(err);
          }
          return r.done ? { value: undefined, done: true } : { value: toRawEvent(r.value), done: false };
        },
        return: async (): Promise<IteratorResult<RawWatchEvent>> => {
          watch.stop();
          return { value: undefined, done: true };
        },
      }),
    };
    this.watches.add(watch);
    return watch;
  }

  async close(): Promise<void> {
    for (const w of [...this.watches]) w.stop();
    await this.writeChain.catch(() => undefined);
  }

  get connection(): NatsConnection {
    return this.nc;
  }
}

function typeOf(h: MsgHdrs | undefined): EventType | undefined {
  const t = h?.get(HEADER_TYPE);
  return t === 'ADDED' || t === 'MODIFIED' || t === 'DELETED' ? t : undefined;
}

function toRawEvent(ev: StreamWatchEvent): RawWatchEvent {
  if (ev.type === 'BOOKMARK') return { type: 'BOOKMARK', revision: ev.revision };
  const change: RawChange = {
    type: ev.type,
    key: keyForSubject(ev.subject),
    value: ev.data,
    revision: ev.revision,
    prevRevision: ev.prevRevision,
    trace: ev.trace,
  };
  return change;
}

function toStorageError(err: unknown): unknown {
  if (err instanceof WatchExpiredError) return new ExpiredError(err.requested, err.oldest);
  if (err instanceof WatchFailedError) return new StorageUnavailableError(err.message, { cause: err });
  return err;
}
