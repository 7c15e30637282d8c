// Trace context of the events behind a sync (architecture §9): a handler
// runs inside during(meta, fn), and every key it enqueues remembers the
// event's W3C context. When a worker syncs the key, the sync span is the
// child of that context when there was one event, or starts its own trace
// linking to each when several events were coalesced. Client calls made
// during the sync carry the span (gRPC instrumentation), so the writes a
// controller makes continue the trace of the write it reacted to.
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, propagation, trace, type Context, type Link } from '@opentelemetry/api';
import { splitKey } from '@k8ts/api';
import type { EventMeta, TraceContext } from '@k8ts/client';

/** Contexts kept per key: the newest win. */
const MAX_CONTEXTS_PER_KEY = 16;

export class SyncTraces {
  private current: TraceContext | undefined;
  private readonly byKey = new Map<string, Map<string, TraceContext>>();

  /** Runs fn (a handler that enqueues) with meta's trace context as the one recorded for its keys. */
  during(meta: EventMeta | undefined, fn: () => void): void {
    const saved = this.current;
    this.current = meta?.trace;
    try {
      fn();
    } finally {
      this.current = saved;
    }
  }

  /** Records the current event's context for key (outside a handler: nothing). */
  record(key: string): void {
    if (this.current) this.put(key, [this.current]);
  }

  take(key: string): TraceContext[] {
    const m = this.byKey.get(key);
    this.byKey.delete(key);
    return m ? [...m.values()] : [];
  }

  /** Puts contexts back for a retry. */
  restore(key: string, contexts: TraceContext[]): void {
    if (contexts.length > 0) this.put(key, contexts);
  }

  get size(): number {
    return this.byKey.size;
  }

  private put(key: string, contexts: TraceContext[]): void {
    let m = this.byKey.get(key);
    if (!m) this.byKey.set(key, (m = new Map()));
    for (const c of contexts) {
      m.delete(c.traceparent);
      m.set(c.traceparent, c);
    }
    while (m.size > MAX_CONTEXTS_PER_KEY) m.delete(m.keys().next().value as string);
  }
}

function parentOf(contexts: TraceContext[]): { parent: Context; links: Link[] } {
  const spans = contexts.map((c) => trace.getSpanContext(propagation.extract(ROOT_CONTEXT, c))).filter((s) => s !== undefined);
  if (spans.length === 0) return { parent: ROOT_CONTEXT, links: [] };
  if (spans.length === 1) return { parent: trace.setSpanContext(ROOT_CONTEXT, spans[0] as NonNullable<(typeof spans)[0]>), links: [] };
  return { parent: ROOT_CONTEXT, links: spans.map((context) => ({ context: context as NonNullable<typeof context> })) };
}

/**
 * Runs one sync of key in the span "<controller> sync", parented on (or
 * linked to) the events that caused it; the contexts are put back when the
 * sync fails, so the retry continues the same traces.
 */
export async function tracedSync(controller: string, nameAttribute: string, key: string, traces: SyncTraces, fn: () => Promise<void>): Promise<void> {
  const contexts = traces.take(key);
  const { parent, links } = parentOf(contexts);
  const { namespace, name } = splitKey(key);
  return trace.getTracer('kube-controller-manager').startActiveSpan(
    `${controller} sync`,
    { kind: SpanKind.INTERNAL, links, attributes: { 'k8s.namespace.name': namespace, [nameAttribute]: name, 'k8ts.sync.events': contexts.length } },
    parent,
    async (span) => {
      try {
        await fn();
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
