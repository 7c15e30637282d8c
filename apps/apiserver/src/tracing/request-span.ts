// The span of one component-API request: `apiserver <operation>`.
import type { Metadata } from '@grpc/grpc-js';
import { type Attributes, type Span, SpanKind, SpanStatusCode, type TextMapGetter, context, isSpanContextValid, propagation, trace } from '@opentelemetry/api';
import { GrpcCode, grpcCodeForError, statusOf } from '@k8ts/apimachinery';
import { ATTR_ERROR_TYPE, ATTR_RPC_GRPC_STATUS_CODE, ATTR_RPC_METHOD, ATTR_RPC_SERVICE, ATTR_RPC_SYSTEM, type ObjectRef, objectAttributes } from './attributes';
import { tracer } from './context';

/** The gRPC service the request spans belong to (rpc.service). */
export const RESOURCES_SERVICE = 'k8ts.apiserver.v1.Resources';

const metadataGetter: TextMapGetter<Metadata> = {
  keys: (md) => Object.keys(md.getMap()),
  get: (md, key) => {
    const values = md.get(key).filter((v): v is string => typeof v === 'string');
    return values.length === 0 ? undefined : values;
  },
};

export interface RequestSpanOptions {
  /** create, get, list, update, delete, bind: the span is `apiserver <operation>`. */
  operation: string;
  /** The gRPC method, e.g. "UpdateStatus" (rpc.method of a SERVER span). */
  rpcMethod: string;
  /** The request metadata: the caller's W3C context when no instrumentation extracted it. */
  metadata: Metadata;
  attributes?: Attributes;
}

/**
 * Runs `fn` inside the `apiserver <operation>` span, which is the active span
 * for everything `fn` does (store writes become its children).
 *
 * Under the gRPC instrumentation the handler already runs in its SERVER span
 * (parented by the caller's `traceparent`), and this span is an INTERNAL
 * child. Without it (or in tests), this span is the SERVER span, parented by
 * the caller's context read from the metadata.
 *
 * Failures set `error.type` (the Status reason); only server faults (5xx,
 * unknown errors) set the span status to ERROR, as for gRPC server spans:
 * NotFound or Conflict are answers, not faults of the apiserver.
 */
export function inRequestSpan<T>(opts: RequestSpanOptions, fn: (span: Span) => Promise<T>): Promise<T> {
  const active = context.active();
  const current = trace.getSpanContext(active);
  const instrumented = current !== undefined && isSpanContextValid(current);
  const kind = instrumented ? SpanKind.INTERNAL : SpanKind.SERVER;
  const parent = instrumented ? active : propagation.extract(active, opts.metadata, metadataGetter);
  const attributes: Attributes = instrumented
    ? { ...opts.attributes }
    : { [ATTR_RPC_SYSTEM]: 'grpc', [ATTR_RPC_SERVICE]: RESOURCES_SERVICE, [ATTR_RPC_METHOD]: opts.rpcMethod, ...opts.attributes };
  return tracer().startActiveSpan(`apiserver ${opts.operation}`, { kind, attributes }, parent, async (span) => {
    try {
      const result = await fn(span);
      if (kind === SpanKind.SERVER) span.setAttribute(ATTR_RPC_GRPC_STATUS_CODE, GrpcCode.OK);
      return result;
    } catch (err) {
      recordFailure(span, err, kind === SpanKind.SERVER);
      throw err;
    } finally {
      span.end();
    }
  });
}

/** Adds what the request is about (k8s.resource, k8s.namespace.name, k8s.<kind>.name) to the active span. */
export function describeRequest(ref: ObjectRef, extra?: Attributes): void {
  const span = trace.getActiveSpan();
  if (!span?.isRecording()) return;
  span.setAttributes({ ...objectAttributes(ref), ...extra });
}

function recordFailure(span: Span, err: unknown, server: boolean): void {
  const status = statusOf(err);
  span.setAttribute(ATTR_ERROR_TYPE, status?.reason || (err instanceof Error ? err.name : 'Error'));
  if (server) span.setAttribute(ATTR_RPC_GRPC_STATUS_CODE, grpcCodeForError(err));
  if (status && status.code > 0 && status.code < 500) return;
  if (err instanceof Error) span.recordException(err);
  span.setStatus({ code: SpanStatusCode.ERROR, message: status?.message ?? (err instanceof Error ? err.message : String(err)) });
}
