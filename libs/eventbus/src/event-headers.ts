/**
 * Headers of event messages on `k8ts.events.…` subjects.
 */
import { type Context } from '@opentelemetry/api';
import { type MsgHdrs, headers as natsHeaders } from '@nats-io/transport-node';
import { extractTraceContext, injectTraceContext } from './trace-context';

/** The resourceVersion of the change (the JetStream stream sequence, as an opaque string). */
export const HEADER_REVISION = 'k8ts-revision';
/** One of {@link WatchEventType}. */
export const HEADER_TYPE = 'k8ts-type';
/** W3C Trace Context headers of the write that caused the event. */
export const HEADER_TRACEPARENT = 'traceparent';
export const HEADER_TRACESTATE = 'tracestate';

export const WATCH_EVENT_TYPES = ['ADDED', 'MODIFIED', 'DELETED', 'BOOKMARK', 'ERROR'] as const;
export type WatchEventType = (typeof WATCH_EVENT_TYPES)[number];

export function isWatchEventType(v: unknown): v is WatchEventType {
  return typeof v === 'string' && (WATCH_EVENT_TYPES as readonly string[]).includes(v);
}

export class EventHeaderError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EventHeaderError';
  }
}

export interface EncodeEventHeadersInput {
  type: WatchEventType;
  /** resourceVersion; numbers are converted to their decimal string. */
  revision: string | number | bigint;
  /** Trace context to propagate (default: the active context). */
  context?: Context;
}

export interface DecodedEventHeaders {
  type: WatchEventType;
  revision: string;
  /** Extracted trace context (ROOT_CONTEXT-based; no span if none was sent). */
  context: Context;
  /** The raw traceparent header, if present. */
  traceparent?: string;
}

/** Builds the headers of an event message (new MsgHdrs, or added to `into`). */
export function encodeEventHeaders(input: EncodeEventHeadersInput, into: MsgHdrs = natsHeaders()): MsgHdrs {
  if (!isWatchEventType(input.type)) {
    throw new EventHeaderError(`invalid event type ${JSON.stringify(input.type)}; want one of ${WATCH_EVENT_TYPES.join(', ')}`);
  }
  const revision = String(input.revision);
  if (revision === '') throw new EventHeaderError('event revision must not be empty');
  into.set(HEADER_TYPE, input.type);
  into.set(HEADER_REVISION, revision);
  injectTraceContext(into, input.context);
  return into;
}

/**
 * Reads event headers. Throws {@link EventHeaderError} when the type is
 * missing or unknown, or the revision is missing (ERROR events excepted).
 */
export function decodeEventHeaders(headers: MsgHdrs | undefined): DecodedEventHeaders {
  if (!headers) throw new EventHeaderError('event message has no headers');
  const type = headers.get(HEADER_TYPE);
  if (!isWatchEventType(type)) {
    throw new EventHeaderError(`event header ${HEADER_TYPE} is ${type ? JSON.stringify(type) : 'missing'}`);
  }
  const revision = headers.get(HEADER_REVISION);
  if (revision === '' && type !== 'ERROR') throw new EventHeaderError(`event header ${HEADER_REVISION} is missing`);
  const traceparent = headers.get(HEADER_TRACEPARENT) || undefined;
  return { type, revision, context: extractTraceContext(headers), ...(traceparent ? { traceparent } : {}) };
}
