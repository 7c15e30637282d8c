// A span per mirroring sync, "endpointslice-mirroring sync service",
// continuing the trace of the event behind it (one event: its child;
// several: a new trace linked to each), as the EndpointsController's syncs
// do. The trace contexts come from the manager's PendingTraces.
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, propagation, trace, type Context, type Link } from '@opentelemetry/api';
import { splitKey } from '@k8ts/api';
import type { TraceContext } from '@k8ts/client';
import type { MirroringResult } from './sync-mirroring';

export const MIRRORING_SYNC_SPAN_NAME = 'endpointslice-mirroring sync service';

/** Where the trace contexts of queued keys are kept (PendingTraces fits). */
export interface KeyTraces {
  take(key: string): TraceContext[];
  restore(key: string, contexts: TraceContext[]): void;
}

function parentOf(contexts: TraceContext[]): { parent: Context; links: Link[] } {
  const extracted = contexts.map((c) => propagation.extract(ROOT_CONTEXT, c)).filter((ctx) => trace.getSpanContext(ctx) !== undefined);
  if (extracted.length === 1) return { parent: extracted[0] as Context, links: [] };
  const links = extracted.flatMap((ctx) => {
    const sc = trace.getSpanContext(ctx);
    return sc ? [{ context: sc }] : [];
  });
  return { parent: ROOT_CONTEXT, links };
}

export async function tracedMirroringSync(key: string, traces: KeyTraces, run: () => Promise<MirroringResult>): Promise<MirroringResult> {
  const contexts = traces.take(key);
  const { parent, links } = parentOf(contexts);
  const { namespace, name } = splitKey(key);
  return trace.getTracer('endpoints-controller').startActiveSpan(
    MIRRORING_SYNC_SPAN_NAME,
    { kind: SpanKind.INTERNAL, links, attributes: { 'k8s.namespace.name': namespace, 'k8s.service.name': name, 'k8ts.sync.events': contexts.length } },
    parent,
    async (span) => {
      try {
        const r = await run();
        span.setAttributes({ 'k8ts.mirroring.outcome': r.outcome, 'k8ts.mirroring.created': r.created, 'k8ts.mirroring.updated': r.updated, 'k8ts.mirroring.deleted': r.deleted });
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
