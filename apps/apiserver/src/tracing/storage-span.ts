// The span of one storage write: `apiserver storage write`. Its W3C context
// is what travels with the change (the `traceparent` header of the NATS event
// message, ObjectEvent.trace for watchers), so a component that handles the
// event continues the trace as a child of this write.
import { SpanKind, SpanStatusCode, context } from '@opentelemetry/api';
import { ConflictError, KeyExistsError, KeyNotFoundError } from '../storage/errors';
import type { EventType, StorageKey, TraceCarrier, WriteOptions } from '../storage/interface';
import { subjectForKey } from '../storage/keys';
import {
  ATTR_ERROR_TYPE,
  ATTR_K8TS_EVENT_TYPE,
  ATTR_K8TS_RESOURCE_VERSION,
  ATTR_MESSAGING_DESTINATION_NAME,
  ATTR_MESSAGING_OPERATION_TYPE,
  ATTR_MESSAGING_SYSTEM,
  MESSAGING_SYSTEM_NATS,
  objectAttributes,
} from './attributes';
import { carrierOf, contextFromCarrier, tracer } from './context';

export const STORAGE_WRITE_SPAN = 'apiserver storage write';

export interface StorageWrite {
  /** The change event the write produces. */
  type: EventType;
  key: StorageKey;
  /** API group of the resource (for the object's name attribute). */
  group: string;
  /**
   * The trace the write belongs to (WriteContext.trace): the parent of the
   * span. Without one, the active context is the parent.
   */
  trace?: TraceCarrier;
}

/**
 * Runs one storage write in an `apiserver storage write` span (PRODUCER: the
 * write publishes the change event) and hands `write` the context to store
 * with the change: this span's, or, when nothing is recorded (no SDK), the
 * caller's carrier unchanged, so an apiserver with tracing off still passes
 * its callers' traces on. No trace anywhere → no carrier.
 */
export function storageWrite(w: StorageWrite, write: (opts: WriteOptions) => Promise<number>): Promise<number> {
  // The request path hands down the carrier of the active span: then stay in
  // the active context (a local parent); a different carrier wins.
  const parent = w.trace?.traceparent && w.trace.traceparent !== carrierOf()?.traceparent ? contextFromCarrier(w.trace) : context.active();
  const attributes = {
    ...objectAttributes({ group: w.group, resource: w.key.resource, namespace: w.key.namespace, name: w.key.name }),
    [ATTR_K8TS_EVENT_TYPE]: w.type,
    [ATTR_MESSAGING_SYSTEM]: MESSAGING_SYSTEM_NATS,
    [ATTR_MESSAGING_DESTINATION_NAME]: subjectForKey(w.key),
    [ATTR_MESSAGING_OPERATION_TYPE]: 'send',
  };
  return tracer().startActiveSpan(STORAGE_WRITE_SPAN, { kind: SpanKind.PRODUCER, attributes }, parent, async (span) => {
    const trace = carrierOf() ?? w.trace;
    try {
      const revision = await write(trace ? { trace } : {});
      span.setAttribute(ATTR_K8TS_RESOURCE_VERSION, String(revision));
      return revision;
    } catch (err) {
      span.setAttribute(ATTR_ERROR_TYPE, err instanceof Error ? err.name : 'Error');
      // A lost compare-and-set or an existing key is an answer (retried or
      // returned to the client), not a fault.
      if (!(err instanceof ConflictError || err instanceof KeyExistsError || err instanceof KeyNotFoundError)) {
        if (err instanceof Error) span.recordException(err);
        span.setStatus({ code: SpanStatusCode.ERROR, message: err instanceof Error ? err.message : String(err) });
      }
      throw err;
    } finally {
      span.end();
    }
  });
}
