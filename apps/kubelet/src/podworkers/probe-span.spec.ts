import { context, trace, type SpanContext } from '@opentelemetry/api';
import { startTestTracing, type TestTracing } from '@k8ts/telemetry';
import { newPod } from '@k8ts/testing';
import { probeSpanName, recordProbeResult } from './probe-span';

let tracing: TestTracing;
beforeAll(() => {
  tracing = startTestTracing({ serviceName: 'kubelet' });
});
afterAll(() => tracing.shutdown());
beforeEach(() => tracing.reset());

describe('probe result spans', () => {
  it.each([
    { desc: 'readiness success', kind: 'readiness', result: 'success', name: 'kubelet readiness probe succeeded', error: false },
    { desc: 'liveness failure', kind: 'liveness', result: 'failure', name: 'kubelet liveness probe failed', error: true },
    { desc: 'startup unknown', kind: 'startup', result: 'unknown', name: 'kubelet startup probe unknown', error: false },
  ] as const)('$desc', ({ kind, result, name, error }) => {
    expect(probeSpanName(kind, result)).toBe(name);
    const parent: SpanContext = { traceId: 'a'.repeat(32), spanId: 'b'.repeat(16), traceFlags: 1 };
    const pod = newPod({ name: 'web-1', namespace: 'default' });
    recordProbeResult(pod, trace.setSpanContext(context.active(), parent), 'node-1', 'app', kind, result, 'HTTP 500');
    const [span] = tracing.spans();
    expect(span.name).toBe(name);
    expect(span.spanContext().traceId).toBe(parent.traceId);
    expect(span.parentSpanContext?.spanId).toBe(parent.spanId);
    expect(span.attributes).toMatchObject({ 'k8s.pod.name': 'web-1', 'k8s.container.name': 'app', 'k8s.node.name': 'node-1', 'k8ts.probe.kind': kind });
    expect(span.status.code === 2).toBe(error);
  });
});
