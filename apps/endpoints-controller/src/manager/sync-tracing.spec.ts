import { context, propagation, trace } from '@opentelemetry/api';
import type { TraceContext } from '@k8ts/client';
import { startTestTracing, type TestTracing } from '@k8ts/telemetry';
import { FakeClock } from '@k8ts/testing';
import { PendingTraces, SYNC_SPAN_NAME, tracedSync, TracingQueue } from './sync-tracing';

let tracing: TestTracing;
beforeAll(() => {
  tracing = startTestTracing();
});
afterAll(() => tracing.shutdown());
beforeEach(() => tracing.reset());

/** The W3C context of a fresh span ("the write that caused the event"). */
function writerContext(): { trace: TraceContext; traceId: string; spanId: string } {
  const span = tracing.tracer().startSpan('apiserver write');
  span.end();
  const carrier: Record<string, string> = {};
  propagation.inject(trace.setSpan(context.active(), span), carrier);
  return { trace: carrier as unknown as TraceContext, traceId: span.spanContext().traceId, spanId: span.spanContext().spanId };
}

function syncSpans() {
  return tracing.spans().filter((s) => s.name === SYNC_SPAN_NAME);
}

describe('PendingTraces + TracingQueue', () => {
  it('records the context of the event whose handler enqueued the key, newest last, and forgets it on take', () => {
    const traces = new PendingTraces();
    const queue = new TracingQueue(traces);
    const a = writerContext();
    const b = writerContext();
    traces.during({ revision: '1', trace: a.trace }, () => queue.add('ns/web'));
    traces.during({ revision: '2', trace: b.trace }, () => queue.addAfter('ns/web', 0));
    traces.during({ revision: '3', trace: a.trace }, () => queue.add('ns/web'));
    queue.add('ns/other'); // outside a handler: nothing recorded
    traces.during({ revision: '4' }, () => queue.add('ns/untraced'));
    expect(traces.take('ns/web')).toEqual([b.trace, a.trace]);
    expect(traces.take('ns/web')).toEqual([]);
    expect(traces.take('ns/other')).toEqual([]);
    expect(traces.size).toBe(0);
    queue.shutDown();
  });

  it('holds the context of a delayed add back until the key is really added', () => {
    const clock = new FakeClock();
    const traces = new PendingTraces();
    const queue = new TracingQueue(traces, { clock });
    const echo = writerContext();
    const pod = writerContext();
    traces.during({ revision: '1', trace: echo.trace }, () => queue.addAfter('ns/web', 1000));
    traces.during({ revision: '2', trace: pod.trace }, () => queue.add('ns/web'));
    expect(traces.take('ns/web')).toEqual([pod.trace]); // the immediate sync does not claim the delayed event
    queue.addRateLimited('ns/web'); // a retry outside handlers records nothing
    clock.advance(1000);
    expect(traces.take('ns/web')).toEqual([echo.trace]);
    expect(traces.size).toBe(0);
    queue.shutDown();
  });

  it('keeps at most 16 contexts per key', () => {
    const traces = new PendingTraces();
    const queue = new TracingQueue(traces);
    const all = Array.from({ length: 20 }, () => writerContext());
    for (const c of all) traces.during({ revision: '1', trace: c.trace }, () => queue.add('k/k'));
    expect(traces.take('k/k')).toEqual(all.slice(4).map((c) => c.trace));
    queue.shutDown();
  });
});

describe('tracedSync', () => {
  it('parents the sync span on the single event and keeps it active for the writes', async () => {
    const traces = new PendingTraces();
    const queue = new TracingQueue(traces);
    const w = writerContext();
    traces.during({ revision: '1', trace: w.trace }, () => queue.add('default/web'));
    let activeTraceId: string | undefined;
    await tracedSync('default/web', traces, async () => {
      activeTraceId = trace.getActiveSpan()?.spanContext().traceId;
    });
    const [span] = syncSpans();
    expect(span?.spanContext().traceId).toBe(w.traceId);
    expect(span?.parentSpanContext?.spanId).toBe(w.spanId);
    expect(span?.attributes).toMatchObject({ 'k8s.namespace.name': 'default', 'k8s.service.name': 'web' });
    expect(activeTraceId).toBe(w.traceId);
    queue.shutDown();
  });

  it('links to every coalesced event and starts its own trace', async () => {
    const traces = new PendingTraces();
    const queue = new TracingQueue(traces);
    const a = writerContext();
    const b = writerContext();
    traces.during({ revision: '1', trace: a.trace }, () => queue.add('default/web'));
    traces.during({ revision: '2', trace: b.trace }, () => queue.add('default/web'));
    await tracedSync('default/web', traces, async () => undefined);
    const [span] = syncSpans();
    expect(span?.links.map((l) => l.context.spanId)).toEqual([a.spanId, b.spanId]);
    expect([a.traceId, b.traceId]).not.toContain(span?.spanContext().traceId);
    expect(span?.parentSpanContext).toBeUndefined();
    queue.shutDown();
  });

  it('starts a root span without events, and puts the contexts back when the sync fails', async () => {
    const traces = new PendingTraces();
    await tracedSync('default/web', traces, async () => undefined);
    expect(syncSpans()[0]?.parentSpanContext).toBeUndefined();

    const queue = new TracingQueue(traces);
    const w = writerContext();
    traces.during({ revision: '1', trace: w.trace }, () => queue.add('default/web'));
    await expect(tracedSync('default/web', traces, async () => Promise.reject(new Error('conflict')))).rejects.toThrow('conflict');
    expect(syncSpans()[1]?.status.code).toBe(2); // SpanStatusCode.ERROR
    expect(traces.take('default/web')).toEqual([w.trace]);
    queue.shutDown();
  });
});
