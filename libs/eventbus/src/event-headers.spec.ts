import { ROOT_CONTEXT, TraceFlags, createTraceState, propagation, trace } from '@opentelemetry/api';
import { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } from '@opentelemetry/core';
import { headers } from '@nats-io/transport-node';
import {
  EventHeaderError,
  HEADER_REVISION,
  HEADER_TRACEPARENT,
  HEADER_TRACESTATE,
  HEADER_TYPE,
  decodeEventHeaders,
  encodeEventHeaders,
  isWatchEventType,
} from './event-headers';
import { extractTraceContext, injectTraceContext, natsHeadersGetter } from './trace-context';

const TRACE_ID = '0af7651916cd43dd8448eb211c80319c';
const SPAN_ID = 'b7ad6b7169203331';

function remoteContext() {
  return trace.setSpanContext(ROOT_CONTEXT, {
    traceId: TRACE_ID,
    spanId: SPAN_ID,
    traceFlags: TraceFlags.SAMPLED,
    traceState: createTraceState('k8ts=1'),
    isRemote: true,
  });
}

describe('event headers', () => {
  beforeAll(() => {
    propagation.setGlobalPropagator(
      new CompositePropagator({ propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()] }),
    );
  });
  afterAll(() => propagation.disable());

  it('uses the contract header names', () => {
    expect([HEADER_REVISION, HEADER_TYPE, HEADER_TRACEPARENT, HEADER_TRACESTATE]).toEqual([
      'k8ts-revision',
      'k8ts-type',
      'traceparent',
      'tracestate',
    ]);
  });

  it('encodes type, revision and W3C trace context', () => {
    const h = encodeEventHeaders({ type: 'ADDED', revision: 42, context: remoteContext() });
    expect(h.get('k8ts-type')).toBe('ADDED');
    expect(h.get('k8ts-revision')).toBe('42');
    expect(h.get('traceparent')).toBe(`00-${TRACE_ID}-${SPAN_ID}-01`);
    expect(h.get('tracestate')).toBe('k8ts=1');
  });

  it('round-trips through decode, including the trace context', () => {
    const h = encodeEventHeaders({ type: 'MODIFIED', revision: '7', context: remoteContext() });
    const d = decodeEventHeaders(h);
    expect(d.type).toBe('MODIFIED');
    expect(d.revision).toBe('7');
    expect(d.traceparent).toBe(`00-${TRACE_ID}-${SPAN_ID}-01`);
    const sc = trace.getSpanContext(d.context);
    expect(sc).toMatchObject({ traceId: TRACE_ID, spanId: SPAN_ID, traceFlags: TraceFlags.SAMPLED, isRemote: true });
    expect(sc?.traceState?.get('k8ts')).toBe('1');
  });

  it('carries baggage when the propagator does', () => {
    const ctx = propagation.setBaggage(ROOT_CONTEXT, propagation.createBaggage({ 'k8s.pod.name': { value: 'web-1' } }));
    const h = injectTraceContext(headers(), ctx);
    expect(propagation.getBaggage(extractTraceContext(h))?.getEntry('k8s.pod.name')?.value).toBe('web-1');
  });

  it('decodes without trace context', () => {
    const h = encodeEventHeaders({ type: 'DELETED', revision: '9', context: ROOT_CONTEXT });
    expect(h.has('traceparent')).toBe(false);
    const d = decodeEventHeaders(h);
    expect(d.traceparent).toBeUndefined();
    expect(trace.getSpanContext(d.context)).toBeUndefined();
  });

  it('reads trace headers case-insensitively', () => {
    const h = headers();
    h.set('Traceparent', `00-${TRACE_ID}-${SPAN_ID}-01`);
    expect(natsHeadersGetter.get(h, 'traceparent')).toBe(`00-${TRACE_ID}-${SPAN_ID}-01`);
    expect(trace.getSpanContext(extractTraceContext(h))?.traceId).toBe(TRACE_ID);
    expect(natsHeadersGetter.get(undefined, 'traceparent')).toBeUndefined();
    expect(natsHeadersGetter.keys(h)).toEqual(['Traceparent']);
  });

  it('rejects bad input', () => {
    expect(() => encodeEventHeaders({ type: 'CREATED' as never, revision: '1' })).toThrow(EventHeaderError);
    expect(() => encodeEventHeaders({ type: 'ADDED', revision: '' })).toThrow(/revision/);
    expect(() => decodeEventHeaders(undefined)).toThrow(/no headers/);
    const h = headers();
    h.set('k8ts-type', 'ADDED');
    expect(() => decodeEventHeaders(h)).toThrow(/k8ts-revision is missing/);
    h.set('k8ts-type', 'NOPE');
    expect(() => decodeEventHeaders(h)).toThrow(/"NOPE"/);
    const err = headers();
    err.set('k8ts-type', 'ERROR');
    expect(decodeEventHeaders(err).type).toBe('ERROR');
  });

  it('isWatchEventType', () => {
    expect(['ADDED', 'MODIFIED', 'DELETED', 'BOOKMARK', 'ERROR'].every(isWatchEventType)).toBe(true);
    expect(isWatchEventType('added')).toBe(false);
    expect(isWatchEventType(undefined)).toBe(false);
  });
});
