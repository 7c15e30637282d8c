/**
 * Watching the k8ts change log in JetStream (docs/architecture.md, sections 6
 * and 7), shared by the apiserver's storage and by informers that read the
 * event subjects directly.
 *
 * One stream (default `K8TS`) holds every committed change as one message on
 * `k8ts.events.<resource>.<ns|_>.<name>`; the stream sequence is the
 * revision (resourceVersion). Compaction records the revision it compacted
 * to on `k8ts.meta.compacted`; a watch from an older revision is expired.
 *
 * `watchStream()` delivers every change matching a subject filter after a
 * revision, in commit order, with no gap and no duplicate:
 *
 *  - It uses a JetStream *ordered consumer*. The client library recreates
 *    that consumer on its own (after a NATS restart, a reconnect, missed
 *    heartbeats or a sequence gap) from the stream sequence after the last
 *    message it received, so a NATS restart neither loses nor repeats a
 *    change. The connection must keep reconnecting (maxReconnectAttempts -1).
 *  - It fails with {@link WatchExpiredError} when the revision is older than
 *    the compacted revision, at start or later (compaction overtook a watch
 *    that had not verified its progress past the compacted revision).
 *  - It fails with {@link WatchFailedError} when the consumer dies for good
 *    (connection closed, stream gone, consumer rejected).
 *  - Bookmarks (optional) carry progress past writes that do not match the
 *    filter. A bookmark at L is only sent once no matching change lies
 *    between the last delivered revision and L, so nothing at or below L can
 *    still be on its way.
 *
 * Limitation: a consumer that lags more than one compaction interval behind
 * the head of the stream while connected can miss superseded values without
 * noticing. The apiserver's compactor keeps one full interval of history, and
 * a live consumer trails the head by milliseconds.
 */
import {
  DeliverPolicy,
  jetstream,
  jetstreamManager,
  JetStreamApiError,
  type ConsumerMessages,
  type JetStreamManager,
  type JsMsg,
} from '@nats-io/jetstream';
import { Match, type MsgHdrs, type NatsConnection } from '@nats-io/transport-node';
import { HEADER_TRACEPARENT, HEADER_TRACESTATE, HEADER_TYPE } from './event-headers';

/** The stream holding the cluster, unless configured otherwise. */
export const DEFAULT_STREAM = 'K8TS';
/** Subject whose last message (decimal string) is the compacted revision. */
export const COMPACTED_REVISION_SUBJECT = 'k8ts.meta.compacted';
/** Revision of the value a change replaced ('0' for the create of a new key). */
export const HEADER_PREV_REVISION = 'k8ts-prev-revision';

/** JetStream API error code of a missing stream. */
const STREAM_NOT_FOUND = 10059;

/** Default period of the compaction check (and of progress checks on idle watches). */
export const DEFAULT_COMPACTION_CHECK_INTERVAL_MS = 5_000;

export type StreamChangeType = 'ADDED' | 'MODIFIED' | 'DELETED';

/** W3C trace context of the write that caused a change. */
export interface StreamTraceContext {
  traceparent: string;
  tracestate?: string;
}

/** One committed change. */
export interface StreamChange {
  type: StreamChangeType;
  /** The event subject (decode it with parseEventSubject). */
  subject: string;
  /** The object as stored (Kubernetes JSON). */
  data: Uint8Array;
  /** Stream sequence of this change: the object's resourceVersion. */
  revision: number;
  /** Revision of the value this change replaced (0 for the create of a new key). */
  prevRevision: number;
  headers: MsgHdrs | undefined;
  /** traceparent/tracestate from the headers, when the write carried any. */
  trace?: StreamTraceContext;
}

/** Progress: every matching change up to `revision` has been delivered. */
export interface StreamBookmark {
  type: 'BOOKMARK';
  revision: number;
}

export type StreamWatchEvent = StreamChange | StreamBookmark;

export interface WatchStreamOptions {
  /** Stream name; default K8TS. */
  stream?: string;
  /** Subject filter, e.g. resourceWildcard('pods') or resourceWildcard('pods', 'default'). */
  filter: string;
  /** Deliver every change after this revision (e.g. a list's revision). */
  fromRevision: number;
  /** How often an idle watch may send a bookmark; 0 or absent: no bookmarks. */
  bookmarkIntervalMs?: number;
  /**
   * How often the watch checks that compaction has not overtaken it, which
   * also verifies the progress of idle watches. Keep it well below the
   * compaction interval. Default 5000; 0 disables the check.
   */
  compactionCheckIntervalMs?: number;
  /** Aborting stops the watch like stop(). */
  signal?: AbortSignal;
}

/**
 * A running watch: iterate it once. Iteration ends after stop() and throws
 * WatchExpiredError or WatchFailedError when the watch cannot go on.
 */
export interface StreamWatch extends AsyncIterable<StreamWatchEvent> {
  /** Ends the iteration (events not yet taken are dropped); idempotent. */
  stop(): void;
  /** Every matching change up to this revision has been queued for the iterator. */
  readonly progress: number;
}

/** The requested revision is older than the compacted revision: list again. */
export class WatchExpiredError extends Error {
  constructor(
    readonly requested: number,
    readonly oldest: number,
  ) {
    super(`revision ${requested} is no longer retained (compacted to ${oldest})`);
    this.name = 'WatchExpiredError';
  }
}

/** The watch cannot be started or continued (consumer dead, connection closed, stream gone). */
export class WatchFailedError extends Error {
  constructor(
    message: string,
    readonly filter: string,
    /** The watch's progress when it failed: resume from here. */
    readonly lastRevision: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'WatchFailedError';
  }
}

export function isWatchExpiredError(err: unknown): err is WatchExpiredError {
  return err instanceof WatchExpiredError || (err instanceof Error && err.name === 'WatchExpiredError');
}

/** The compacted revision of `stream` (0 when it was never compacted). */
export async function readCompactedRevision(jsm: JetStreamManager, stream: string = DEFAULT_STREAM): Promise<number> {
  const msg = await jsm.direct.getMessage(stream, { last_by_subj: COMPACTED_REVISION_SUBJECT });
  if (!msg) return 0;
  const value = Number(msg.string());
  return Number.isFinite(value) ? value : 0;
}

/**
 * Watches every change matching `filter` after `fromRevision`. Rejects with
 * WatchExpiredError when that revision is compacted away, and with
 * WatchFailedError when the consumer cannot be created.
 */
export async function watchStream(nc: NatsConnection, opts: WatchStreamOptions): Promise<StreamWatch> {
  const stream = opts.stream ?? DEFAULT_STREAM;
  const { filter, fromRevision } = opts;
  if (!Number.isSafeInteger(fromRevision) || fromRevision < 0) {
    throw new RangeError(`watchStream: fromRevision must be a non-negative integer, got ${fromRevision}`);
  }
  let jsm: JetStreamManager;
  let messages: ConsumerMessages;
  try {
    jsm = await jetstreamManager(nc, { checkAPI: false });
    const compacted = await readCompactedRevision(jsm, stream);
    if (fromRevision < compacted) throw new WatchExpiredError(fromRevision, compacted);
    const consumer = await jetstream(nc).consumers.get(stream, {
      filter_subjects: filter,
      deliver_policy: DeliverPolicy.StartSequence,
      opt_start_seq: fromRevision + 1,
    });
    // expires/2 is the idle heartbeat: missed heartbeats make the library
    // check and recreate the consumer, so keep it short.
    messages = await consumer.consume({ max_messages: 256, expires: 5_000 });
  } catch (err) {
    if (isWatchExpiredError(err)) throw err;
    throw new WatchFailedError(`cannot watch ${filter} in stream ${stream}: ${(err as Error).message}`, filter, fromRevision, { cause: err });
  }
  return new StreamWatchImpl(jsm, messages, stream, opts);
}

class StreamWatchImpl implements StreamWatch {
  private readonly queue = new EventQueue<StreamWatchEvent>();
  private readonly filter: string;
  /** Every matching message up to here has been queued. */
  private position: number;
  private bookmarked: number;
  private lastBookmarkAt = Date.now();
  private stopped = false;
  private timer: NodeJS.Timeout | undefined;
  private checking = false;
  private readonly onAbort = () => this.stop();

  constructor(
    private readonly jsm: JetStreamManager,
    private readonly messages: ConsumerMessages,
    private readonly stream: string,
    private readonly opts: WatchStreamOptions,
  ) {
    this.filter = opts.filter;
    this.position = opts.fromRevision;
    this.bookmarked = opts.fromRevision;
    void this.pump();
    void this.watchStatus();
    const bookmarkMs = opts.bookmarkIntervalMs ?? 0;
    const checkMs = opts.compactionCheckIntervalMs ?? DEFAULT_COMPACTION_CHECK_INTERVAL_MS;
    const tickMs = Math.min(bookmarkMs > 0 ? bookmarkMs : Infinity, checkMs > 0 ? checkMs : Infinity);
    if (Number.isFinite(tickMs)) {
      this.timer = setInterval(() => void this.tick(), tickMs);
      this.timer.unref();
    }
    if (opts.signal?.aborted) this.stop();
    else opts.signal?.addEventListener('abort', this.onAbort, { once: true });
  }

  get progress(): number {
    return this.position;
  }

  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.cleanup();
    this.queue.end(true);
  }

  [Symbol.asyncIterator](): AsyncIterator<StreamWatchEvent> {
    return {
      next: () => this.queue.next(),
      return: async () => {
        this.stop();
        return { value: undefined, done: true };
      },
    };
  }

  private cleanup(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.opts.signal?.removeEventListener('abort', this.onAbort);
    void this.messages.close().catch(() => undefined);
  }

  private fail(err: Error): void {
    if (this.stopped) return;
    this.stopped = true;
    this.cleanup();
    this.queue.fail(err);
  }

  private async pump(): Promise<void> {
    try {
      for await (const m of this.messages) {
        if (this.stopped) return;
        this.position = m.seq;
        this.queue.push(toChange(m));
      }
      this.fail(new WatchFailedError(`watch on ${this.filter} ended: the consumer was closed`, this.filter, this.position));
    } catch (err) {
      this.fail(new WatchFailedError(`watch on ${this.filter} failed: ${(err as Error).message}`, this.filter, this.position, { cause: err }));
    }
  }

  /**
   * The library keeps recreating a consumer whose stream is gone. When it
   * reports a deleted consumer or a missing stream, check the stream, and
   * fail the watch if it no longer exists.
   */
  private async watchStatus(): Promise<void> {
    try {
      for await (const s of this.messages.status()) {
        if (this.stopped) return;
        if (s.type === 'stream_not_found' || s.type === 'consumer_deleted') void this.checkStream();
      }
    } catch {
      // The status iterator ends with the messages iterator.
    }
  }

  private async checkStream(): Promise<void> {
    try {
      await this.jsm.streams.info(this.stream);
    } catch (err) {
      if (isStreamNotFound(err)) {
        this.fail(new WatchFailedError(`watch on ${this.filter} failed: stream ${this.stream} not found`, this.filter, this.position, { cause: err }));
      }
    }
  }

  private async tick(): Promise<void> {
    if (this.checking || this.stopped) return;
    this.checking = true;
    try {
      const seen = this.position;
      const latest = (await this.jsm.streams.info(this.stream)).state.last_seq;
      const next = latest > seen ? await this.jsm.direct.getMessage(this.stream, { seq: seen + 1, next_by_subj: this.filter }) : null;
      // Read after the progress query: a purge that could have hidden a
      // message from that query was preceded by a marker we see here.
      const compacted = await readCompactedRevision(this.jsm, this.stream);
      if (this.stopped) return;
      if (compacted > this.position) {
        this.fail(new WatchExpiredError(this.position, compacted));
        return;
      }
      if (this.position === seen && latest > seen && (!next || next.seq > latest)) this.position = latest;
      const bookmarkMs = this.opts.bookmarkIntervalMs ?? 0;
      if (bookmarkMs > 0 && this.position > this.bookmarked && Date.now() - this.lastBookmarkAt >= bookmarkMs - 5) {
        this.bookmarked = this.position;
        this.lastBookmarkAt = Date.now();
        this.queue.push({ type: 'BOOKMARK', revision: this.position });
      }
    } catch {
      // Best effort (NATS may be restarting): the next tick tries again.
    } finally {
      this.checking = false;
    }
  }
}

function isStreamNotFound(err: unknown): boolean {
  return (err instanceof JetStreamApiError && err.code === STREAM_NOT_FOUND) || (err instanceof Error && err.message === 'stream not found');
}

function toChange(m: JsMsg): StreamChange {
  const h = m.headers;
  const t = header(h, HEADER_TYPE);
  const type: StreamChangeType = t === 'ADDED' || t === 'DELETED' ? t : 'MODIFIED';
  const change: StreamChange = {
    type,
    subject: m.subject,
    data: m.data,
    revision: m.seq,
    prevRevision: Number(header(h, HEADER_PREV_REVISION) || 0),
    headers: h,
  };
  const traceparent = header(h, HEADER_TRACEPARENT);
  if (traceparent) {
    const tracestate = header(h, HEADER_TRACESTATE);
    change.trace = tracestate ? { traceparent, tracestate } : { traceparent };
  }
  return change;
}

function header(h: MsgHdrs | undefined, name: string): string {
  if (!h) return '';
  return h.values(name, Match.IgnoreCase)[0] ?? '';
}

/** Unbounded single-consumer queue behind the watch's iterator. */
class EventQueue<T> {
  private items: T[] = [];
  private waiter: { resolve: (r: IteratorResult<T>) => void; reject: (e: unknown) => void } | undefined;
  private ended = false;
  private error: unknown;

  push(item: T): void {
    if (this.ended) return;
    const w = this.waiter;
    if (w) {
      this.waiter = undefined;
      w.resolve({ value: item, done: false });
    } else {
      this.items.push(item);
    }
  }

  /** Ends the iteration; `discard` drops items not yet taken. */
  end(discard = false): void {
    if (this.ended) return;
    this.ended = true;
    if (discard) this.items = [];
    this.settle();
  }

  /** Ends the iteration with `err` once the queued items are taken. */
  fail(err: unknown): void {
    if (this.ended) return;
    this.ended = true;
    this.error = err;
    this.settle();
  }

  next(): Promise<IteratorResult<T>> {
    if (this.items.length > 0) return Promise.resolve({ value: this.items.shift() as T, done: false });
    if (this.ended) {
      const err = this.error;
      if (err !== undefined) {
        this.error = undefined;
        return Promise.reject(err);
      }
      return Promise.resolve({ value: undefined, done: true });
    }
    return new Promise((resolve, reject) => {
      this.waiter = { resolve, reject };
    });
  }

  private settle(): void {
    const w = this.waiter;
    if (!w) return;
    this.waiter = undefined;
    if (this.error !== undefined) {
      const err = this.error;
      this.error = undefined;
      w.reject(err);
    } else {
      w.resolve({ value: undefined, done: true });
    }
  }
}
