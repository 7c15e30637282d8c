// The apiserver's tracer and the W3C carrier that travels with a change.
// Only @opentelemetry/api: with no SDK registered everything here is a no-op.
import { type Context, type Tracer, context, propagation, trace } from '@opentelemetry/api';
import type { TraceCarrier } from '../storage/interface';

export const TRACER_NAME = '@k8ts/apiserver';

/**
 * The apiserver's tracer. Looked up per use (cheap once an SDK is
 * registered): a tracer kept from before an SDK was (re)registered would keep
 * reporting to the old one.
 */
export function tracer(): Tracer {
  return trace.getTracer(TRACER_NAME);
}

/**
 * The W3C trace context of `ctx` (default: the active one) as a TraceCarrier,
 * or undefined when nothing is traced: no span in `ctx`, or no SDK (the
 * global propagator is then a no-op).
 */
export function carrierOf(ctx: Context = context.active()): TraceCarrier | undefined {
  const headers: Record<string, string> = {};
  propagation.inject(ctx, headers);
  const { traceparent, tracestate } = headers;
  if (!traceparent) return undefined;
  return tracestate ? { traceparent, tracestate } : { traceparent };
}

/** `base` (default: the active context) with the span context of `carrier` as the current span. */
export function contextFromCarrier(carrier: TraceCarrier, base: Context = context.active()): Context {
  return propagation.extract(base, carrier);
}
