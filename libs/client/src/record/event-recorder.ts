// EventRecorder: records core/v1 Events about objects, after client-go's
// tools/record (EventRecorder + EventBroadcaster + EventCorrelator):
//
//   const recorder = new EventRecorder({ sink: client.events, component: 'default-scheduler', host: os.hostname() });
//   recorder.event(objectReference(pod, 'Pod'), 'Warning', 'FailedScheduling', msg);
//   recorder.eventf({ ...node, kind: 'Node' }, 'Normal', 'Starting', 'kubelet %s started', version);
//
// event()/eventf() never block and never throw: the event is queued (at most
// maxQueued; beyond that it is dropped with a warning) and one worker sends
// the queue to the sink in order. Before sending, events are correlated as
// client-go does:
//   - aggregation: 10 events that differ only in message within 10 minutes
//     become one "(combined from similar events): …" event;
//   - dedupe: a repeat of the same (object, type, reason, message, source)
//     within dedupeWindowMs (10 min) updates the existing Event (count + 1,
//     new lastTimestamp) instead of creating another; client-go patches,
//     k8ts updates (sink.update); a sink without update creates a new Event
//     for every repeat;
//   - spam filter: per source and object, a burst of 25 events, then one per
//     5 minutes (counts still advance for the dropped ones).
// Failed writes are retried (12 tries, 10 s apart, the first delay
// randomized) when the apiserver could not be reached; an error Status
// (rejected, invalid…) is logged and the event dropped.

import { type Event, type ObjectMeta, type ObjectReference, findType } from '@k8ts/api';
import { isAlreadyExists, isConflict, isNotFound, statusOf } from '@k8ts/apimachinery';
import { type Clock, realClock, sleep } from '../workqueue/clock';

export const EVENT_TYPE_NORMAL = 'Normal';
export const EVENT_TYPE_WARNING = 'Warning';
export type EventType = typeof EVENT_TYPE_NORMAL | typeof EVENT_TYPE_WARNING;

/** Where events are written; the typed client's `client.events` fits. */
export interface EventSink {
  create(event: Event): Promise<Event>;
  /** Replaces an existing event (used to bump count/lastTimestamp of a repeat). */
  update?(event: Event): Promise<Event>;
}

/** The logger shape the recorder writes to; a pino logger fits. */
export interface EventRecorderLogger {
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
  debug?(obj: object, msg: string): void;
}

/** What an event can be about: an object reference, or an object (with its kind). */
export type EventObject = ObjectReference | { metadata?: ObjectMeta | undefined; kind?: string; apiVersion?: string };

export interface EventRecorderOptions {
  sink: EventSink;
  /** source.component and reportingComponent, e.g. "default-scheduler". */
  component: string;
  /** source.host (kubelets set their node name). */
  host?: string;
  /** reportingInstance; default: host, else ''. */
  reportingInstance?: string;
  clock?: Clock;
  /** Default: console. */
  logger?: EventRecorderLogger;
  /** Events waiting to be sent before new ones are dropped (default 1000). */
  maxQueued?: number;
  /** A repeat within this long updates the existing event (default 10 min). */
  dedupeWindowMs?: number;
  /** Events that differ only in message are combined from this many on (default 10; 0 disables). */
  aggregateMaxEvents?: number;
  /** Window for aggregation (default 10 min). */
  aggregateIntervalMs?: number;
  /** Events per source+object before throttling (default 25; 0 disables the spam filter). */
  spamBurst?: number;
  /** Refill of the spam filter's bucket, events per second (default 1/300). */
  spamQps?: number;
  /** Write attempts per event when the apiserver cannot be reached (default 12). */
  maxTries?: number;
  /** Wait between attempts (default 10 s; the first wait is randomized). */
  retryDelayMs?: number;
  /** Entries kept per correlation cache (default 4096, least recently used dropped). */
  cacheSize?: number;
  /** For the randomized first retry delay (default Math.random). */
  random?: () => number;
}

/** The apiVersion of a kind: from the @k8ts/api registry, else a few well-known ones. */
const EXTRA_API_VERSIONS: Readonly<Record<string, string>> = {
  StatefulSet: 'apps/v1',
  DaemonSet: 'apps/v1',
  ControllerRevision: 'apps/v1',
  Job: 'batch/v1',
  CronJob: 'batch/v1',
  PersistentVolume: 'v1',
  PersistentVolumeClaim: 'v1',
  ServiceAccount: 'v1',
  Secret: 'v1',
  ConfigMap: 'v1',
  Lease: 'coordination.k8s.io/v1',
  EndpointSlice: 'discovery.k8s.io/v1',
  Ingress: 'networking.k8s.io/v1',
  HorizontalPodAutoscaler: 'autoscaling/v2',
};

export function apiVersionForKind(kind: string): string | undefined {
  const match = findType(kind);
  if (match && !match.list) return match.info.apiVersion;
  return EXTRA_API_VERSIONS[kind];
}

function isReference(obj: EventObject): obj is ObjectReference {
  return !('metadata' in obj && obj.metadata) && typeof (obj as ObjectReference).name === 'string';
}

/**
 * The involvedObject for `obj`: kind from the argument or obj.kind,
 * apiVersion from the argument, obj.apiVersion or the kind. Throws when no
 * kind, name or apiVersion can be found.
 */
export function objectReference(obj: EventObject, kind?: string, apiVersion?: string): ObjectReference {
  if (isReference(obj)) {
    const k = kind ?? obj.kind;
    if (!k) throw new Error('objectReference: the reference has no kind');
    const v = apiVersion ?? obj.apiVersion ?? apiVersionForKind(k);
    if (!v) throw new Error(`objectReference: no apiVersion known for kind ${k}`);
    return { ...obj, kind: k, apiVersion: v };
  }
  const k = kind ?? obj.kind;
  if (!k) throw new Error('objectReference: no kind given and the object carries none');
  const v = apiVersion ?? obj.apiVersion ?? apiVersionForKind(k);
  if (!v) throw new Error(`objectReference: no apiVersion known for kind ${k}; pass it`);
  const meta = obj.metadata ?? {};
  if (!meta.name) throw new Error(`objectReference: the ${k} has no metadata.name`);
  const ref: ObjectReference = { kind: k, name: meta.name, apiVersion: v };
  if (meta.namespace) ref.namespace = meta.namespace;
  if (meta.uid) ref.uid = meta.uid;
  if (meta.resourceVersion) ref.resourceVersion = meta.resourceVersion;
  return ref;
}

/**
 * Go-style formatting for eventf: %v %s %d %f %q %x and %% (flags such as
 * %+v are accepted and ignored). Extra arguments are appended like Go's
 * %!(EXTRA …); missing ones print %!v(MISSING).
 */
export function sprintf(format: string, ...args: unknown[]): string {
  let i = 0;
  const out = format.replace(/%([-+# 0]*)(\d*)(?:\.(\d+))?([vsdfqxXt%])/g, (_m, _flags: string, _width: string, precision: string | undefined, verb: string) => {
    if (verb === '%') return '%';
    if (i >= args.length) return `%!${verb}(MISSING)`;
    const a = args[i++];
    switch (verb) {
      case 'd':
        return typeof a === 'number' || typeof a === 'bigint' ? String(typeof a === 'number' ? Math.trunc(a) : a) : `%!d(${String(a)})`;
      case 'f':
        return typeof a === 'number' ? a.toFixed(precision !== undefined ? Number(precision) : 6) : `%!f(${String(a)})`;
      case 'q':
        return JSON.stringify(String(a));
      case 'x':
      case 'X': {
        const s = typeof a === 'number' || typeof a === 'bigint' ? a.toString(16) : Buffer.from(String(a)).toString('hex');
        return verb === 'X' ? s.toUpperCase() : s;
      }
      default:
        return formatValue(a);
    }
  });
  if (i < args.length) return `${out}%!(EXTRA ${args.slice(i).map(formatValue).join(', ')})`;
  return out;
}

function formatValue(a: unknown): string {
  if (a instanceof Error) return a.message;
  if (a !== null && typeof a === 'object' && !Array.isArray(a) && a.toString === Object.prototype.toString) {
    try {
      return JSON.stringify(a);
    } catch {
      return String(a);
    }
  }
  return String(a);
}

/** Kubernetes Time: RFC 3339, UTC, whole seconds. */
function formatTime(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19)}Z`;
}

/** A Map used as an LRU cache. */
class Lru<V> {
  private readonly map = new Map<string, V>();
  constructor(private readonly max: number) {}
  get(key: string): V | undefined {
    const v = this.map.get(key);
    if (v !== undefined) {
      this.map.delete(key);
      this.map.set(key, v);
    }
    return v;
  }
  set(key: string, value: V): void {
    this.map.delete(key);
    this.map.set(key, value);
    if (this.map.size > this.max) this.map.delete(this.map.keys().next().value as string);
  }
  delete(key: string): void {
    this.map.delete(key);
  }
}

interface Observation {
  name: string;
  namespace: string;
  resourceVersion: string | undefined;
  firstTimestamp: string;
  lastSeen: number;
  count: number;
}

interface AggregateRecord {
  messages: Set<string>;
  last: number;
}

interface Bucket {
  tokens: number;
  at: number;
}

interface Queued {
  event: Event;
  /** Generated at event() time; the time the correlation works with. */
  at: number;
}

const consoleLogger: EventRecorderLogger = {
  warn: (obj, msg) => console.warn(msg, obj),
  error: (obj, msg) => console.error(msg, obj),
};

function eventRef(e: Event): object {
  const o = e.involvedObject ?? {};
  return { object: `${o.kind ?? ''} ${o.namespace ? `${o.namespace}/` : ''}${o.name ?? ''}`, type: e.type, reason: e.reason, message: e.message };
}

/** Whether a failed write is worth retrying: no Status (transport), or a server-side 5xx / 429. */
function isRetryable(err: unknown): boolean {
  const s = statusOf(err);
  if (!s) return true;
  return s.code === 429 || s.code >= 500;
}

export class EventRecorder {
  private readonly sink: EventSink;
  private readonly clock: Clock;
  private readonly log: EventRecorderLogger;
  private readonly source: { component: string; host?: string };
  private readonly reportingInstance: string;
  private readonly maxQueued: number;
  private readonly dedupeWindowMs: number;
  private readonly aggregateMaxEvents: number;
  private readonly aggregateIntervalMs: number;
  private readonly spamBurst: number;
  private readonly spamQps: number;
  private readonly maxTries: number;
  private readonly retryDelayMs: number;
  private readonly random: () => number;

  private readonly queue: Queued[] = [];
  private readonly observations: Lru<Observation>;
  private readonly aggregates: Lru<AggregateRecord>;
  private readonly buckets: Lru<Bucket>;
  private working: Promise<void> | undefined;
  /** 1 while an event taken off the queue is being written. */
  private sending = 0;
  private readonly stop = new AbortController();
  private shuttingDown = false;
  private lastNameMs = 0;
  private nameSeq = 0;

  constructor(opts: EventRecorderOptions) {
    if (!opts.component) throw new Error('EventRecorder: component is required');
    this.sink = opts.sink;
    this.clock = opts.clock ?? realClock;
    this.log = opts.logger ?? consoleLogger;
    this.source = opts.host ? { component: opts.component, host: opts.host } : { component: opts.component };
    this.reportingInstance = opts.reportingInstance ?? opts.host ?? '';
    this.maxQueued = opts.maxQueued ?? 1000;
    this.dedupeWindowMs = opts.dedupeWindowMs ?? 10 * 60_000;
    this.aggregateMaxEvents = opts.aggregateMaxEvents ?? 10;
    this.aggregateIntervalMs = opts.aggregateIntervalMs ?? 10 * 60_000;
    this.spamBurst = opts.spamBurst ?? 25;
    this.spamQps = opts.spamQps ?? 1 / 300;
    this.maxTries = Math.max(1, opts.maxTries ?? 12);
    this.retryDelayMs = opts.retryDelayMs ?? 10_000;
    this.random = opts.random ?? Math.random;
    const cacheSize = opts.cacheSize ?? 4096;
    this.observations = new Lru(cacheSize);
    this.aggregates = new Lru(cacheSize);
    this.buckets = new Lru(cacheSize);
  }

  /**
   * Records an event about `obj` (a reference, or an object whose kind is
   * given by `obj.kind`; see objectReference). Never throws.
   */
  event(obj: EventObject, type: EventType, reason: string, message: string): void {
    try {
      this.generate(obj, type, reason, message);
    } catch (err) {
      this.log.error({ err, reason, message }, 'could not record event (will not retry)');
    }
  }

  /** Like event() with a Go-style format (%s %v %d %q …) for the message. */
  eventf(obj: EventObject, type: EventType, reason: string, messageFmt: string, ...args: unknown[]): void {
    let message: string;
    try {
      message = sprintf(messageFmt, ...args);
    } catch {
      message = messageFmt;
    }
    this.event(obj, type, reason, message);
  }

  /** Events queued or being sent. */
  pending(): number {
    return this.queue.length + this.sending;
  }

  /** Resolves once every event recorded so far has been sent (or given up on). */
  async flush(): Promise<void> {
    while (this.working) await this.working;
  }

  /**
   * Stops recording: later events are dropped; queued ones get one attempt
   * each (no retry waits). Resolves when they are done.
   */
  async shutdown(): Promise<void> {
    this.shuttingDown = true;
    this.stop.abort();
    await this.flush();
  }

  private generate(obj: EventObject, type: EventType, reason: string, message: string): void {
    if (this.shuttingDown) {
      this.log.warn({ reason, message }, 'event recorder is shut down; event dropped');
      return;
    }
    if (type !== EVENT_TYPE_NORMAL && type !== EVENT_TYPE_WARNING) {
      this.log.error({ type, reason }, 'unsupported event type; event dropped');
      return;
    }
    const ref = objectReference(obj);
    const now = this.clock.now();
    const ts = formatTime(now);
    const event: Event = {
      metadata: { name: `${ref.name}.${this.uniqueSuffix(now)}`, namespace: ref.namespace || 'default' },
      involvedObject: ref,
      reason,
      message,
      source: { ...this.source },
      firstTimestamp: ts,
      lastTimestamp: ts,
      count: 1,
      type,
      reportingComponent: this.source.component,
      reportingInstance: this.reportingInstance,
    };
    if (this.queue.length >= this.maxQueued) {
      this.log.warn(eventRef(event), `too many queued events (${this.maxQueued}); event dropped`);
      return;
    }
    this.queue.push({ event, at: now });
    if (!this.working) {
      this.working = this.work().finally(() => {
        this.working = undefined;
      });
    }
  }

  /** Hex of a nanosecond timestamp, unique within this recorder (client-go: UnixNano in hex). */
  private uniqueSuffix(nowMs: number): string {
    if (nowMs === this.lastNameMs) this.nameSeq++;
    else {
      this.lastNameMs = nowMs;
      this.nameSeq = 0;
    }
    return (BigInt(Math.floor(nowMs)) * 1_000_000n + BigInt(this.nameSeq)).toString(16);
  }

  private async work(): Promise<void> {
    // Let the caller's synchronous code finish first: sending is asynchronous.
    await Promise.resolve();
    for (let item = this.queue.shift(); item; item = this.queue.shift()) {
      this.sending = 1;
      try {
        const correlated = this.correlate(item);
        if (correlated) await this.send(correlated.event, correlated.key);
      } catch (err) {
        this.log.error({ err, ...eventRef(item.event) }, 'unable to write event');
      } finally {
        this.sending = 0;
      }
    }
  }

  private sourceKey(e: Event): string[] {
    const o = e.involvedObject ?? {};
    return [e.source?.component ?? '', e.source?.host ?? '', o.kind ?? '', o.namespace ?? '', o.name ?? '', o.uid ?? '', o.apiVersion ?? ''];
  }

  /** Aggregate, dedupe, spam-filter. Returns the event to write and its observation key, or undefined to skip. */
  private correlate({ event, at }: Queued): { event: Event; key: string } | undefined {
    const base = this.sourceKey(event);
    let key = [...base, event.involvedObject?.fieldPath ?? '', event.type ?? '', event.reason ?? '', event.message ?? ''].join('\u0000');

    // Aggregation of events that differ only in message.
    if (this.aggregateMaxEvents > 0) {
      const aggKey = [...base, event.type ?? '', event.reason ?? '', event.reportingComponent ?? '', event.reportingInstance ?? ''].join('\u0000');
      let rec = this.aggregates.get(aggKey);
      if (!rec || at - rec.last > this.aggregateIntervalMs) rec = { messages: new Set(), last: at };
      rec.messages.add(event.message ?? '');
      rec.last = at;
      this.aggregates.set(aggKey, rec);
      if (rec.messages.size >= this.aggregateMaxEvents) {
        // Keep the set from growing past the limit.
        const first = rec.messages.values().next().value as string;
        rec.messages.delete(first);
        event = {
          ...event,
          metadata: { ...event.metadata, name: `${event.involvedObject?.name ?? ''}.${this.uniqueSuffix(at)}` },
          message: `(combined from similar events): ${event.message ?? ''}`,
        };
        key = `agg\u0000${aggKey}`;
      }
    }

    // Dedupe: a repeat within the window updates the first event.
    const seen = this.observations.get(key);
    if (seen && at - seen.lastSeen <= this.dedupeWindowMs) {
      seen.count++;
      seen.lastSeen = at;
      event = {
        ...event,
        metadata: { ...event.metadata, name: seen.name, namespace: seen.namespace, resourceVersion: seen.resourceVersion },
        firstTimestamp: seen.firstTimestamp,
        count: seen.count,
      };
    } else {
      this.observations.set(key, {
        name: event.metadata?.name ?? '',
        namespace: event.metadata?.namespace ?? '',
        resourceVersion: undefined,
        firstTimestamp: event.firstTimestamp ?? '',
        lastSeen: at,
        count: 1,
      });
    }

    // Spam filter: a token bucket per source + object.
    if (this.spamBurst > 0) {
      const spamKey = base.join('\u0000');
      const b = this.buckets.get(spamKey) ?? { tokens: this.spamBurst, at };
      b.tokens = Math.min(this.spamBurst, b.tokens + ((at - b.at) / 1000) * this.spamQps);
      b.at = at;
      this.buckets.set(spamKey, b);
      if (b.tokens < 1) {
        this.log.debug?.(eventRef(event), 'event throttled by the spam filter');
        return undefined;
      }
      b.tokens -= 1;
    }
    return { event, key };
  }

  private async send(event: Event, key: string): Promise<void> {
    for (let tries = 1; ; tries++) {
      try {
        const written = await this.write(event);
        const obs = this.observations.get(key);
        if (obs && obs.name === written.metadata?.name) obs.resourceVersion = written.metadata?.resourceVersion;
        return;
      } catch (err) {
        if (!isRetryable(err)) {
          if (isAlreadyExists(err)) this.log.debug?.({ err, ...eventRef(event) }, 'server rejected event (will not retry)');
          else this.log.error({ err, ...eventRef(event) }, 'server rejected event (will not retry)');
          // A conflicting or vanished event must not keep receiving updates.
          if (isConflict(err)) this.observations.delete(key);
          return;
        }
        if (tries >= this.maxTries || this.shuttingDown) {
          this.log.error({ err, ...eventRef(event) }, this.shuttingDown ? 'unable to write event (recorder is shut down)' : 'unable to write event (retry limit exceeded)');
          return;
        }
        this.log.warn({ err, ...eventRef(event) }, 'unable to write event (may retry after sleeping)');
        const delay = tries === 1 ? this.retryDelayMs * this.random() : this.retryDelayMs;
        if (!(await sleep(this.clock, delay, this.stop.signal))) {
          this.log.error(eventRef(event), 'unable to write event (recorder is shut down)');
          return;
        }
      }
    }
  }

  /** Update for a repeat (create if the event is gone, or the sink cannot update); create otherwise. */
  private async write(event: Event): Promise<Event> {
    if ((event.count ?? 1) > 1 && this.sink.update) {
      try {
        return await this.sink.update(event);
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
    }
    const fresh: Event = { ...event, metadata: { ...event.metadata } };
    delete fresh.metadata?.resourceVersion;
    if ((event.count ?? 1) > 1 && !this.sink.update) {
      // No way to update: a new event per repeat.
      fresh.metadata = { ...fresh.metadata, name: `${event.involvedObject?.name ?? ''}.${this.uniqueSuffix(this.clock.now())}` };
      fresh.count = 1;
      fresh.firstTimestamp = fresh.lastTimestamp;
    }
    return this.sink.create(fresh);
  }
}
