/**
 * W3C trace context (and whatever else the globally registered propagator
 * carries, e.g. baggage) in NATS message headers. Uses only
 * @opentelemetry/api: with no SDK registered these are no-ops.
 */
import { type Context, ROOT_CONTEXT, type TextMapGetter, type TextMapSetter, context, propagation } from '@opentelemetry/api';
import { Match, type MsgHdrs } from '@nats-io/transport-node';

export const natsHeadersSetter: TextMapSetter<MsgHdrs> = {
  set(carrier, key, value) {
    carrier.set(key, value);
  },
};

/** Case-insensitive, since other clients may canonicalise header names. */
export const natsHeadersGetter: TextMapGetter<MsgHdrs | undefined> = {
  keys(carrier) {
    return carrier ? carrier.keys() : [];
  },
  get(carrier, key) {
    if (!carrier) return undefined;
    const values = carrier.values(key, Match.IgnoreCase);
    if (values.length === 0) return undefined;
    return values.length === 1 ? values[0] : values;
  },
};

/** Writes `ctx` (default: the active context) into `headers`; returns `headers`. */
export function injectTraceContext(headers: MsgHdrs, ctx: Context = context.active()): MsgHdrs {
  propagation.inject(ctx, headers, natsHeadersSetter);
  return headers;
}

/**
 * Reads the trace context from message headers. The result is based on
 * `base` (default ROOT_CONTEXT, so an event continues the trace of the write
 * that produced it rather than whatever happens to be active).
 */
export function extractTraceContext(headers: MsgHdrs | undefined, base: Context = ROOT_CONTEXT): Context {
  return propagation.extract(base, headers, natsHeadersGetter);
}
