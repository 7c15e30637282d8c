// Trace context of the events that caused a sync. Informer handlers run one
// at a time and synchronously call the controller's on* methods, which only
// enqueue keys; `during(meta, fn)` makes the event's trace context "current"
// for that call, and the queue (TracingQueue) records it for every key it
// enqueues. A delayed add (addAfter, e.g. a slice change) holds its context
// back until the delay has passed and the queue really adds the key, so an
// earlier sync of the key does not claim it. When a worker syncs the key,
// `take(key)` hands back the contexts of the events coalesced into that sync:
//  - one context: the sync span is its child, so the write that follows
//    (the client injects the active context) continues the writer's trace;
//  - several: the sync starts its own trace and links to each of them.
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, propagation, trace, type Context, type Link, type Span } from '@opentelemetry/api';
import { splitKey } from '@k8ts/api';
import { RateLimitingQueue, type EventMeta, type RateLimitingQueueOptions, type TraceContext } from '@k8ts/client';

/** Contexts kept per key: the newest ones win. */
const MAX_CONTEXTS_PER_KEY = 16;

export const SYNC_SPAN_NAME = 'endpoints-controller sync service';

export class PendingTraces {
  private current: TraceContext | undefined;
  private inHandler = false;
  private readonly byKey = new Map<string, Map<string, TraceContext>>();
  /** Contexts of delayed adds, until the queue adds the key. */
  private readonly delayed = new Map<string, Map<string, TraceContext>>();

  /** Runs fn (an enqueueing handler) with meta's trace context as the one recorded for enqueued keys. */
  during(meta: EventMeta | undefined, fn: () => void): void {
    this.current = meta?.trace;
    this.inHandler = true;
    try {
      fn();
    } finally {
      this.current = undefined;
      this.inHandler = false;
    }
  }

  /**
   * Called by the queue for every key it adds now: during a handler, records
   * the handler's event; otherwise (a delayed add coming due) releases the
   * contexts held back for the key.
   */
  record(key: string): void {
    if (this.inHandler) {
      if (this.current) put(this.byKey, key, [this.current]);
      return;
    }
    const held = this.delayed.get(key);
    if (!held) return;
    this.delayed.delete(key);
    put(this.byKey, key, [...held.values()]);
  }

  /** Called by the queue for a delayed add: the handler's event is held back until the key is added. */
  recordDelayed(key: string): void {
    if (this.inHandler && this.current) put(this.delayed, key, [this.current]);
  }

  /** The contexts recorded for key since the last take (oldest first), forgotten here. */
  take(key: string): TraceContext[] {
    const m = this.byKey.get(key);
    this.byKey.delete(key);
    return m ? [...m.values()] : [];
  }

  /** Puts contexts back (a failed sync is retried; the retry continues the same traces). */
  restore(key: string, contexts: TraceContext[]): void {
    if (contexts.length > 0) put(this.byKey, key, contexts);
  }

  /** Number of keys with contexts, ready or held back (for tests). */
  get size(): number {
    return new Set([...this.byKey.keys(), ...this.delayed.keys()]).size;
  }
}

function put(into: Map<string, Map<string, TraceContext>>, key: string, contexts: TraceContext[]): void {
  let m = into.get(key);
  if (!m) into.set(key, (m = new Map()));
  for (const c of contexts) {
    m.delete(c.traceparent); // re-insert: newest last
    m.set(c.traceparent, c);
  }
  while (m.size > MAX_CONTEXTS_PER_KEY) m.delete(m.keys().next().value as string);
}

/** A RateLimitingQueue that tells PendingTraces about every key added by a handler. */
export class TracingQueue extends RateLimitingQueue<string> {
  constructor(
    private readonly traces: PendingTraces,
    opts: RateLimitingQueueOptions<string> = {},
  ) {
    super(opts);
  }

  override add(item: string): void {
    this.traces.record(item);
    super.add(item);
  }

  override addAfter(item: string, ms: number): void {
    // ms <= 0 adds at once, through add().
    if (ms > 0) this.traces.recordDelayed(item);
    super.addAfter(item, ms);
  }
}

/** Parent context and links of a sync caused by these events. */
export function syncSpanParent(contexts: TraceContext[]): { parent: Context; links: Link[] } {
  const extracted = contexts
    .map((c) => propagation.extract(ROOT_CONTEXT, c))
    .filter((ctx) => trace.getSpanContext(ctx) !== undefined);
  if (extracted.length === 0) return { parent: ROOT_CONTEXT, links: [] };
  if (extracted.length === 1) return { parent: extracted[0] as Context, links: [] };
  return { parent: ROOT_CONTEXT, links: extracted.map((ctx) => ({ context: trace.getSpanContext(ctx) as NonNullable<ReturnType<typeof trace.getSpanContext>> })) };
}

/**
 * Runs one sync of `key` in the span "endpoints-controller sync service",
 * parented on (or linked to) the events that caused it. fn runs with the
 * span active, so client calls carry its context.
 */
export async function tracedSync<R>(key: string, traces: PendingTraces, fn: () => Promise<R>, describe?: (r: R, span: Span) => void): Promise<R> {
  const contexts = traces.take(key);
  const { parent, links } = syncSpanParent(contexts);
  const { namespace, name } = splitKey(key);
  const tracer = trace.getTracer('endpoints-controller');
  return tracer.startActiveSpan(
    SYNC_SPAN_NAME,
    { kind: SpanKind.INTERNAL, links, attributes: { 'k8s.namespace.name': namespace, 'k8s.service.name': name, 'k8ts.sync.events': contexts.length } },
    parent,
    async (span) => {
      try {
        const r = await fn();
        describe?.(r, span);
        return r;
      } catch (err) {
        traces.restore(key, contexts);
        span.recordException(err as Error);
        span.setStatus({ code: SpanStatusCode.ERROR, message: err instanceof Error ? err.message : String(err) });
        throw err;
      } finally {
        span.end();
      }
    },
  );
}
