import { SpanKind, context, propagation, trace } from '@opentelemetry/api';
import { startTestTracing } from './test-tracing';

describe('startTestTracing', () => {
  it('records finished spans with service.name, parenting across awaits', async () => {
    const tracing = startTestTracing({ serviceName: 'scheduler', attributes: { 'k8s.node.name': 'n1' } });
    try {
      const tracer = trace.getTracer('test');
      await tracer.startActiveSpan('schedule', async (parent) => {
        await new Promise((r) => setTimeout(r, 1));
        tracer.startSpan('bind', { kind: SpanKind.CLIENT }).end();
        const carrier: Record<string, string> = {};
        propagation.inject(context.active(), carrier);
        expect(carrier['traceparent']).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
        parent.end();
      });
      const spans = tracing.spans();
      expect(spans.map((s) => s.name)).toEqual(['bind', 'schedule']);
      const [bind, schedule] = spans;
      expect(bind?.parentSpanContext?.spanId).toBe(schedule?.spanContext().spanId);
      expect(bind?.spanContext().traceId).toBe(schedule?.spanContext().traceId);
      expect(schedule?.resource.attributes['service.name']).toBe('scheduler');
      expect(schedule?.resource.attributes['k8s.node.name']).toBe('n1');
      tracing.reset();
      expect(tracing.spans()).toHaveLength(0);
    } finally {
      await tracing.shutdown();
    }
  });

  it('can be started again after shutdown, and refuses to stack', async () => {
    const a = startTestTracing();
    expect(() => startTestTracing()).toThrow(/already active/);
    a.tracer().startSpan('x').end();
    expect(a.spans()[0]?.resource.attributes['service.name']).toBe('test');
    await a.shutdown();
    await a.shutdown();
    const b = startTestTracing();
    trace.getTracer('t').startSpan('y').end();
    expect(b.spans().map((s) => s.name)).toEqual(['y']);
    await b.shutdown();
    // After shutdown the API is back to no-op.
    expect(trace.getTracer('t').startSpan('z').isRecording()).toBe(false);
  });
});
